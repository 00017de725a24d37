"""The night screen (issue 11): one tap saves with the last muscle and side, a cramp between bedtime and
morning counts as having woken the person, an undo that really deletes (CSRF-protected, short-lived),
and the per-account bedtime, wake-up time and theme."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from crampcare.storage.auth_models import AuditEvent
from crampcare.storage.models import Episode
from crampcare.storage.prefs import asleep_at
from crampcare.web.views import diary as diary_view
from tests.web_support import Browser, app, open_signups, owner, sign_up, sign_up_owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]
UNDO_RE = re.compile(
    r'action="/diary/episodes/(\d+)/undo".*?name="at" value="(\d+)".*?name="sig" value="(\w+)"', re.S
)


def _episodes(app: Any) -> list[Episode]:
    with app.state.db.session() as s:
        return list(s.scalars(sa.select(Episode).order_by(Episode.id)))


@pytest.mark.parametrize(
    ("clock", "bed", "wake", "asleep"),
    [
        ("23:00", "22:00", "08:00", True),
        ("03:10", "22:00", "08:00", True),
        ("22:00", "22:00", "08:00", True),
        ("07:59", "22:00", "08:00", True),
        ("08:00", "22:00", "08:00", False),
        ("14:00", "22:00", "08:00", False),
        ("21:59", "22:00", "08:00", False),
        ("10:00", "09:00", "17:00", True),  # a night-shift worker sleeps by day
        ("20:00", "09:00", "17:00", False),
        ("03:00", "22:00", "22:00", False),  # no sleep window
    ],
)
def test_sleep_window(clock: str, bed: str, wake: str, asleep: bool) -> None:
    t = dt.time.fromisoformat
    assert asleep_at(t(clock), t(bed), t(wake)) is asleep


def _set_night(browser: Browser, bed: str, wake: str, theme: str = "auto") -> Any:
    return browser.post("/account/night", {"bedtime": bed, "wake_time": wake, "theme": theme})


def _hour(delta: int) -> str:
    now = dt.datetime.now(ZoneInfo("UTC"))
    return (now + dt.timedelta(hours=delta)).strftime("%H:00")


def test_quick_log_in_the_sleep_window_counts_as_waking(app: Any, owner: Browser) -> None:
    assert _set_night(owner, _hour(-1), _hour(2)).status_code == 303
    r = owner.post("/diary/quick", {"muscle": "calf", "side": "right", "severity": "8", "tz": "UTC"})
    assert r.status_code == 303
    (episode,) = _episodes(app)
    assert episode.woke_from_sleep is True
    # ... and it can be changed on the cramp.
    form = {"started_at": "", "tz": "UTC", "muscle": "calf", "side": "right", "woke_from_sleep": "false"}
    edit = owner.get(f"/diary/episodes/{episode.id}").text
    form["started_at"] = re.findall(r'name="started_at" type="datetime-local" value="([^"]*)"', edit)[0]
    assert owner.post(f"/diary/episodes/{episode.id}", form).status_code == 303
    assert _episodes(app)[0].woke_from_sleep is False


def test_quick_log_outside_the_sleep_window_does_not_say_it_woke(app: Any, owner: Browser) -> None:
    assert _set_night(owner, _hour(2), _hour(4)).status_code == 303
    assert owner.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "3"}).status_code == 303
    assert _episodes(app)[0].woke_from_sleep is None


def test_one_tap_uses_the_last_muscle_and_side_and_buttons_come_first(app: Any, owner: Browser) -> None:
    assert (
        owner.post("/diary/quick", {"muscle": "thigh_back", "side": "left", "severity": "6"}).status_code
        == 303
    )
    page = owner.get("/diary").text
    quick = page[page.index('action="/diary/quick"') :]
    assert quick.index('name="severity"') < quick.index('name="muscle"')  # the buttons are first
    assert re.search(r'name="muscle" value="thigh_back" checked', quick)
    assert re.search(r'name="side" value="left" checked', quick)


def test_undo_really_deletes_and_is_protected(app: Any, owner: Browser) -> None:
    assert owner.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "7"}).status_code == 303
    page = owner.get("/diary?saved=episode").text
    match = UNDO_RE.search(page)
    assert match, "no undo offered"
    episode_id, at, sig = match.groups()
    assert "Saved." in page and "severity 7" in page
    # Without the CSRF token: refused, nothing deleted.
    r = owner.post(f"/diary/episodes/{episode_id}/undo", {"at": at, "sig": sig}, csrf=False)
    assert r.status_code == 403 and len(_episodes(app)) == 1
    # A forged signature: refused.
    r = owner.post(f"/diary/episodes/{episode_id}/undo", {"at": at, "sig": "0" * 64})
    assert r.status_code == 409 and len(_episodes(app)) == 1
    # The real one deletes the episode.
    r = owner.post(f"/diary/episodes/{episode_id}/undo", {"at": at, "sig": sig})
    assert r.status_code == 303 and r.headers["location"] == "/diary?saved=undone"
    assert _episodes(app) == []
    with app.state.db.session() as s:
        assert s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.event == "episode_deleted")).all() == [
            f"{episode_id} (undo)"
        ]
    assert "no longer in the diary" in owner.get("/diary?saved=undone").text


def test_undo_is_short_lived_and_personal(app: Any, owner: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    assert owner.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "7"}).status_code == 303
    match = UNDO_RE.search(owner.get("/diary?saved=episode").text)
    assert match
    episode_id, at, sig = match.groups()
    # Someone else (signed in, with a valid CSRF token of their own) cannot use it.
    open_signups(owner)
    boris = sign_up(app, "boris")
    assert boris.post(f"/diary/episodes/{episode_id}/undo", {"at": at, "sig": sig}).status_code == 409
    # Too late: refused with a message, the cramp stays.
    monkeypatch.setattr(diary_view, "UNDO_ACCEPTED_S", -1)
    r = owner.post(f"/diary/episodes/{episode_id}/undo", {"at": at, "sig": sig})
    assert r.status_code == 409 and "Too late to undo" in r.text
    assert len(_episodes(app)) == 1
    assert not UNDO_RE.search(owner.get("/diary?saved=episode").text)


def test_night_settings_are_saved_and_checked(app: Any, owner: Browser) -> None:
    assert _set_night(owner, "23:30", "06:15", "dark").status_code == 303
    page = owner.get("/account").text
    assert 'value="23:30"' in page and 'value="06:15"' in page
    assert re.search(r'name="theme" value="dark" checked', page)
    assert _set_night(owner, "25:00", "06:15").status_code == 422
    assert _set_night(owner, "23:00", "06:15", "purple").status_code == 422
    assert 'value="23:30"' in owner.get("/account").text


def test_defaults_are_ten_to_eight(app: Any) -> None:
    page = sign_up_owner(app).get("/account").text
    assert 'value="22:00"' in page and 'value="08:00"' in page


def test_two_taps_in_one_second(app: Any, owner: Browser) -> None:
    """The same button twice is a double tap: one episode. Another number is another log."""
    tapped = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).replace(microsecond=0).isoformat()
    form = {"muscle": "calf", "side": "left", "severity": "7", "tapped_at": tapped}
    assert owner.post("/diary/quick", form).status_code == 303
    assert owner.post("/diary/quick", form).status_code == 303
    assert len(_episodes(app)) == 1
    assert owner.post("/diary/quick", {**form, "severity": "4"}).status_code == 303
    first, second = _episodes(app)
    assert (first.severity, second.severity) == (7, 4)
    assert second.started_at_utc - first.started_at_utc == dt.timedelta(seconds=1)
