"""The dashboard's cached sections follow every change, per user and language, and the weekly
table (no longer part of the page) is one click away; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from tests import web_support
from tests.web_support import open_signups, sign_up, sign_up_owner

any_app = web_support.any_app  # the fixture, on SQLite and PostgreSQL (pytest finds it by name)


def _summary(page: str) -> str:
    match = re.search(r'<section aria-labelledby="stats-title">.*?</section>', page, re.S)
    assert match, "no summary section"
    return match.group(0)


def test_dashboard_follows_every_change_and_keeps_users_apart(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    assert "No cramps logged yet" in anna.get("/diary").text
    anna.post("/diary/quick", {"muscle": "foot", "side": "left", "severity": "7"})
    page = anna.get("/diary").text
    assert "<strong>1</strong>" in _summary(page)
    assert re.search(r'name="muscle" value="foot" checked', page)
    anna.post("/diary/quick", {"muscle": "calf", "side": "right", "severity": "3"})
    page = anna.get("/diary").text
    assert "<strong>2</strong>" in _summary(page)
    assert re.search(r'name="muscle" value="calf" checked', page)
    # Another account sees its own (empty) diary, not Anna's cached sections.
    open_signups(anna)
    boris = sign_up(any_app, "boris")
    assert "No cramps logged yet" in boris.get("/diary").text


def test_weekly_table_is_fetched_when_opened(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    anna.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "5"})
    page = anna.get("/diary").text
    assert 'hx-get="/diary/weeks"' in page and '<a href="/diary/weeks">' in page
    assert "<td>" not in _summary(page)  # no row per week in the page itself
    weeks = anna.get("/diary/weeks")
    assert weeks.status_code == 200
    assert 'id="weeks-table"' in weeks.text and re.search(r"<td>\d{4}-\d\d-\d\d</td><td>1</td>", weeks.text)


def test_charts_are_redrawn_after_a_change(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    anna.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "5"})
    before = {
        name: anna.get(f"/diary/charts/{name}.svg").text for name in ("hour_of_night", "severity_over_time")
    }
    assert before == {name: anna.get(f"/diary/charts/{name}.svg").text for name in before}  # served again
    anna.post(
        "/diary/episodes/new",
        {
            "started_at": "2026-11-20T03:10",
            "tz": "Europe/Berlin",
            "muscle": "calf",
            "side": "right",
            "severity": "9",
        },
    )
    after = {name: anna.get(f"/diary/charts/{name}.svg").text for name in before}
    assert all(after[name] != before[name] for name in before), "a chart was served from before the change"
