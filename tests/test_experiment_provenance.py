"""Honest schedules (contract v2): the program draws the seed before any outcome exists; a past
start or a chosen seed only for an experiment run elsewhere, labelled so; only what may be tried
safely can be tested; overlapping experiments are pointed out."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crampcare.diary.service import DiaryError
from crampcare.experiments.service import (
    create_experiment,
    experiment_plan,
    overlap_warnings,
    schedule_hash,
    why_untestable,
)
from crampcare.storage import open_database
from crampcare.storage.users import get_or_create_user
from tests.test_diary_cli import run

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("quinine", "not recommended"),  # rare fatal blood reactions: never randomised on oneself
        ("valproate", "not recommended"),
        ("call_emergency_services", "action"),
        ("medication_review", "action or a review"),
    ],
)
def test_what_may_not_be_tried_cannot_be_tested(code: str, why: str) -> None:
    problem = why_untestable(code)
    assert problem is not None and why in problem


def test_ordinary_measures_can_be_tested() -> None:
    for code in ("calf_stretch_before_bed", "reduce_caffeine", "loose_bedclothes"):
        assert why_untestable(code) is None, code


def test_a_grade_for_this_person_decides() -> None:
    # fluids are fine for most people, not for someone told to restrict them (heart or kidney failure)
    assert why_untestable("adequate_fluids") is None
    assert why_untestable("adequate_fluids", "not_recommended") is not None


def test_seed_and_past_start_only_when_imported(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            with pytest.raises(DiaryError) as refused:
                create_experiment(
                    s, user, "calf_stretch_before_bed", TODAY - dt.timedelta(days=1), seed=7, today=TODAY
                )
            fields = [p.split(":")[0] for p in refused.value.problems]
            assert fields == ["seed", "start"]
            s.rollback()
            drawn = create_experiment(s, user, "calf_stretch_before_bed", TODAY, 7, 2, today=TODAY)
            plan = experiment_plan(drawn)
            assert plan["imported"] is False and plan["created_at"].endswith("Z")
            assert plan["schedule_sha256"] == schedule_hash(drawn) and len(plan["schedule_sha256"]) == 64
            assert overlap_warnings(s, user, drawn) == []
            imported = create_experiment(
                s,
                user,
                "reduce_caffeine",
                TODAY - dt.timedelta(days=10),
                7,
                2,
                seed=7,
                imported=True,
                today=TODAY,
            )
            assert experiment_plan(imported)["imported"] is True
            (warning,) = overlap_warnings(s, user, imported)
            assert f"experiment {drawn.id}" in warning and "same nights" in warning
            # A schedule edited after it was drawn no longer matches its hash.
            drawn.nights[0].on = not drawn.nights[0].on
            assert schedule_hash(drawn) != drawn.schedule_sha256
    finally:
        db.dispose()


def test_cli_refuses_a_chosen_seed_and_labels_imports(db_url: str) -> None:
    base = [
        "experiment",
        "create",
        "--intervention",
        "calf_stretch_before_bed",
        "--pairs",
        "2",
        "--db",
        db_url,
    ]
    code, _, err = run(*base, "--seed", "7")
    assert code == 2 and "--seed:" in err and "imported" in err
    code, _, err = run("experiment", "create", "--intervention", "quinine", "--db", db_url)
    assert code == 2 and "--intervention:" in err and "not recommended" in err
    code, out, _ = run(*base, "--start", "2026-01-05", "--seed", "7", "--imported", "--format", "json")
    assert code == 0 and json.loads(out)["imported"] is True
    code, out, _ = run("experiment", "analyze", "--format", "json", "--db", db_url)
    assert code == 0 and json.loads(out)["imported"] is True
    code, out, _ = run("experiment", "analyze", "--db", db_url)
    assert "Imported: this experiment was run elsewhere" in " ".join(out.split())
