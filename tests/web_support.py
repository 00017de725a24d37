"""Helpers for the web tests: an app on a fresh database, signed-in clients, CSRF tokens.

Import the fixtures into a test module (``from tests.web_support import app, owner``); pytest finds
fixtures imported into a module.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from crampcare.web.app import create_app

PASSWORD = "correct horse 1"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


class Browser:
    """A TestClient that knows its current CSRF token (what a browser's page would carry)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, page: str = "/knowledge") -> str:
        return csrf_of(self.client.get(page).text)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kw: Any) -> Any:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf", self.token())
        return self.client.post(url, data=data, **kw)

    def api_token(self) -> str:
        return str(self.client.get("/api/v1/session").json()["csrf_token"])

    def api(self, method: str, url: str, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}))
        if method.upper() not in ("GET", "HEAD"):
            headers.setdefault("X-CSRF-Token", self.api_token())
        return self.client.request(method, "/api/v1" + url, headers=headers, **kw)


def new_client(app: Any) -> Browser:
    return Browser(TestClient(app, follow_redirects=False))


def sign_up_owner(app: Any, name: str = "anna") -> Browser:
    browser = new_client(app)
    token = browser.token("/setup")
    r = browser.post("/setup", {"csrf": token, "name": name, "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 303, r.text
    return browser


def open_signups(owner: Browser) -> None:
    assert owner.post("/account/signups", {"allowed": "yes"}).status_code == 303


def sign_up(app: Any, name: str) -> Browser:
    browser = new_client(app)
    token = browser.token("/signup")
    r = browser.post("/signup", {"csrf": token, "name": name, "password": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 303, r.text
    return browser


@pytest.fixture
def sqlite_url(migrated_sqlite: Callable[[str], str]) -> str:
    return migrated_sqlite("web.sqlite")


@pytest.fixture
def app(sqlite_url: str) -> Iterator[Any]:
    application = create_app(sqlite_url, secure_cookies=False)
    yield application
    application.state.db.dispose()
    application.state.read_db.dispose()


@pytest.fixture
def any_app(db_url: str) -> Iterator[Any]:
    """The app on SQLite and on PostgreSQL (for tests where storage matters)."""
    application = create_app(db_url, secure_cookies=False)
    yield application
    application.state.db.dispose()
    application.state.read_db.dispose()


@pytest.fixture
def owner(app: Any) -> Browser:
    return sign_up_owner(app)


@pytest.fixture
def two_users(any_app: Any) -> tuple[Browser, Browser]:
    """Anna (the owner) and Boris, on SQLite and PostgreSQL."""
    anna = sign_up_owner(any_app, "anna")
    open_signups(anna)
    return anna, sign_up(any_app, "boris")


EMERGENCY_FORM = {
    "age_years": "58",
    "sex": "male",
    "findings.danger": ["chest_pain", "shortness_of_breath", "unilateral_calf_swelling"],
}
SELF_CARE_FORM = {
    "age_years": "45",
    "sex": "female",
    "pregnancy.pregnant": "no",
    "cramps.timing": ["night"],
    "cramps.locations": ["calf"],
    "cramps.side": "both",
    "cramps.episode_duration_seconds": "60",
    "cramps.episodes_per_week": "1",
    "cramps.weeks_since_onset": "8",
    "cramps.pain_severity_0_10": "5",
    "findings.cramp": ["sudden_painful_tightening", "visible_or_palpable_knot", "relieved_by_stretching"],
}


class LiveServer:
    """uvicorn serving ``app`` on a free loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
