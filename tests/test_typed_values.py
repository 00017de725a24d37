"""Numbers, dates and times as people type them (issue 14, point 2): one parsing layer for the CLI,
the web forms and imports; a decimal comma, day-first dates, and local times read in a named zone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from crampcare.records.values import read_date, read_decimal, read_local_time
from crampcare.storage import DayLog, Episode, open_database
from tests.test_diary_cli import run
from tests.web_support import any_app, sign_up_owner

__all__ = ["any_app"]


@given(st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False))
def test_a_decimal_comma_reads_like_a_point(value: Any) -> None:
    text = format(value, "f")
    assert read_decimal(text.replace(".", ",")) == read_decimal(text) == float(text)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_day_first_dates_read_like_iso(day: dt.date) -> None:
    for text in (
        day.isoformat(),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d/%m/%Y"),
        f"{day.day}.{day.month}.{day.year}",
    ):
        assert read_date(text) == day, text


@pytest.mark.parametrize("text", ["1,5,0", "1.000,5", "x", ""])
def test_what_is_not_a_number_stays_refused(text: str) -> None:
    with pytest.raises(ValueError):
        read_decimal(text)


def test_ambiguous_or_impossible_dates_are_refused() -> None:
    for text in ("31.02.2026", "11/30/2026", "2026.11.30", "30.11.26"):
        with pytest.raises(ValueError):
            read_date(text)
    assert read_local_time("30.11.2026 03:10") == (dt.date(2026, 11, 30), dt.time(3, 10))
    assert read_local_time("2026-11-30") == (dt.date(2026, 11, 30), None)


def test_cli_reads_a_decimal_comma_and_a_russian_date(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    code, _, err = run("diary", "day", "--date", "30.11.2026", "--fluid", "1,5", "--db", db)
    assert code == 0, err
    with open_database(db).session() as s:
        log = s.scalars(sa.select(DayLog)).one()
    assert (log.date, log.fluid_litres) == (dt.date(2026, 11, 30), 1.5)


def test_a_time_without_offset_is_read_in_the_named_zone_and_said(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    code, out, err = run(
        "diary",
        "add",
        "--at",
        "30.11.2026 03:10",
        "--tz",
        "Europe/Moscow",
        "--muscle",
        "calf",
        "--side",
        "left",
        "--format",
        "json",
        "--db",
        db,
    )
    assert code == 0, err
    assert "Europe/Moscow" in err and "+03:00" in err  # echoed back, so nobody is surprised
    assert json.loads(out)["started_at"] == "2026-11-30T03:10:00+03:00"
    # London in summer is UTC+1: the zone's rules on that date, not today's offset
    code, out, err = run(
        "diary",
        "add",
        "--at",
        "2026-07-01 02:00",
        "--tz",
        "Europe/London",
        "--muscle",
        "calf",
        "--side",
        "left",
        "--format",
        "json",
        "--db",
        db,
    )
    assert json.loads(out)["started_at"] == "2026-07-01T02:00:00+01:00"
    with open_database(db).session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Episode)) == 2


def test_a_date_without_a_time_is_not_midnight(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    code, _, err = run("diary", "add", "--at", "2026-12-01", "--muscle", "calf", "--side", "left", "--db", db)
    assert code == 2 and "--at:" in err and "no time of day" in err
    code, _, err = run(
        "diary",
        "add",
        "--at",
        "01.12.2026 03:00",
        "--tz",
        "Mars/Olympus",
        "--muscle",
        "calf",
        "--side",
        "left",
        "--db",
        db,
    )
    assert code == 2 and "--tz:" in err


def test_the_web_day_form_takes_a_decimal_comma(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    form = {"date": "2026-11-19", "stretched_before_bed": "true", "fluid_litres": "1,5"}
    assert anna.post("/diary/day", form).status_code == 303
    with any_app.state.db.session() as s:
        assert s.scalars(sa.select(DayLog)).one().fluid_litres == 1.5
