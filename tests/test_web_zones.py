"""Times that are right (issue 11): the account's zone comes from the browser at sign-up, every diary
form shows the zone it uses and reads the typed time in that same zone, a cramp in the future is
refused, and DST changes and travel put every cramp on the night it happened."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from crampcare.storage.auth_models import Credential
from crampcare.storage.models import Episode
from crampcare.web import zones
from tests.web_support import PASSWORD, Browser, app, new_client, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]

TZ_RE = re.compile(r'name="tz" value="([^"]*)"')
STARTED_RE = re.compile(r'name="started_at" type="datetime-local" value="([^"]*)"')


def _sign_up(app: Any, tz: str) -> Browser:
    browser = new_client(app)
    token = browser.token("/setup")
    form = {"csrf": token, "name": "anna", "password": PASSWORD, "password2": PASSWORD, "tz": tz}
    assert browser.post("/setup", form).status_code == 303
    return browser


def _zone_of_account(app: Any) -> str:
    with app.state.db.session() as s:
        return str(s.scalars(sa.select(Credential.timezone)).one())


def _episodes(app: Any) -> list[Episode]:
    with app.state.db.session() as s:
        return list(s.scalars(sa.select(Episode).order_by(Episode.id)))


def _log(browser: Browser, started_at: str, tz: str, **extra: str) -> Any:
    form = {"started_at": started_at, "tz": tz, "muscle": "calf", "side": "left", **extra}
    return browser.post("/diary/episodes/new", form)


# --- the zone module ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Europe/Moscow", "America/Noronha", "Asia/Kolkata", "UTC"])
def test_real_zones_are_accepted(name: str) -> None:
    assert zones.valid_zone(name) == name


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Europe/Moscow/x", "x" * 80]
)
def test_anything_else_is_refused(name: str) -> None:
    assert zones.valid_zone(name) is None
    assert zones.zone(name).key == "UTC"


def test_a_time_the_clocks_skipped_gets_the_real_offset() -> None:
    # Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist on the wall clock.
    moment = zones.read_local("2026-03-29T02:30", ZoneInfo("Europe/Berlin"))
    assert moment.isoformat() == "2026-03-29T03:30:00+02:00"
    assert moment.astimezone(dt.UTC).hour == 1


def test_a_time_that_happened_twice_is_the_first() -> None:
    # Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    moment = zones.read_local("2026-10-25T02:30", ZoneInfo("Europe/Berlin"))
    assert moment.utcoffset() == dt.timedelta(hours=2)
    assert moment.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_future_has_only_a_small_slack() -> None:
    now = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
    assert not zones.is_future(now + dt.timedelta(minutes=4), now)
    assert zones.is_future(now + dt.timedelta(minutes=30), now)
    # The same instant written in another zone is the same instant.
    assert not zones.is_future((now - dt.timedelta(minutes=1)).astimezone(ZoneInfo("Asia/Tokyo")), now)


# --- sign-up and the account page -------------------------------------------------------------------


def test_sign_up_takes_the_browser_zone(app: Any) -> None:
    browser = new_client(app)
    assert 'name="tz" value="" data-tz' in browser.get("/setup").text  # app.js fills it
    _sign_up(app, "America/Sao_Paulo")
    assert _zone_of_account(app) == "America/Sao_Paulo"


def test_sign_up_with_a_bogus_zone_keeps_utc(app: Any) -> None:
    _sign_up(app, "../../etc/localtime")
    assert _zone_of_account(app) == "UTC"


def test_account_page_changes_the_zone_and_refuses_nonsense(app: Any) -> None:
    anna = _sign_up(app, "Europe/Moscow")
    assert anna.post("/account/settings", {"lang": "en", "timezone": "Mars/Olympus"}).status_code == 422
    assert _zone_of_account(app) == "Europe/Moscow"
    assert anna.post("/account/settings", {"lang": "en", "timezone": "Asia/Tokyo"}).status_code == 303
    assert _zone_of_account(app) == "Asia/Tokyo"


# --- the forms read times in the zone they show ---------------------------------------------------


@pytest.mark.parametrize("zone_name", ["America/Noronha", "Europe/Moscow", "Pacific/Kiritimati", "UTC"])
def test_now_filled_in_and_submitted_back_is_now(app: Any, zone_name: str) -> None:
    """The reported bug: UTC-2 saved 2 hours in the future, Moscow 3 hours early."""
    anna = _sign_up(app, zone_name)
    page = anna.get("/diary/episodes/new").text
    assert TZ_RE.findall(page) == [zone_name]
    assert f"Times are in the time zone {zone_name}." in page
    filled = STARTED_RE.search(page)
    assert filled
    before = dt.datetime.now(dt.UTC)
    r = _log(anna, filled.group(1), TZ_RE.findall(page)[0])
    assert r.status_code == 303, r.text
    (episode,) = _episodes(app)
    saved = episode.started_at_utc.replace(tzinfo=dt.UTC)
    assert abs(saved - before) < dt.timedelta(minutes=2)
    expected = ZoneInfo(zone_name).utcoffset(before.replace(tzinfo=None))
    assert expected is not None
    assert episode.utc_offset_min == expected.total_seconds() // 60


def test_the_quick_log_shows_and_uses_the_account_zone(app: Any) -> None:
    anna = _sign_up(app, "Asia/Kolkata")
    page = anna.get("/diary").text
    assert TZ_RE.findall(page) == ["Asia/Kolkata"]
    assert anna.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "5"}).status_code == 303
    (episode,) = _episodes(app)
    assert episode.utc_offset_min == 330


def test_a_cramp_in_the_future_is_refused(app: Any) -> None:
    anna = _sign_up(app, "America/Noronha")
    later = (dt.datetime.now(ZoneInfo("America/Noronha")) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = _log(anna, later, "America/Noronha")
    assert r.status_code == 422
    assert "is in the future" in r.text and "America/Noronha" in r.text
    assert _episodes(app) == []


def test_editing_into_the_future_is_refused(app: Any) -> None:
    anna = _sign_up(app, "Europe/Moscow")
    assert _log(anna, "2026-11-20T03:10", "Europe/Moscow").status_code == 303
    (episode,) = _episodes(app)
    later = (dt.datetime.now(ZoneInfo("Europe/Moscow")) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"started_at": later, "tz": "Europe/Moscow", "muscle": "calf", "side": "left"}
    assert anna.post(f"/diary/episodes/{episode.id}", form).status_code == 422
    assert _episodes(app)[0].started_at_utc == dt.datetime(2026, 11, 20, 0, 10)


def test_dst_night_in_berlin(app: Any) -> None:
    """Before and after the spring change, one night; offsets +01:00 then +02:00."""
    anna = _sign_up(app, "Europe/Berlin")
    assert _log(anna, "2026-03-29T01:30", "Europe/Berlin").status_code == 303
    assert _log(anna, "2026-03-29T03:30", "Europe/Berlin", side="right").status_code == 303
    first, second = _episodes(app)
    assert (first.utc_offset_min, second.utc_offset_min) == (60, 120)
    assert first.night_date == second.night_date == dt.date(2026, 3, 28)
    assert second.started_at_utc - first.started_at_utc == dt.timedelta(hours=1)


def test_travel_keeps_old_nights_and_puts_new_ones_on_the_local_night(app: Any) -> None:
    anna = _sign_up(app, "Europe/Moscow")
    assert _log(anna, "2026-11-18T02:00", "Europe/Moscow").status_code == 303
    # Flying to Tokyo: the person changes the zone on the account page.
    assert anna.post("/account/settings", {"lang": "en", "timezone": "Asia/Tokyo"}).status_code == 303
    page = anna.get("/diary/episodes/new").text
    assert TZ_RE.findall(page) == ["Asia/Tokyo"]
    assert _log(anna, "2026-11-20T02:00", "Asia/Tokyo").status_code == 303
    moscow, tokyo = _episodes(app)
    assert (moscow.utc_offset_min, moscow.night_date) == (180, dt.date(2026, 11, 17))
    assert (tokyo.utc_offset_min, tokyo.night_date) == (540, dt.date(2026, 11, 19))
    assert tokyo.started_at_utc == dt.datetime(2026, 11, 19, 17, 0)
    # Editing the Moscow cramp without touching its time keeps its Moscow offset and night.
    edit = anna.get(f"/diary/episodes/{moscow.id}").text
    shown = STARTED_RE.search(edit)
    assert shown and shown.group(1) == "2026-11-18T02:00"
    form = {"started_at": shown.group(1), "tz": "Asia/Tokyo", "muscle": "calf", "side": "left"}
    assert anna.post(f"/diary/episodes/{moscow.id}", form).status_code == 303
    assert _episodes(app)[0].night_date == dt.date(2026, 11, 17)
    assert _episodes(app)[0].utc_offset_min == 180


def test_a_form_shown_before_a_zone_change_still_reads_in_the_zone_it_showed(app: Any) -> None:
    anna = _sign_up(app, "Europe/Moscow")
    assert anna.post("/account/settings", {"lang": "en", "timezone": "America/New_York"}).status_code == 303
    # The page in another tab still said Moscow; the typed 03:00 is Moscow's 03:00.
    assert _log(anna, "2026-11-20T03:00", "Europe/Moscow").status_code == 303
    (episode,) = _episodes(app)
    assert episode.started_at_utc == dt.datetime(2026, 11, 20, 0, 0)


def test_the_api_refuses_a_cramp_in_the_future_like_the_forms(app: Any, owner: Browser) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    body = {"started_at": soon.isoformat(timespec="seconds"), "muscle": "calf", "side": "left"}
    r = owner.api("POST", "/episodes", json=body)
    assert r.status_code == 422 and "in the future" in r.text
    body["started_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    assert owner.api("POST", "/episodes", json=body).status_code == 201
