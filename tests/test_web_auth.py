"""Accounts and protections: first-run owner, sign-up policy, sign-in throttling, CSRF, sessions,
security headers, argon2id hashes, audit log."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from crampcare.storage.auth_models import AuditEvent, Credential
from crampcare.web.app import create_app
from tests.web_support import (
    PASSWORD,
    Browser,
    app,
    new_client,
    open_signups,
    owner,
    sign_up,
    sign_up_owner,
    sqlite_url,
)

__all__ = ["app", "owner", "sqlite_url"]  # fixtures


def _events(app: Any) -> list[str]:
    with app.state.db.session() as s:
        return [e.event for e in s.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


def test_fresh_install_leads_to_owner_setup(app: Any) -> None:
    browser = new_client(app)
    assert browser.get("/").headers["location"] == "/setup"
    assert browser.get("/login").headers["location"] == "/setup"
    sign_up_owner(app)
    # Once there is an owner, /setup is closed to everybody else.
    late = new_client(app)
    assert late.get("/setup").headers["location"] == "/login"
    r = late.post(
        "/setup",
        {"csrf": late.token("/login"), "name": "mallory", "password": PASSWORD, "password2": PASSWORD},
    )
    assert r.status_code == 303 and r.headers["location"] == "/login"
    with app.state.db.session() as s:
        owners = s.scalars(sa.select(Credential).where(Credential.is_owner)).all()
    assert len(owners) == 1


def test_signups_only_when_the_owner_allows(app: Any, owner: Browser) -> None:
    visitor = new_client(app)
    assert visitor.get("/signup").status_code == 403
    r = visitor.post(
        "/signup",
        {"csrf": visitor.token("/login"), "name": "boris", "password": PASSWORD, "password2": PASSWORD},
    )
    assert r.status_code == 403
    open_signups(owner)
    sign_up(app, "boris")
    # A non-owner cannot change the policy.
    boris = new_client(app)
    boris.post("/login", {"csrf": boris.token("/login"), "name": "boris", "password": PASSWORD})
    assert boris.post("/account/signups", {"allowed": "no"}).status_code == 403


def test_bad_sign_up_shows_the_problem_next_to_the_field_and_saves_nothing(app: Any) -> None:
    browser = new_client(app)
    r = browser.post(
        "/setup", {"csrf": browser.token("/setup"), "name": "a", "password": "short", "password2": "short"}
    )
    assert r.status_code == 422
    assert 'id="name-error"' in r.text and 'aria-invalid="true"' in r.text
    r = browser.post(
        "/setup",
        {"csrf": browser.token("/setup"), "name": "anna", "password": PASSWORD, "password2": "other"},
    )
    assert r.status_code == 422 and 'id="password2-error"' in r.text
    with app.state.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Credential)) == 0


def test_passwords_are_argon2id_hashes(app: Any, owner: Browser) -> None:
    with app.state.db.session() as s:
        stored = s.scalars(sa.select(Credential.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_sign_in_and_out(app: Any, owner: Browser) -> None:
    browser = new_client(app)
    r = browser.post(
        "/login", {"csrf": browser.token("/login"), "name": "anna", "password": PASSWORD, "next": "/account"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/account"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    assert browser.get("/diary").status_code == 200
    session_cookie = browser.client.cookies.get("cc_session")
    assert browser.post("/logout").status_code == 303
    # The server forgot the session: replaying the old cookie does not work.
    replay = new_client(app)
    replay.client.cookies.set("cc_session", session_cookie)
    assert replay.get("/diary").status_code == 303
    assert {"sign_in", "sign_out"} <= set(_events(app))


def test_next_cannot_send_people_to_another_site(app: Any, owner: Browser) -> None:
    browser = new_client(app)
    r = browser.post(
        "/login",
        {"csrf": browser.token("/login"), "name": "anna", "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert r.headers["location"] == "/diary"


def test_login_is_throttled_after_repeated_failures(app: Any, owner: Browser) -> None:
    browser = new_client(app)
    for _ in range(5):
        r = browser.post("/login", {"name": "anna", "password": "wrong password"})
        assert r.status_code == 401 and "Wrong name or password" in r.text
    r = browser.post("/login", {"name": "anna", "password": PASSWORD})  # even the right one, for now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "sign_in_failed" in _events(app)
    # The API sign-in shares the throttle.
    assert (
        browser.client.post("/api/v1/session", json={"name": "anna", "password": PASSWORD}).status_code == 429
    )


def test_every_form_needs_the_csrf_token(app: Any, owner: Browser) -> None:
    # Without a token, or with another visitor's token, nothing changes.
    stranger = new_client(app)
    foreign_token = stranger.token("/login")
    for token in (None, foreign_token, "0" * 64):
        data = {"muscle": "calf", "side": "left", "severity": "5"}
        if token:
            data["csrf"] = token
        r = owner.post("/diary/quick", data, csrf=False)
        assert r.status_code == 403
    assert "No cramps logged yet" in owner.get("/diary").text
    # An htmx request may carry it as a header instead.
    r = owner.client.post(
        "/diary/quick",
        data={"muscle": "calf", "side": "left", "severity": "5"},
        headers={"X-CSRF-Token": owner.token()},
    )
    assert r.status_code == 303


def test_security_headers_and_no_inline_script(app: Any, owner: Browser) -> None:
    for path in ("/", "/diary", "/assess", "/knowledge", "/account", "/experiments"):
        r = owner.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "no-store" in r.headers["cache-control"]
        # Every <script> has a src, no inline event handlers, no inline style attributes.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text), path
        assert not re.search(r"\son[a-z]+\s*=", r.text), path
        assert not re.search(r"\sstyle\s*=", r.text), path


def test_secure_cookies_when_configured(sqlite_url: str) -> None:
    application = create_app(sqlite_url, secure_cookies=True)
    try:
        browser = new_client(application)
        r = browser.get("/setup")
        assert "Secure" in r.headers["set-cookie"]
    finally:
        application.state.db.dispose()
        application.state.read_db.dispose()


def test_secure_cookie_behind_an_https_proxy(app: Any) -> None:
    application = create_app(str(app.state.db.engine.url), secure_cookies=None)
    try:
        browser = new_client(application)
        r = browser.get("/setup", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" in r.headers["set-cookie"]
    finally:
        application.state.db.dispose()
        application.state.read_db.dispose()


def test_errors_are_friendly_pages_not_tracebacks(app: Any, owner: Browser) -> None:
    r = owner.get("/no/such/page")
    assert r.status_code == 404 and "Traceback" not in r.text and "There is nothing here" in r.text
    r = owner.get("/diary/episodes/not-a-number")
    assert r.status_code in (404, 422) and "Traceback" not in r.text


def test_owner_leaving_promotes_nobody_silently(app: Any, owner: Browser) -> None:
    # Ownership passes only by an explicit choice (tests/test_web_account_security.py).
    open_signups(owner)
    sign_up(app, "boris")
    r = owner.post("/account/delete", {"password": PASSWORD})
    assert r.status_code == 303
    with app.state.db.session() as s:
        names = s.execute(
            sa.text("select u.name from credentials c join users u on u.id = c.user_id where c.is_owner")
        ).all()
    assert names == []
    assert "account_deleted" in _events(app)
