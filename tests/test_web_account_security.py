"""A shared server people can trust: first-run token, private audit log, ownership by choice,
deletion that deletes, account recovery (owner's link and e-mail), bounded work per account.

Tests that touch storage run on SQLite and PostgreSQL (``any_app``).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import glob
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from crampcare.cli.serve_cmd import needs_setup_token
from crampcare.storage.auth_models import AuditEvent, Credential, LoginFailure, PasswordReset, WebSession
from crampcare.storage.models import Episode, User
from crampcare.web.app import create_app
from crampcare.web.limits import Limits
from tests.web_support import (
    PASSWORD,
    Browser,
    any_app,
    csrf_of,
    new_client,
    open_signups,
    sign_up_owner,
    sqlite_url,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["any_app", "sqlite_url"]

NEW_PASSWORD = "a brand new secret 2"


def client_from(app: Any, address: str) -> Browser:
    """A browser whose requests come from ``address`` (what the audit log records)."""
    return Browser(TestClient(app, follow_redirects=False, client=(address, 40000)))


def sign_up_from(app: Any, name: str, address: str) -> Browser:
    browser = client_from(app, address)
    token = browser.token("/signup")
    r = browser.post("/signup", {"csrf": token, "name": name, "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 303, r.text
    return browser


def owners(app: Any) -> list[str]:
    with app.state.db.session() as s:
        query = (
            sa.select(User.name).join(Credential, Credential.user_id == User.id).where(Credential.is_owner)
        )
        return sorted(s.scalars(query))


# --- 1. first-run safety -------------------------------------------------------------------------


def test_token_needed_exactly_when_others_can_reach_the_server() -> None:
    assert not needs_setup_token("127.0.0.1", proxy_headers=False)
    assert not needs_setup_token("localhost", proxy_headers=False)
    assert not needs_setup_token("::1", proxy_headers=False)
    assert needs_setup_token("0.0.0.0", proxy_headers=False)
    assert needs_setup_token("::", proxy_headers=False)
    assert needs_setup_token("192.168.1.20", proxy_headers=False)
    # A reverse proxy on this machine forwards the world to a loopback port.
    assert needs_setup_token("127.0.0.1", proxy_headers=True)


def test_setup_beyond_loopback_needs_the_token(sqlite_url: str) -> None:
    app = create_app(sqlite_url, secure_cookies=False, setup_token="tok-7f3a9c")
    try:
        stranger = new_client(app)
        for url in ("/setup", "/setup?token=guess"):
            r = stranger.get(url)
            assert r.status_code == 403 and 'name="password"' not in r.text, url
        form = {
            "csrf": stranger.token(),
            "name": "mallory",
            "password": PASSWORD,
            "password2": PASSWORD,
        }
        assert stranger.post("/setup", form).status_code == 403
        assert stranger.post("/setup", {**form, "token": "guess"}).status_code == 403
        with app.state.db.session() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(Credential)) == 0
        # The person who started the server has the printed link.
        page = stranger.get("/setup?token=tok-7f3a9c")
        assert page.status_code == 200 and 'name="token" value="tok-7f3a9c"' in page.text
        r = stranger.post(
            "/setup", {**form, "name": "anna", "token": "tok-7f3a9c", "csrf": csrf_of(page.text)}
        )
        assert r.status_code == 303
        assert owners(app) == ["anna"]
        # Used up: with an owner, the page is closed even with the token.
        assert new_client(app).get("/setup?token=tok-7f3a9c").headers["location"] == "/login"
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


def test_setup_on_loopback_needs_no_token(sqlite_url: str) -> None:
    app = create_app(sqlite_url, secure_cookies=False)
    try:
        sign_up_owner(app, "anna")  # no token anywhere
        assert owners(app) == ["anna"]
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(tmp_path: Path, host: str) -> tuple[subprocess.Popen[str], int, list[str]]:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crampcare",
            "serve",
            "--host",
            host,
            "--port",
            str(port),
            "--db",
            f"sqlite:///{tmp_path / f'serve-{host}.sqlite'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except httpx.HTTPError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.2)
    return proc, port, lines


@pytest.mark.slow  # starts `crampcare serve` processes
@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
def test_crampcare_serve_prints_a_setup_link_only_beyond_loopback(tmp_path: Path, host: str) -> None:
    proc, port, _ = _serve(tmp_path, host)
    try:
        base = f"http://127.0.0.1:{port}"
        plain = httpx.get(f"{base}/setup")
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    match = re.search(r"/setup\?token=([A-Za-z0-9_-]+)", output)
    if host == "127.0.0.1":
        assert match is None, output
        assert plain.status_code == 200 and 'name="password"' in plain.text
        return
    assert match, output
    assert plain.status_code == 403 and 'name="password"' not in plain.text
    # Start it again to use the link (the token is new on each start while there is no owner).
    proc, port, _ = _serve(tmp_path, host)
    try:
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/setup?token={match.group(1)}").status_code == 403  # the old one is gone
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    fresh = re.search(r"/setup\?token=([A-Za-z0-9_-]+)", output)
    assert fresh and fresh.group(1) != match.group(1)


# --- 2. privacy of the audit log, ownership by choice ---------------------------------------------


@pytest.fixture
def anna_boris(any_app: Any) -> tuple[Browser, Browser]:
    anna = client_from(any_app, "198.51.100.1")
    token = anna.token("/setup")
    form = {"csrf": token, "name": "anna", "password": PASSWORD, "password2": PASSWORD}
    assert anna.post("/setup", form).status_code == 303
    open_signups(anna)
    return anna, sign_up_from(any_app, "boris", "203.0.113.77")


def _boris_activity(app: Any, boris: Browser) -> None:
    csv_text = (
        "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n"
        "2026-11-01T03:00:00+01:00,60,calf,left,5,true,stretch,boris unique note qx81\n"
    )
    files = {"file": ("boris-private-file.csv", csv_text.encode(), "text/csv")}
    assert boris.client.post("/diary/import", data={"csrf": boris.token()}, files=files).status_code == 200
    assert boris.get("/account/export").status_code == 200
    wrong = client_from(app, "192.0.2.99")  # someone guessing Boris's password
    r = wrong.post("/login", {"csrf": wrong.token("/login"), "name": "boris", "password": "not it at all"})
    assert r.status_code == 401


def test_each_person_sees_their_own_events_and_the_owner_only_counts(
    any_app: Any, anna_boris: tuple[Browser, Browser]
) -> None:
    anna, boris = anna_boris
    _boris_activity(any_app, boris)
    mine = boris.get("/account").text
    # Boris sees his own security events: sign-ins, the failure (with where it came from), exports.
    assert "203.0.113.77" in mine and "192.0.2.99" in mine and "boris-private-file.csv" in mine
    assert "Failed sign-in" in mine and "Export" in mine
    assert "198.51.100.1" not in mine  # nothing of Anna's
    owner_page = anna.get("/account").text
    # The owner sees the accounts and counts...
    assert "boris" in owner_page and "Failed sign-ins" in owner_page
    row = re.search(r"<tr><td>boris</td><td>[0-9-]+</td><td>(\d+)</td><td>(\d+)</td>", owner_page)
    assert row and row.groups() == ("1", "1"), owner_page
    # ... but not Boris's addresses or file names.
    for private in ("203.0.113.77", "192.0.2.99", "boris-private-file.csv"):
        assert private not in owner_page, private
    assert "198.51.100.1" in owner_page  # her own sign-in


def test_failures_for_unknown_names_carry_no_name(any_app: Any, anna_boris: tuple[Browser, Browser]) -> None:
    anna, _ = anna_boris
    stranger = client_from(any_app, "192.0.2.5")
    r = stranger.post("/login", {"csrf": stranger.token("/login"), "name": "carol", "password": "whatever1"})
    assert r.status_code == 401
    with any_app.state.db.session() as s:
        assert (
            s.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.user_name == "carol")
            )
            == 0
        )
    # Whoever signs up as carol later does not inherit a stranger's address.
    carol = sign_up_from(any_app, "carol", "198.51.100.33")
    assert "192.0.2.5" not in carol.get("/account").text
    assert "Failed sign-ins for names nobody has: 1" in anna.get("/account").text


def test_deleting_an_account_anonymises_its_audit_rows(
    any_app: Any, anna_boris: tuple[Browser, Browser]
) -> None:
    _, boris = anna_boris
    _boris_activity(any_app, boris)
    assert boris.post("/account/delete", {"password": PASSWORD}).status_code == 303
    with any_app.state.db.session() as s:
        rows = s.execute(
            sa.select(AuditEvent.user_name, AuditEvent.address, AuditEvent.detail, AuditEvent.event)
        ).all()
    text = repr(rows)
    for private in ("boris", "203.0.113.77", "192.0.2.99", "boris-private-file"):
        assert private not in text, private
    with any_app.state.db.session() as s:  # nor do the throttling records keep name and address
        assert (
            s.scalar(sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.name == "boris"))
            == 0
        )
    events = [r.event for r in rows if r.user_name == ""]
    assert {"sign_in", "import", "export", "sign_in_failed", "account_deleted"} <= set(events)
    assert all(r.address == "" for r in rows if r.user_name == "")


def test_owner_leaving_without_a_choice_leaves_no_owner_until_the_cli_names_one(
    any_app: Any, anna_boris: tuple[Browser, Browser], db_url: str
) -> None:
    anna, boris = anna_boris
    delete_page = anna.get("/account/delete").text
    assert 'name="successor" value="boris"' in delete_page
    assert anna.post("/account/delete", {"password": PASSWORD}).status_code == 303
    assert owners(any_app) == []
    # Nobody can grab the install through the first-run page...
    stranger = new_client(any_app)
    r = stranger.get("/setup")
    assert r.status_code == 503 and 'name="password"' not in r.text
    form = {"csrf": stranger.token("/login"), "name": "mallory", "password": PASSWORD, "password2": PASSWORD}
    assert stranger.post("/setup", form).status_code == 503
    assert owners(any_app) == []
    # ... Boris still uses his diary, and is not the owner.
    assert stranger.get("/login").status_code == 200
    assert boris.get("/diary").status_code == 200
    assert "You own this crampcare" not in boris.get("/account").text
    # The administrator names an owner.
    done = subprocess.run(
        [sys.executable, "-m", "crampcare", "owner", "set", "boris", "--db", db_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert owners(any_app) == ["boris"]
    nobody = subprocess.run(
        [sys.executable, "-m", "crampcare", "owner", "set", "nobody-here", "--db", db_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert nobody.returncode == 1 and "no account" in nobody.stderr


def test_owner_passes_ownership_to_the_successor_they_pick(
    any_app: Any, anna_boris: tuple[Browser, Browser]
) -> None:
    anna, _ = anna_boris
    r = anna.post("/account/delete", {"password": PASSWORD, "successor": "nobody-here"})
    assert r.status_code == 422
    assert owners(any_app) == ["anna"]  # nothing happened
    assert anna.post("/account/delete", {"password": PASSWORD, "successor": "boris"}).status_code == 303
    assert owners(any_app) == ["boris"]


# --- 3. deletion that deletes ---------------------------------------------------------------------


def test_sqlite_connections_overwrite_deleted_rows(sqlite_url: str) -> None:
    # Debian's SQLite is built with secure_delete on by default, python.org's builds are not: this
    # guards those builds (the byte-level tests below guard the WAL checkpoint everywhere).
    from crampcare.storage import open_database

    db = open_database(sqlite_url)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        db.dispose()


def _files_holding(db_url: str, needle: bytes) -> list[str]:
    path = db_url.removeprefix("sqlite:///")
    return [f for f in glob.glob(path + "*") if needle in Path(f).read_bytes()]


def _add_note(browser: Browser, note: str, day: int = 10) -> int:
    body = {
        "started_at": f"2026-11-{day:02d}T02:00:00+00:00",
        "muscle": "calf",
        "side": "left",
        "notes": note,
    }
    r = browser.api("POST", "/episodes", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_deleted_episode_leaves_no_trace(
    any_app: Any, anna_boris: tuple[Browser, Browser], db_url: str
) -> None:
    anna, _ = anna_boris
    note = "zebra-note-5521 only here"
    # Neighbours on the same page: a deleted row among live ones is where old bytes would linger.
    _add_note(anna, "a neighbour before", day=9)
    episode_id = _add_note(anna, note)
    _add_note(anna, "a neighbour after", day=11)
    sqlite = db_url.startswith("sqlite")
    if sqlite:
        assert _files_holding(db_url, note.encode()), "the test cannot see the note before deletion"
    assert anna.post(f"/diary/episodes/{episode_id}/delete").status_code == 303
    if sqlite:
        assert _files_holding(db_url, note.encode()) == []
    with any_app.state.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Episode).where(Episode.notes == note)) == 0


def test_a_deleted_account_leaves_no_trace(
    any_app: Any, anna_boris: tuple[Browser, Browser], db_url: str
) -> None:
    anna, boris = anna_boris
    note = "okapi-note-7730 only here"
    _add_note(anna, "anna's own night", day=9)
    _add_note(boris, note)
    _add_note(anna, "anna's next night", day=11)
    boris.api("PUT", "/day-logs/2026-11-10", json={"fluid_litres": 2, "notes": note})
    assert boris.post("/account/delete", {"password": PASSWORD}).status_code == 303
    if db_url.startswith("sqlite"):
        assert _files_holding(db_url, note.encode()) == []
        assert _files_holding(db_url, b"203.0.113.77") == []
    with any_app.state.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(User).where(User.name == "boris")) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(Episode)) == 2  # Anna's stay
        assert (
            s.scalar(sa.select(sa.func.count()).select_from(Episode).where(Episode.notes.like("%okapi%")))
            == 0
        )
        assert s.execute(sa.text("select count(*) from day_logs where notes like '%okapi%'")).scalar() == 0


# --- 4. account recovery --------------------------------------------------------------------------


def _link_of(page: str) -> str:
    match = re.search(r'<code class="reset-link">([^<]+)</code>', page)
    assert match, page
    return match.group(1).replace("&amp;", "&")


def test_owner_made_reset_link_works_once_and_ends_every_session(
    any_app: Any, anna_boris: tuple[Browser, Browser]
) -> None:
    anna, boris = anna_boris
    assert boris.post("/account/reset-link", {"name": "anna"}).status_code == 403  # only the owner
    page = anna.post("/account/reset-link", {"name": "boris"})
    assert page.status_code == 200
    link = _link_of(page.text)
    token = link.split("token=")[1]
    with any_app.state.db.session() as s:
        stored = s.scalars(sa.select(PasswordReset.id)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]  # only its hash is kept
    assert token not in anna.get("/account").text  # shown once, never again
    path = "/reset?token=" + token
    visitor = new_client(any_app)
    form_page = visitor.get(path)
    assert form_page.status_code == 200 and "boris" in form_page.text
    form = {
        "csrf": csrf_of(form_page.text),
        "token": token,
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert visitor.post("/reset", form).status_code == 303
    # Boris's old session ended; the old password no longer works, the new one does.
    assert boris.get("/account").status_code == 303
    with any_app.state.db.session() as s:
        user_id = s.scalar(sa.select(User.id).where(User.name == "boris"))
        assert (
            s.scalar(sa.select(sa.func.count()).select_from(WebSession).where(WebSession.user_id == user_id))
            == 0
        )
    login = new_client(any_app)
    bad = {"csrf": login.token("/login"), "name": "boris", "password": PASSWORD}
    assert login.post("/login", bad).status_code == 401
    assert login.post("/login", {**bad, "password": NEW_PASSWORD}).status_code == 303
    # Single use.
    again = new_client(any_app)
    assert again.get(path).status_code == 410
    assert again.post("/reset", {**form, "csrf": again.token("/login")}).status_code == 410


def test_reset_links_expire(any_app: Any, anna_boris: tuple[Browser, Browser]) -> None:
    anna, _ = anna_boris
    token = _link_of(anna.post("/account/reset-link", {"name": "boris"}).text).split("token=")[1]
    with any_app.state.db.session() as s:
        row = s.scalars(sa.select(PasswordReset)).one()
        assert dt.timedelta(minutes=55) < row.expires_at - row.created_at <= dt.timedelta(hours=1)
        row.expires_at = row.created_at - dt.timedelta(seconds=1)
        s.commit()
    visitor = new_client(any_app)
    assert visitor.get("/reset?token=" + token).status_code == 410
    form = {
        "csrf": visitor.token("/login"),
        "token": token,
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert visitor.post("/reset", form).status_code == 410


class Mailbox:
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1, keeping what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                outer.messages.append(envelope)
                return "250 OK"

        self.port = _free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def wait(self, count: int, seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


def test_forgot_password_by_email_against_a_real_smtp_server(mailbox: Mailbox, sqlite_url: str) -> None:
    app = create_app(
        sqlite_url,
        secure_cookies=False,
        smtp_url=f"smtp://127.0.0.1:{mailbox.port}?from=crampcare@cramps.example",
        public_url="https://cramps.example",
    )
    try:
        anna = sign_up_owner(app, "anna@example.org")
        open_signups(anna)
        visitor = new_client(app)
        page = visitor.get("/forgot")
        assert page.status_code == 200 and 'name="name"' in page.text
        # An unknown name and a known one get the same answer; only the known one gets mail.
        unknown = visitor.post("/forgot", {"name": "nobody@example.org"})
        # The Host header is the visitor's choice: links must never be built from it.
        known = visitor.client.post(
            "/forgot",
            data={"csrf": visitor.token("/forgot"), "name": "anna@example.org"},
            headers={"host": "evil.example"},
        )
        assert unknown.status_code == known.status_code == 200
        strip = re.compile(r'name="csrf" value="[^"]+"')
        assert strip.sub("", unknown.text) == strip.sub("", known.text)
        mailbox.wait(1)
        time.sleep(0.5)  # give a wrong second mail the chance to arrive
        assert len(mailbox.messages) == 1
        envelope = mailbox.messages[0]
        assert envelope.rcpt_tos == ["anna@example.org"]
        body = (
            email.message_from_bytes(envelope.content, policy=email.policy.default).get_body().get_content()
        )
        link = re.search(r"(https://cramps\.example/reset\?token=[A-Za-z0-9_-]+)", body)
        assert link, body
        assert "evil.example" not in body
        token = link.group(1).split("token=")[1]
        form_page = visitor.get("/reset?token=" + token)
        form = {
            "csrf": csrf_of(form_page.text),
            "token": token,
            "password": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        }
        assert visitor.post("/reset", form).status_code == 303
        assert anna.get("/account").status_code == 303  # her session ended
        login = new_client(app)
        creds = {"csrf": login.token("/login"), "name": "anna@example.org", "password": NEW_PASSWORD}
        assert login.post("/login", creds).status_code == 303
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


def test_without_smtp_forgot_points_to_the_owner(sqlite_url: str) -> None:
    app = create_app(sqlite_url, secure_cookies=False)
    try:
        sign_up_owner(app)
        visitor = new_client(app)
        page = visitor.get("/forgot")
        assert page.status_code == 200 and "Ask the owner" in page.text and 'name="name"' not in page.text
        with app.state.db.session() as s:
            before = s.scalar(sa.select(sa.func.count()).select_from(PasswordReset))
        visitor.post("/forgot", {"name": "anna"})
        with app.state.db.session() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(PasswordReset)) == before == 0
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


# --- 5. bounded work per account ------------------------------------------------------------------


def _csv(rows: int, start_day: int = 0) -> bytes:
    lines = ["started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes"]
    for i in range(rows):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=start_day + i)
        lines.append(f"{day.isoformat()}T03:00:00+01:00,60,calf,left,5,true,stretch,")
    return ("\n".join(lines) + "\n").encode()


def test_import_size_and_rows_per_day_are_bounded(sqlite_url: str) -> None:
    app = create_app(sqlite_url, secure_cookies=False, limits=Limits(import_bytes=3000, rows_per_day=30))
    try:
        owner = sign_up_owner(app)

        def upload(data: bytes) -> Any:
            files = {"file": ("d.csv", data, "text/csv")}
            return owner.client.post("/diary/import", data={"csrf": owner.token()}, files=files)

        assert len(_csv(60)) > 3000
        assert upload(_csv(60)).status_code == 413
        assert upload(_csv(20)).status_code == 200
        r = upload(_csv(20, start_day=100))
        assert r.status_code == 429 and "10 left" in r.text
        with app.state.db.session() as s:
            assert (
                s.scalar(sa.select(sa.func.count()).select_from(Episode)) == 20
            )  # nothing of the refused file
        assert upload(_csv(10, start_day=200)).status_code == 200
        body = {"started_at": "2026-11-10T02:00:00+00:00", "muscle": "calf", "side": "left"}
        assert owner.api("POST", "/episodes", json=body).status_code == 429
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


def test_api_lists_come_in_pages(any_app: Any, anna_boris: tuple[Browser, Browser]) -> None:
    anna, _ = anna_boris
    for i in range(25):
        body = {"started_at": f"2026-10-{1 + i:02d}T02:00:00+00:00", "muscle": "calf", "side": "left"}
        assert anna.api("POST", "/episodes", json=body).status_code == 201
    first = anna.api("GET", "/episodes?limit=10")
    assert first.status_code == 200 and len(first.json()) == 10
    assert 'rel="next"' in first.headers["link"]
    seen = list(first.json())
    url = first.headers["link"].split(">")[0].lstrip("<").removeprefix("/api/v1")
    while url:
        page = anna.api("GET", url)
        assert page.status_code == 200
        seen += page.json()
        link = page.headers.get("link")
        url = link.split(">")[0].lstrip("<").removeprefix("/api/v1") if link else ""
    assert len(seen) == 25 and len({e["id"] for e in seen}) == 25
    assert [e["started_at"] for e in seen] == sorted(e["started_at"] for e in seen)
    assert len(anna.api("GET", "/episodes").json()) == 25  # under the default page size
    assert anna.api("GET", "/episodes?limit=5000").status_code == 422
    assert anna.api("GET", "/episodes?cursor=bm90LWEtY3Vyc29y").status_code == 422
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        assert anna.api("PUT", f"/day-logs/{day}", json={"fluid_litres": 1}).status_code == 200
    page1 = anna.api("GET", "/day-logs?limit=2")
    assert [d["date"] for d in page1.json()] == ["2026-10-01", "2026-10-02"]
    page2 = anna.api("GET", f"/day-logs?limit=2&cursor={page1.headers['x-next-cursor']}")
    assert [d["date"] for d in page2.json()] == ["2026-10-03"] and "link" not in page2.headers
    made = []
    for _ in range(3):
        body = {"intervention": "calf_stretch_before_bed", "start": dt.date.today().isoformat(), "pairs": 1}
        r = anna.api("POST", "/experiments", json=body)
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    first_two = anna.api("GET", "/experiments?limit=2")
    rest = anna.api("GET", f"/experiments?limit=2&cursor={first_two.headers['x-next-cursor']}")
    assert [e["id"] for e in first_two.json() + rest.json()] == made and "link" not in rest.headers
