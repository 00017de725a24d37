"""Diary pages: quick logging, the full form, editing, deleting, the evening, the dashboard and its
charts, import and export; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa

from crampcare.storage.auth_models import AuditEvent
from crampcare.storage.models import DayLog, Episode
from tests.web_support import Browser, sign_up_owner


def _count(app: Any, model: Any) -> int:
    with app.state.db.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_log_a_cramp_in_two_taps(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    page = anna.get("/diary").text
    # Muscle and side are preselected; a severity button submits at once.
    assert re.search(r'name="muscle" value="calf" checked', page)
    assert re.search(r'name="side" value="both" checked', page)
    assert page.count('type="submit" name="severity"') == 11
    r = anna.post("/diary/quick", {"muscle": "foot", "side": "left", "severity": "7", "tz": "Europe/Moscow"})
    assert r.status_code == 303 and r.headers["location"] == "/diary?saved=episode"
    with any_app.state.db.session() as s:
        episode = s.scalars(sa.select(Episode)).one()
    assert (episode.muscle, episode.side, episode.severity, episode.utc_offset_min) == (
        "foot",
        "left",
        7,
        180,
    )
    page = anna.get("/diary?saved=episode").text
    assert "Saved." in page and "cramps" in page
    # The next quick log starts from the last muscle and side.
    assert re.search(r'name="muscle" value="foot" checked', page)


def test_bad_quick_log_saves_nothing(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    r = anna.post("/diary/quick", {"muscle": "elbow", "side": "left", "severity": "11"})
    assert r.status_code == 422
    assert 'id="muscle-error"' in r.text and 'id="severity-error"' in r.text
    assert _count(any_app, Episode) == 0


def test_full_form_edit_and_delete(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    assert 'type="datetime-local"' in anna.get("/diary/episodes/new").text
    form = {
        "started_at": "2026-11-20T03:10",
        "tz": "Europe/Berlin",
        "muscle": "calf",
        "side": "right",
        "severity": "6",
        "duration_s": "90",
        "woke_from_sleep": "true",
        "relieved_by": ["stretch", "walk"],
        "notes": "after a long walk",
    }
    assert anna.post("/diary/episodes/new", form).status_code == 303
    with any_app.state.db.session() as s:
        episode = s.scalars(sa.select(Episode)).one()
    assert episode.utc_offset_min == 60 and episode.relieved_by == "stretch;walk"
    edit = anna.get(f"/diary/episodes/{episode.id}").text
    assert 'value="2026-11-20T03:10"' in edit and "after a long walk" in edit
    # Bad values: the message is next to the field, the stored episode is unchanged.
    r = anna.post(f"/diary/episodes/{episode.id}", {**form, "duration_s": "-5", "tz": ""})
    assert r.status_code == 422 and 'id="duration_s-error"' in r.text
    # An unchanged time keeps its recorded offset even when the browser is elsewhere now.
    assert (
        anna.post(f"/diary/episodes/{episode.id}", {**form, "severity": "3", "tz": "Asia/Tokyo"}).status_code
        == 303
    )
    with any_app.state.db.session() as s:
        again = s.get(Episode, episode.id)
        assert (
            again is not None
            and again.severity == 3
            and again.utc_offset_min == 60
            and again.duration_s == 90
        )
    assert anna.post(f"/diary/episodes/{episode.id}/delete").status_code == 303
    assert _count(any_app, Episode) == 0
    with any_app.state.db.session() as s:
        assert "episode_deleted" in s.scalars(sa.select(AuditEvent.event)).all()


def test_evening_log(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    assert 'name="fluid_litres"' in anna.get("/diary/day").text
    good = {
        "date": "2026-11-19",
        "stretched_before_bed": "true",
        "fluid_litres": "1.5",
        "caffeine_drinks": "2",
    }
    assert anna.post("/diary/day", good).status_code == 303
    r = anna.post("/diary/day", {**good, "fluid_litres": "lots"})
    assert r.status_code == 422 and 'id="fluid_litres-error"' in r.text
    with any_app.state.db.session() as s:
        log = s.scalars(sa.select(DayLog)).one()
    assert log.fluid_litres == 1.5 and log.stretched_before_bed is True
    assert "2026-11-19" in anna.get("/diary/days").text
    assert 'value="1.5"' in anna.get("/diary/day?date=2026-11-19").text
    assert anna.post("/diary/day/2026-11-19/delete").status_code == 303
    assert _count(any_app, DayLog) == 0


def test_dashboard_stats_and_charts(app: Any, owner: Browser) -> None:
    for day, sev in ((10, 5), (11, 7), (12, 6)):
        form = {
            "started_at": f"2026-11-{day}T02:00",
            "tz": "UTC",
            "muscle": "calf",
            "side": "left",
            "severity": str(sev),
        }
        assert owner.post("/diary/episodes/new", form).status_code == 303
    page = owner.get("/diary").text
    assert "<strong>3</strong>" in page and "nights with cramps" in page
    for name in ("episodes_per_week", "hour_of_night", "severity_over_time"):
        # The account's theme is "auto": a light image, and a dark source for dark devices.
        assert f'src="/diary/charts/{name}.svg?theme=light"' in page
        assert f'srcset="/diary/charts/{name}.svg?theme=dark"' in page
        r = owner.get(f"/diary/charts/{name}.svg?theme=light")
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in r.text and "script" not in r.headers["content-security-policy"].replace("'none'", "")
    assert owner.get("/diary/charts/nope.svg").status_code == 404


def test_import_and_export(app: Any, owner: Browser) -> None:
    csv_text = (
        "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n"
        "2026-11-01T03:00:00+01:00,60,calf,left,5,true,stretch,\n"
        "2026-11-02T04:00:00+01:00,90,foot,right,6,false,,\n"
    )
    files = {"file": ("cramps.csv", csv_text.encode(), "text/csv")}
    r = owner.client.post("/diary/import", data={"csrf": owner.token()}, files=files)
    assert r.status_code == 200 and "Imported 2 rows" in r.text
    # All or nothing: a bad row imports nothing and names the line.
    bad = csv_text + "2026-11-03T04:00:00+01:00,90,elbow,right,6,false,,\n"
    r = owner.client.post(
        "/diary/import", data={"csrf": owner.token()}, files={"file": ("bad.csv", bad.encode(), "text/csv")}
    )
    assert r.status_code == 422 and "bad.csv:4" in r.text
    assert _count(app, Episode) == 2
    r = owner.client.post(
        "/diary/import", data={"csrf": owner.token()}, files={"file": ("x.csv", b"\xff\xfe", "text/csv")}
    )
    assert r.status_code == 422
    exported = owner.get("/diary/export?format=csv")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    assert exported.text.splitlines()[0].startswith("started_at,duration_s")
    assert len(exported.text.splitlines()) == 3
    document = json.loads(owner.get("/diary/export?format=json").text)
    assert len(document["episodes"]) == 2
    assert owner.get("/diary/export?format=pdf").status_code == 404
    with app.state.db.session() as s:
        assert s.scalars(sa.select(AuditEvent.event).where(AuditEvent.event == "export")).all()


def test_diary_needs_sign_in(app: Any, owner: Browser) -> None:
    from tests.web_support import new_client

    visitor = new_client(app)
    for path in (
        "/diary",
        "/diary/episodes",
        "/diary/days",
        "/diary/export",
        "/diary/charts/hour_of_night.svg",
    ):
        r = visitor.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path


from tests.web_support import any_app, app, owner, sqlite_url  # noqa: E402  (fixtures)

__all__ = ["any_app", "app", "owner", "sqlite_url"]
