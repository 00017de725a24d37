"""The records at the bottom (``crampcare.records``): one reader per value, the same at every edge.

A decimal typed with a comma or a point is the same number, and its bounds are the same, whether
it arrives as text (CSV, form, option) or as a JSON number; and the same bad value gets the same
words from the CLI, the JSON API, the web form and a CSV import.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crampcare.cli import app as cli_app
from crampcare.diary.service import DiaryError, import_file
from crampcare.records import DayLog, Episode, FieldProblem, Medicine, Today, read
from crampcare.records.values import DAY_LOG_LIMITS, MUSCLES
from crampcare.spec import codes
from crampcare.storage import open_database
from crampcare.storage.users import get_or_create_user
from tests.web_support import sign_up_owner

TODAY = Today(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC))
runner = CliRunner()


def test_the_muscle_choices_are_the_spec_cramp_locations() -> None:
    assert codes("cramp_locations") == MUSCLES


def _crampcare_imports(folder: str) -> set[str]:
    """Every ``crampcare.*`` module imported anywhere (also inside functions) in a package folder."""
    import ast

    root = Path(__file__).resolve().parents[1] / "src" / "crampcare" / folder
    found: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("crampcare")}


def test_records_sit_at_the_bottom_and_stats_and_charts_read_them_not_the_diary() -> None:
    allowed = ("crampcare.records", "crampcare.errors")
    assert {m for m in _crampcare_imports("records") if not m.startswith(allowed)} == set()
    for folder in ("stats", "charts"):
        assert {m for m in _crampcare_imports(folder) if m.startswith("crampcare.diary")} == set(), folder


def _message(result: Any) -> tuple[str, str]:
    assert isinstance(result, list) and len(result) == 1, result
    problem: FieldProblem = result[0]
    return problem.field, problem.problem


@settings(max_examples=200, deadline=None)
@given(
    field=st.sampled_from(sorted(DAY_LOG_LIMITS)),
    value=st.decimals(min_value=0, max_value=2000, places=3, allow_nan=False, allow_infinity=False),
)
def test_a_decimal_with_comma_or_point_is_one_value_with_one_bound(field: str, value: Decimal) -> None:
    point = f"{value:f}"
    comma = point.replace(".", ",")
    readings = [
        read(DayLog, {"date": "2026-11-20", field: text}, TODAY) for text in (point, comma, f" {comma} ")
    ] + [read(DayLog, {"date": "2026-11-20", field: number}, TODAY) for number in (float(value), value)]
    if value <= DAY_LOG_LIMITS[field]:
        assert all(isinstance(r, DayLog) for r in readings), readings
        assert {getattr(r, field) for r in readings} == {float(value)}
    else:  # over the bound: refused everywhere, in the same words
        assert {_message(r) for r in readings} == {
            (field, f"{float(value):g} is implausibly large (at most {DAY_LOG_LIMITS[field]:g})")
        }


@settings(max_examples=100, deadline=None)
@given(st.integers(-1000, 1000))
def test_whole_numbers_have_one_bound_as_text_or_number(severity: int) -> None:
    base = {"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "left"}
    readings = [
        read(Episode, {**base, "severity": v}, TODAY) for v in (str(severity), severity, float(severity))
    ]
    if 0 <= severity <= 10:
        assert {r.severity for r in readings if isinstance(r, Episode)} == {severity}
        assert all(isinstance(r, Episode) for r in readings)
    else:
        assert {_message(r) for r in readings} == {("severity", f"must be from 0 to 10, not {severity}")}


def test_one_message_per_problem_and_a_missing_field_gets_its_readers_words() -> None:
    problems = read(Episode, {}, TODAY)
    assert isinstance(problems, list)
    assert [(p.field, p.problem.split(";")[0]) for p in problems] == [
        ("started_at", "missing"),
        ("muscle", "missing"),
        ("side", "missing"),
    ]
    assert _message(
        read(Episode, {"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "up"}, TODAY)
    ) == (
        "side",
        "unknown side 'up'; one of both, left, right",
    )
    assert _message(
        read(Medicine, {"name": "x", "started_on": "2026-11-20", "stopped_on": "2026-11-01"}, TODAY)
    ) == (
        "stopped_on",
        "2026-11-01 is before started_on 2026-11-20",
    )
    assert _message(read(DayLog, {"date": "2026-11-20", "bogus": "1"}, TODAY)) == ("bogus", "unknown field")


def test_records_are_immutable_hashable_and_sort_as_before() -> None:
    at = dt.datetime(2026, 11, 20, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    early = Episode(started_at=at, muscle="calf", side="left")
    late = Episode(started_at=at + dt.timedelta(hours=1), muscle="calf", side="left")
    assert sorted([late, early]) == [early, late] and len({early, early}) == 1
    assert early.night == dt.date(2026, 11, 19)
    with pytest.raises(ValueError):
        early.__setattr__("muscle", "foot")


# --- the same bad value through the four edges ---------------------------------------------------

# (day-log field, CLI option, bad text, the JSON value of the same thing)
DAY_CASES = [
    ("fluid_litres", "--fluid", "25", 25),
    ("fluid_litres", "--fluid", "25,5", 25.5),
    ("caffeine_drinks", "--caffeine", "-1", -1),
    ("alcohol_units", "--alcohol", "lots", "lots"),
]
# (episode field, CLI option, bad text, the JSON value)
EPISODE_CASES = [
    ("severity", "--severity", "11", 11),
    ("duration_s", "--duration", "-5", -5),
]


def _cli(*args: str) -> str:
    result = runner.invoke(cli_app, list(args))
    assert result.exit_code == 2, result.stdout
    return result.stderr.strip()


def _csv(tmp_path: Path, db_url: str, text: str) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    db = open_database(db_url)
    try:
        with db.session() as session, pytest.raises(DiaryError) as err:
            import_file(session, get_or_create_user(session), path, TODAY)
    finally:
        db.dispose()
    (line,) = err.value.problems
    return line.removeprefix(f"{path}:2: ")


def _form_error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error"[^>]*>\s*<span[^>]*>⚠</span>\s*(.*?)\s*</p>', page, re.S)
    assert found, page
    return html.unescape(found.group(1))


def _after_field(line: str) -> str:
    return line.partition(": ")[2]


@pytest.mark.parametrize(("field", "option", "text", "value"), DAY_CASES)
def test_a_bad_day_value_gets_the_same_words_from_cli_api_form_and_csv(
    app: Any,  # noqa: F811  (the fixture imported at the end)
    tmp_path: Path,
    field: str,
    option: str,
    text: str,
    value: Any,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cli = _cli("diary", "day", "--date", "2026-11-20", option, text, "--db", db_url)
    anna = sign_up_owner(app)
    api = anna.api("PUT", "/day-logs/2026-11-20", json={field: value})
    assert api.status_code == 422
    (api_line,) = api.json()["problems"]
    form = anna.post("/diary/day", {"date": "2026-11-20", field: text})
    assert form.status_code == 422
    header = "date,stretched_before_bed,fluid_litres,caffeine_drinks,alcohol_units,exercise_minutes,notes"
    cells = {"date": "2026-11-20", field: f'"{text}"'}
    row = ",".join(cells.get(name, "") for name in header.split(","))
    csv = _csv(tmp_path, f"sqlite:///{tmp_path / 'csv.sqlite'}", f"{header}\n{row}\n")
    assert (
        cli.startswith(f"{option}: ") and api_line.startswith(f"{field}: ") and csv.startswith(f"{field}: ")
    )
    words = {_after_field(cli), _after_field(api_line), _form_error(form.text, field), _after_field(csv)}
    assert len(words) == 1, words


@pytest.mark.parametrize(("field", "option", "text", "value"), EPISODE_CASES)
def test_a_bad_episode_value_gets_the_same_words_from_cli_api_form_and_csv(
    app: Any,  # noqa: F811  (the fixture imported at the end)
    tmp_path: Path,
    field: str,
    option: str,
    text: str,
    value: Any,
) -> None:
    at = "2026-11-20T03:10:00+01:00"
    db_url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cli = _cli("diary", "add", "--at", at, "--muscle", "calf", "--side", "left", option, text, "--db", db_url)
    anna = sign_up_owner(app)
    api = anna.api(
        "POST", "/episodes", json={"started_at": at, "muscle": "calf", "side": "left", field: value}
    )
    assert api.status_code == 422
    (api_line,) = api.json()["problems"]
    form_data = {"started_at": "2026-11-20T03:10", "tz": "Europe/Berlin", "muscle": "calf", "side": "left"}
    form = anna.post("/diary/episodes/new", {**form_data, field: text})
    assert form.status_code == 422
    header = "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes"
    cells = {"started_at": at, "muscle": "calf", "side": "left", field: text}
    row = ",".join(cells.get(name, "") for name in header.split(","))
    csv = _csv(tmp_path, f"sqlite:///{tmp_path / 'csv.sqlite'}", f"{header}\n{row}\n")
    words = {_after_field(cli), _after_field(api_line), _form_error(form.text, field), _after_field(csv)}
    assert len(words) == 1, words


def test_a_decimal_comma_is_accepted_at_every_edge(
    app: Any,  # noqa: F811  (the fixture imported at the end)
    tmp_path: Path,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    ok = runner.invoke(cli_app, ["diary", "day", "--date", "2026-11-20", "--fluid", "1,5", "--db", db_url])
    assert ok.exit_code == 0, ok.stderr
    path = tmp_path / "days.csv"
    path.write_text('date,fluid_litres\n2026-11-21,"1,5"\n', encoding="utf-8")
    db = open_database(db_url)
    try:
        with db.session() as session:
            import_file(session, get_or_create_user(session), path, TODAY)
            from crampcare.diary.service import day_log_records

            stored = day_log_records(session, get_or_create_user(session))
    finally:
        db.dispose()
    assert [(d.date.isoformat(), d.fluid_litres) for d in stored] == [
        ("2026-11-20", 1.5),
        ("2026-11-21", 1.5),
    ]
    anna = sign_up_owner(app)
    assert anna.post("/diary/day", {"date": "2026-11-20", "fluid_litres": "1,5"}).status_code == 303
    r = anna.api("PUT", "/day-logs/2026-11-21", json={"fluid_litres": "1,5"})
    assert r.status_code == 200 and r.json()["fluid_litres"] == 1.5
    assert anna.api("GET", "/day-logs/2026-11-20").json()["fluid_litres"] == 1.5


from tests.web_support import app, sqlite_url  # noqa: E402, F401  (fixtures)
