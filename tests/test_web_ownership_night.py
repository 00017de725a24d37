"""Ownership in the night screen (hazard H16): a quick log and its undo touch only one's own diary,
even when two people log a cramp in the same second or an undo signature is forged."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from typing import Any

import sqlalchemy as sa

from crampcare.storage.models import Episode, User
from crampcare.web import auth
from tests.web_support import Browser, any_app, sqlite_url, two_users

__all__ = ["any_app", "sqlite_url", "two_users"]
Pair = tuple[Browser, Browser]


def _episodes(app: Any) -> list[tuple[str, int]]:
    with app.state.db.session() as s:
        rows = s.execute(sa.select(User.name, Episode.id).join(User, User.id == Episode.user_id))
        return sorted((name, eid) for name, eid in rows)


def test_a_cramp_in_the_same_second_is_logged_for_each_person(
    any_app: Any, two_users: tuple[Browser, Browser]
) -> None:
    anna, boris = two_users
    tapped = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).replace(microsecond=0).isoformat()
    tap = {"muscle": "calf", "side": "left", "severity": "7", "tapped_at": tapped, "tz": "UTC"}
    assert anna.post("/diary/quick", tap).status_code == 303
    assert boris.post("/diary/quick", tap).status_code == 303  # not taken for Anna's double tap
    assert [name for name, _ in _episodes(any_app)] == ["anna", "boris"]


def test_a_forged_undo_cannot_delete_another_persons_cramp(
    any_app: Any, two_users: tuple[Browser, Browser]
) -> None:
    anna, boris = two_users
    assert anna.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "5"}).status_code == 303
    ((_, episode_id),) = _episodes(any_app)
    with any_app.state.db.session() as s:
        secret = auth.site_secret(s)
        boris_id = s.scalars(sa.select(User.id).where(User.name == "boris")).one()
    # A signature as the server would make it for Boris (a leaked secret, a bug in signing): the
    # episode is still Anna's, so nothing is deleted.
    at = int(time.time())
    sig = hmac.new(secret, f"undo:{boris_id}:{episode_id}:{at}".encode(), hashlib.sha256).hexdigest()
    r = boris.post(f"/diary/episodes/{episode_id}/undo", {"at": str(at), "sig": sig})
    assert r.status_code in (404, 409)
    assert [name for name, _ in _episodes(any_app)] == ["anna"]
