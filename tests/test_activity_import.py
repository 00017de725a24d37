"""Activity and sleep from phones: Apple Health export.zip and Google Takeout Fit daily metrics,
a year of data built from the formats' published shapes (tests/phone_exports.py), imported through
the CLI and the web on SQLite and PostgreSQL; idempotent, all or nothing, and used as factors."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from crampcare.cli import app as cli_app
from crampcare.diary.activity import read_activity
from crampcare.diary.activity_days import ActivityFileError
from crampcare.storage import open_database
from crampcare.storage.models import ActivityDay
from tests.phone_exports import APPLE_DTD, START, ZONE, Expected, write_apple_export, write_takeout
from tests.web_support import any_app, sign_up_owner  # noqa: F401  (any_app: a fixture)

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, list(args))
    return result.exit_code, result.stdout + result.stderr


def stored(db_url: str) -> dict[dt.date, tuple[Any, ...]]:
    db = open_database(db_url)
    try:
        with db.session() as s:
            rows = s.scalars(sa.select(ActivityDay)).all()
            return {r.date: (r.steps, r.exercise_minutes, r.sleep_hours, r.source) for r in rows}
    finally:
        db.dispose()


def as_tuple(e: Expected) -> tuple[Any, ...]:
    return (e.steps, e.exercise_minutes, e.sleep_hours)


# --- the parsers -------------------------------------------------------------------------------


def test_apple_year_counts_each_day_once(tmp_path: Path) -> None:
    expected = write_apple_export(tmp_path / "export.zip")
    read = read_activity(tmp_path / "export.zip", ZONE)
    assert read.fmt == "apple" and len(read.days) == 366
    got = {d.date: (d.steps, d.exercise_minutes, d.sleep_hours) for d in read.days}
    assert got == {day: as_tuple(e) for day, e in expected.items()}
    first = read.days[0]
    # Day 0: iPhone 6000 steps, Watch 6900 (every 7th day the Watch saw more): the larger, not 12,900;
    # the walk recorded by the Watch and by Strava counts once; sleep 00:30-05:00 is the night of
    # the evening before, and the 8.5 hours in bed are not sleep.
    assert (first.steps, first.exercise_minutes, first.sleep_hours) == (6900, 20, 4.5)
    assert "Apple\u00a0Watch" in first.source
    # Day 3: Watch stages with 10 minutes awake, AutoSleep overlapping them: the union, 7 h 40 min.
    assert read.days[3].sleep_hours == round(7 + 2 / 3, 2)


def test_google_takeout_year_summary_and_buckets(tmp_path: Path) -> None:
    expected = write_takeout(tmp_path / "takeout.zip")
    read = read_activity(tmp_path / "takeout.zip", ZONE)
    assert read.fmt == "google"
    got = {d.date: (d.steps, d.exercise_minutes, d.sleep_hours) for d in read.days}
    assert got == {day: as_tuple(e) for day, e in expected.items()}
    # Days whose summary row is empty are left out, not stored as zero steps.
    assert START + dt.timedelta(days=4) not in got
    # One daily-metrics CSV on its own (as Takeout's folder holds it) reads the same.
    with zipfile.ZipFile(tmp_path / "takeout.zip") as archive:
        name = "Takeout/Fit/Daily activity metrics/Daily activity metrics.csv"
        (tmp_path / "Daily activity metrics.csv").write_bytes(archive.read(name))
        bucket = "Takeout/Fit/Daily activity metrics/2025-03-02.csv"
        (tmp_path / "2025-03-02.csv").write_bytes(archive.read(bucket))
    alone = read_activity(tmp_path / "Daily activity metrics.csv", ZONE)
    assert len(alone.days) == len(expected) - 14
    day = read_activity(tmp_path / "2025-03-02.csv", ZONE).days
    assert [(d.date, d.steps) for d in day] == [(dt.date(2025, 3, 2), expected[dt.date(2025, 3, 2)].steps)]


def _apple_zip(path: Path, body: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("apple_health_export/export.xml", APPLE_DTD + body)
    return path


STEP = (
    ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" '
    'startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:10:00 +0100" value="{v}"/>\n'
)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            STEP.format(v="120") + STEP.format(v="12o") + "</HealthData>\n",
            "value: expected a number of steps, got '12o'",
        ),
        (
            STEP.format(v="120").replace("2024-03-01 08:10:00 +0100", "01.03.2024 08:10") + "</HealthData>\n",
            "startDate/endDate",
        ),
        (STEP.format(v="120") + " <Record type=", "not readable as XML"),
    ],
)
def test_bad_apple_file_names_file_and_line(tmp_path: Path, body: str, needle: str) -> None:
    path = _apple_zip(tmp_path / "export.zip", body)
    bad_line = APPLE_DTD.count("\n") + 1 + (1 if "12o" in body or "HealthData>" not in body else 0)
    with pytest.raises(ActivityFileError) as err:
        read_activity(path, ZONE)
    assert f"export.zip:apple_health_export/export.xml:{bad_line}: " in err.value.problems[0]
    assert needle in err.value.problems[0]


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = APPLE_DTD.replace("]>", '<!ENTITY lol "lol">\n]>', 1)
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("apple_health_export/export.xml", bomb + STEP.format(v="&lol;") + "</HealthData>\n")
    with pytest.raises(ActivityFileError) as err:
        read_activity(tmp_path / "export.zip", ZONE)
    assert "entities" in err.value.problems[0]


def test_other_zip_and_bad_google_csv_are_explained(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("IMG_0001.txt", "x")
    with pytest.raises(ActivityFileError) as err:
        read_activity(tmp_path / "photos.zip", ZONE)
    assert "neither an Apple Health export" in err.value.problems[0]
    csv_path = tmp_path / "Daily activity metrics.csv"
    csv_path.write_text("Date,Move Minutes count,Step count\n2024-03-01,30,9000\n2024-03-02,20,lots\n")
    with pytest.raises(ActivityFileError) as err:
        read_activity(csv_path, ZONE)
    assert err.value.problems == [f"{csv_path}:3: Step count: expected a number, got 'lots'"]


# --- the CLI, SQLite and PostgreSQL ---------------------------------------------------------------


def test_cli_import_is_idempotent_and_merges_sources(db_url: str, tmp_path: Path) -> None:
    apple = write_apple_export(tmp_path / "export.zip")
    code, out = run(
        "diary", "import", str(tmp_path / "export.zip"), "--check", "--tz", "Europe/Berlin", "--db", db_url
    )
    assert code == 0 and "366 days from 2024-03-01 to 2025-03-01" in out and "nothing written" in out
    assert stored(db_url) == {}
    code, out = run("diary", "import", str(tmp_path / "export.zip"), "--tz", "Europe/Berlin", "--db", db_url)
    assert code == 0, out
    assert "imported 366 days of activity" in out and "366 new, 0 updated" in out
    rows = stored(db_url)
    assert {day: row[:3] for day, row in rows.items()} == {day: as_tuple(e) for day, e in apple.items()}
    # Again: the same days are replaced, never doubled.
    code, out = run("diary", "import", str(tmp_path / "export.zip"), "--tz", "Europe/Berlin", "--db", db_url)
    assert code == 0 and "0 new, 366 updated" in out
    assert stored(db_url) == rows
    # Google Fit over the same year: its steps and Move Minutes replace those days' values, the
    # Apple sleep stays; its 14 later days are new.
    google = write_takeout(tmp_path / "takeout.zip")
    code, out = run("diary", "import", str(tmp_path / "takeout.zip"), "--db", db_url)
    assert code == 0, out
    rows = stored(db_url)
    assert len(rows) == 366 + 14
    day = START + dt.timedelta(days=10)
    assert rows[day][:3] == (google[day].steps, google[day].exercise_minutes, apple[day].sleep_hours)
    assert rows[day][3] == "Google Fit"


def test_cli_bad_file_imports_nothing(db_url: str, tmp_path: Path) -> None:
    write_apple_export(tmp_path / "good.zip", days=30)
    body = STEP.format(v="120") * 3 + STEP.format(v="-5") + "</HealthData>\n"
    path = _apple_zip(tmp_path / "export.zip", body)
    code, out = run("diary", "import", str(path), "--db", db_url)
    line = APPLE_DTD.count("\n") + 4
    assert code != 0 and f"export.xml:{line}: value: steps cannot be negative" in out
    assert "nothing imported" in out and "Traceback" not in out
    assert stored(db_url) == {}


def _episodes_csv(path: Path, expected: dict[dt.date, Expected]) -> tuple[int, int, int, int]:
    """Two cramps in each night after a day over 15,000 steps, one every third other night.
    Returns (nights with, cramps with, nights without, cramps without)."""
    lines = ["started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n"]
    n1 = c1 = n0 = c0 = 0
    for i, (day, e) in enumerate(sorted(expected.items())):
        morning = (day + dt.timedelta(days=1)).isoformat()
        over = (e.steps or 0) > 15_000
        # The first and last nights have cramps: the diary (and so the comparison) covers them all.
        cramps = 2 if over else int(i % 3 == 0 or i == len(expected) - 1)
        for k in range(cramps):
            lines.append(f"{morning}T0{3 + k}:00:00+01:00,60,calf,left,5,true,,\n")
        if over:
            n1, c1 = n1 + 1, c1 + cramps
        else:
            n0, c0 = n0 + 1, c0 + cramps
    path.write_text("".join(lines))
    return n1, c1, n0, c0


def test_stats_compare_nights_after_active_days(db_url: str, tmp_path: Path) -> None:
    expected = write_apple_export(tmp_path / "export.zip")
    n1, c1, n0, c0 = _episodes_csv(tmp_path / "cramps.csv", expected)
    assert run("diary", "import", str(tmp_path / "cramps.csv"), "--db", db_url)[0] == 0
    code, out = run("stats", "--format", "json", "--db", db_url)
    assert code == 0 and "activity" not in json.loads(out)  # nothing from a phone yet
    assert (
        run("diary", "import", str(tmp_path / "export.zip"), "--tz", "Europe/Berlin", "--db", db_url)[0] == 0
    )
    code, out = run("stats", "--format", "json", "--db", db_url)
    activity = {a["factor"]: a for a in json.loads(out)["activity"]}
    steps = activity["steps"]
    assert (steps["nights_with"], steps["cramps_with"], steps["nights_without"], steps["cramps_without"]) == (
        n1,
        c1,
        n0,
        c0,
    )
    assert steps["rate_ratio"] == pytest.approx((c1 / n1) / (c0 / n0), rel=1e-3)
    assert 1 < steps["ci95"][0] < steps["rate_ratio"] < steps["ci95"][1]
    # Short sleep compares with the night before: every 5th night is short, so its next night counts.
    short = activity["short_sleep"]
    assert short["nights_with"] == sum(1 for i in range(1, 366) if (i - 1) % 5 == 0)
    assert activity["exercise"]["nights_with"] + activity["exercise"]["nights_without"] == len(
        range(0, 366, 2)
    )  # workouts every other day
    code, out = run("stats", "--db", db_url)
    assert code == 0 and "cramps after days with more than 15,000 steps" in out
    code, out = run("stats", "--steps", "20000", "--format", "json", "--db", db_url)
    assert "more than 20,000 steps" in json.loads(out)["activity"][0]["label"]


# --- the web ---------------------------------------------------------------------------------------


def test_web_import_and_dashboard(any_app: Any, tmp_path: Path) -> None:  # noqa: F811
    expected = write_apple_export(tmp_path / "export.zip")
    _episodes_csv(tmp_path / "cramps.csv", expected)
    anna = sign_up_owner(any_app)
    page = anna.get("/diary").text
    assert "Apple Health" in page and ".zip" in page

    def upload(name: str, data: bytes) -> Any:
        return anna.client.post("/diary/import", data={"csrf": anna.token()}, files={"file": (name, data)})

    zipped = (tmp_path / "export.zip").read_bytes()
    r = upload("export.zip", zipped)
    assert r.status_code == 200 and "Imported 366 days of phone activity: 366 new, 0 updated." in r.text
    r = upload("export.zip", zipped)
    assert r.status_code == 200 and "0 new, 366 updated" in r.text
    assert len(stored_app(any_app)) == 366
    assert upload("cramps.csv", (tmp_path / "cramps.csv").read_bytes()).status_code == 200
    page = anna.get("/diary").text
    assert "Phone activity and cramps" in page and "After days with more than 15,000 steps" in page
    assert "Rate ratio" in page
    # A bad file: the page names the uploaded file and the line; nothing changes.
    body = STEP.format(v="x") + "</HealthData>\n"
    bad = _apple_zip(tmp_path / "bad.zip", body).read_bytes()
    r = upload("my-export.zip", bad)
    assert (
        r.status_code == 422
        and f"my-export.zip:apple_health_export/export.xml:{APPLE_DTD.count(chr(10)) + 1}" in r.text
    )
    assert len(stored_app(any_app)) == 366
    # The same in Russian.
    assert anna.post("/account/settings", {"lang": "ru", "timezone": "Europe/Berlin"}).status_code in (
        200,
        303,
    )
    page = anna.get("/diary").text
    assert "Активность с телефона и судороги" in page and "более 15\xa0000 шагов" in page
    r = upload("export.zip", zipped)
    assert "Импортировано 366 дней активности с телефона" in r.text


def stored_app(app: Any) -> list[Any]:
    with app.state.db.session() as s:
        return list(s.scalars(sa.select(ActivityDay)).all())


# --- bounded memory -------------------------------------------------------------------------------
# The 1 GB export of the issue is benchmarks/phone_import.py (over 8 minutes with generation on the
# shared 2-core machine, too long for `make test`); here the same check on ~120 MB: memory must not
# grow with size.

MEMORY_BOUND_MB = 200


@pytest.mark.slow
def test_large_apple_export_in_bounded_memory(tmp_path: Path) -> None:
    """A ~120 MB export.xml (a year, mostly heart-rate records as in real exports), zipped, imported
    by the CLI in a child process whose own peak resident memory stays below a fixed bound."""
    from benchmarks.phone_import import import_with_peak

    path = tmp_path / "export.zip"
    expected = write_apple_export(path, days=366, filler_per_day=1000, level=1)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("apple_health_export/export.xml").file_size > 100_000_000
    db = f"sqlite:///{tmp_path / 'big.sqlite'}"
    done, peak_kb = import_with_peak(path, db)
    assert done.returncode == 0, done.stderr
    assert 10_000 < peak_kb < MEMORY_BOUND_MB * 1024, f"peak RSS {peak_kb // 1024} MB"
    assert "366 new" in done.stdout
    rows = stored(db)
    assert {day: row[:3] for day, row in rows.items()} == {day: as_tuple(e) for day, e in expected.items()}
