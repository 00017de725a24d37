"""Throttling that cannot be turned against a user (OWASP): failures from one client slow that
client down, never lock the account for everyone; every password check is throttled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.testclient import TestClient

from crampcare.web import auth
from tests.web_support import PASSWORD, Browser, app, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]


def client_at(app: Any, host: str) -> Browser:
    return Browser(TestClient(app, follow_redirects=False, client=(host, 50000)))


def test_an_attacker_cannot_lock_the_owner_out(app: Any, owner: Browser) -> None:
    attacker = client_at(app, "203.0.113.9")
    for _ in range(auth.FREE_FAILURES_PER_PAIR):
        assert attacker.post("/login", {"name": "anna", "password": "guess"}).status_code == 401
    assert attacker.post("/login", {"name": "anna", "password": "guess"}).status_code == 429
    # The real person, from their own address, signs in at once with the right password.
    anna = client_at(app, "198.51.100.7")
    r = anna.post("/login", {"name": "anna", "password": PASSWORD})
    assert r.status_code == 303, r.text


def test_delays_grow_and_stay_bounded() -> None:
    delays = [auth.pair_delay(n) for n in range(auth.FREE_FAILURES_PER_PAIR + 8)]
    assert delays[: auth.FREE_FAILURES_PER_PAIR] == [dt.timedelta(0)] * auth.FREE_FAILURES_PER_PAIR
    growing = delays[auth.FREE_FAILURES_PER_PAIR :]
    assert growing[0] > dt.timedelta(0) and growing[1] == 2 * growing[0]
    assert max(growing) == auth.THROTTLE_WINDOW  # never a lock longer than the window


def test_changing_the_password_is_throttled(app: Any, owner: Browser) -> None:
    for _ in range(auth.FREE_FAILURES_PER_PAIR):
        r = owner.post("/account/password", {"old_password": "wrong one", "new_password": "new password 1"})
        assert r.status_code == 422
    r = owner.post("/account/password", {"old_password": PASSWORD, "new_password": "new password 1"})
    assert r.status_code == 429 and "Too many attempts" in r.text


def test_deleting_the_account_is_throttled(app: Any, owner: Browser) -> None:
    for _ in range(auth.FREE_FAILURES_PER_PAIR):
        assert owner.post("/account/delete", {"password": "wrong one"}).status_code == 422
    r = owner.post("/account/delete", {"password": PASSWORD})
    assert r.status_code == 429 and "Too many attempts" in r.text
    assert owner.get("/diary").status_code == 200  # still there, still signed in
