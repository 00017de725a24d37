"""One error model: every validation error is a ``Problems``; services own their transactions."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from crampcare.assess.validate import InputError
from crampcare.cli import app
from crampcare.cli.errors import CliError
from crampcare.diary.service import DiaryError, add_episode, set_day_log
from crampcare.errors import Problem, Problems
from crampcare.fhir.errors import FhirError
from crampcare.i18n import translator
from crampcare.knowledge.base import KnowledgeError
from crampcare.records import EpisodeRecord, FieldProblem, RecordProblems
from crampcare.storage import DatabaseUrlError, Episode, get_or_create_user, open_database
from crampcare.web.views.diary import TapTimeError


@pytest.mark.parametrize(
    "error",
    [
        InputError(["input.age_years: must be >= 0"]),
        DiaryError("started_at: in the future"),
        FhirError(["entry[0] Observation/x: valueQuantity: must be a number"]),
        FieldProblem("notes", "is longer than 10000 characters"),
        RecordProblems([FieldProblem("severity", "must be from 0 to 10, not 11")]),
        KnowledgeError(["rules.yaml (r1): unknown condition 'x'"]),
        CliError("--format: must be json or text, not 'xml'"),
        DatabaseUrlError("not a database URL: 'x' (try sqlite:///path or postgresql://...)"),
        TapTimeError("yesterday"),
    ],
)
def test_every_validation_error_is_problems_and_keeps_its_lines(error: Problems) -> None:
    assert isinstance(error, Problems) and isinstance(error, ValueError)
    assert error.problems and all(isinstance(p, str) for p in error.problems)
    assert str(error) == error.separator.join(error.problems)


def test_a_problem_keeps_its_place_and_an_english_message_id_to_translate() -> None:
    err = Problems.one("summary", "Red flag: {message}", message="x")
    assert err.problems == ["summary: Red flag: x"]
    assert err.lines(translator("ru")) == ["summary: Тревожный признак: x"]  # id translated, then filled
    assert Problem.parse("input[3].sex: unknown code 'x'") == Problem("input[3].sex", "unknown code 'x'")
    assert Problem.parse("not JSON") == Problem("", "not JSON")


def test_a_refused_write_leaves_no_open_transaction(db_url: str) -> None:
    """The service rolls back itself: no shell has to, and SQLite's write lock is released."""
    db = open_database(db_url)
    try:
        with db.session() as session:
            user = get_or_create_user(session)
            start = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
            add_episode(session, user, EpisodeRecord(start, "calf", "left"))
            with pytest.raises(DiaryError, match="already starts then"):
                add_episode(session, user, EpisodeRecord(start, "calf", "left"))
            assert not session.in_transaction()
            with pytest.raises(DiaryError, match="fluid_litres"):
                set_day_log(session, user, {"date": "2026-11-20", "fluid_litres": "lots"})
            assert not session.in_transaction()
            assert session.query(Episode).count() == 1
    finally:
        db.dispose()


def test_the_cli_turns_problems_into_exit_2_naming_the_option(tmp_path: object) -> None:
    db = f"sqlite:///{tmp_path}/cli.sqlite"
    result = CliRunner().invoke(app, ["diary", "day", "--date", "2026-11-20", "--fluid", "lots", "--db", db])
    assert result.exit_code == 2
    assert result.stderr.startswith("--fluid: ")
    assert "Traceback" not in result.stderr + result.stdout
