"""Design before data and CENT-style reporting in the CLI (issue 15), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crampcare.diary.service import import_records
from crampcare.experiments.service import default_washout, design_warnings
from crampcare.records import EpisodeRecord
from crampcare.storage import get_or_create_user, open_database
from tests.test_diary_cli import run

START = dt.date(2026, 9, 7)


def _create(db_url: str, *extra: str) -> tuple[int, dict[str, object], str]:
    code, out, err = run(
        "experiment",
        "create",
        "--start",
        START.isoformat(),
        "--seed",
        "11",
        "--imported",
        "--format",
        "json",
        "--db",
        db_url,
        *extra,
    )
    return code, (json.loads(out) if code == 0 else {}), err


def test_a_design_that_cannot_reach_a_verdict_is_warned(db_url: str) -> None:
    code, plan, err = _create(db_url, "--intervention", "calf_stretch_before_bed", "--pairs", "3")
    assert code == 0 and plan["pairs"] == 3  # allowed, but the person is told before starting
    assert "can never reach a verdict" in err and "0.25" in err and "--pairs 6" in err
    code, plan, err = _create(db_url, "--intervention", "reduce_caffeine", "--pairs", "6")
    assert code == 0 and "can never reach a verdict" not in err


def test_washout_defaults_to_the_knowledge_base_carry_over(db_url: str) -> None:
    # Vitamin tablets: about a week of carry-over; stretching acts only on its own night.
    assert (
        default_washout("vitamin_b_complex", 14) == 7 and default_washout("calf_stretch_before_bed", 7) == 0
    )
    code, plan, err = _create(db_url, "--intervention", "vitamin_b_complex", "--block-days", "14")
    assert code == 0 and plan["washout_days"] == 7 and "first 7 nights" in err
    code, plan, err = _create(db_url, "--intervention", "calf_stretch_before_bed", "--block-days", "7")
    assert code == 0 and plan["washout_days"] == 0
    # A carry-over as long as the block itself: the person is told to use longer blocks.
    assert any("--block-days 14" in w for w in design_warnings("vitamin_b_complex", 7, 6, 6))


def test_plan_offers_designs_and_their_smallest_p(db_url: str) -> None:
    code, out, err = run(
        "experiment",
        "plan",
        "--intervention",
        "calf_stretch_before_bed",
        "--block-days",
        "14",
        "--pairs",
        "8",
        "--format",
        "json",
        "--db",
        db_url,
    )
    assert code == 0, err
    plan = json.loads(out)
    # An empty diary: a typical rate, said to be one.
    assert plan["baseline_source"] == "typical" and plan["baseline_rate"] == 0.5
    assert [d["rate_ratio"] for d in plan["designs"]] == [0.72, 0.5]
    assert all(
        d["min_p_value"] == pytest.approx(2 / 2**8, rel=1e-2) and d["weeks"] == 32 for d in plan["designs"]
    )
    small, large = (d["power"] for d in plan["designs"])
    assert 0 <= small <= large <= 1
    assert plan["min_pairs_for_verdict"] == 6
    code, out, _ = run("experiment", "plan", "--intervention", "quinine", "--db", db_url)
    assert code == 2 and "not recommended" in _
    code, out, err = run("experiment", "plan", "--intervention", "reduce_caffeine", "--baseline-rate", "0")
    assert code == 2 and "--baseline-rate" in err


def test_plan_uses_the_persons_own_rate_and_searches_pairs(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            zone = dt.UTC
            today = dt.date.today()
            episodes = [
                EpisodeRecord(
                    dt.datetime.combine(today - dt.timedelta(days=d), dt.time(3, k), zone), "calf", "left"
                )
                for d in range(1, 57)
                for k in range(2)
            ]
            import_records(s, user, episodes, [])
    finally:
        db.dispose()
    code, out, err = run(
        "experiment",
        "plan",
        "--intervention",
        "calf_stretch_before_bed",
        "--block-days",
        "14",
        "--format",
        "json",
        "--db",
        db_url,
    )
    assert code == 0, err
    plan = json.loads(out)
    assert plan["baseline_source"] == "diary" and 1.8 <= plan["baseline_rate"] <= 2.1
    halving = next(d for d in plan["designs"] if d["rate_ratio"] == 0.5)
    # Two cramps a night: a halving is found with 80% power by a feasible number of 14-night pairs.
    assert halving["pairs"] is not None and 6 <= halving["pairs"] <= 12 and halving["power"] >= 0.8
    code, out, _ = run(
        "experiment",
        "plan",
        "--intervention",
        "calf_stretch_before_bed",
        "--block-days",
        "14",
        "--db",
        db_url,
    )
    assert "smallest p" in out and "3: 0.25 (never a verdict)" in out


def _fill_experiment(db_url: str, pairs: int) -> None:
    code, plan, _ = _create(db_url, "--intervention", "calf_stretch_before_bed", "--pairs", str(pairs))
    assert code == 0
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            zone = dt.UTC
            episodes = []
            for night in plan["schedule"]:  # type: ignore[union-attr]
                day = dt.date.fromisoformat(night["date"])
                for k in range(0 if night["on"] else 1 + day.day % 2):
                    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, k), zone)
                    episodes.append(EpisodeRecord(start, "calf", "left"))
            import_records(s, user, episodes, [])
    finally:
        db.dispose()


def test_analyze_text_reports_design_periods_adherence_effect_and_limits(db_url: str) -> None:
    _fill_experiment(db_url, 6)
    code, out, err = run("experiment", "analyze", "--as-of", "2026-12-31", "--db", db_url)
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Design: 6 pairs of blocks" in flat
    assert any(line.strip() in {"ON off", "off ON"} or " | " in line for line in out.splitlines())
    assert "Results pair by pair" in flat and "Adherence" in flat
    assert "p = 0.031" in flat and "likely helps you" in flat
    assert "What this cannot say" in flat
    code, out, _ = run("experiment", "analyze", "--as-of", "2026-12-31", "--format", "json", "--db", db_url)
    result = json.loads(out)
    assert result["verdict"] == "likely_helps" and result["p_value"] <= 0.05 and result["ci95"][1] < 1
    assert len(result["periods"]) == 6 and result["pairs_analysed"] == 6


def test_analyze_in_russian(db_url: str) -> None:
    _fill_experiment(db_url, 4)
    code, out, err = run("experiment", "analyze", "--as-of", "2026-12-31", "--lang", "ru", "--db", db_url)
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Схема" in flat and "ДА" in flat and "Вывод: неясно" in flat and "0,125" in flat
    for english in ("Verdict", "nights", "likely", "pair", "inconclusive", "_"):
        assert english not in flat, english
    code, _, err = run("experiment", "analyze", "--lang", "de", "--db", db_url)
    assert code == 2 and "--lang" in err


def test_plan_in_russian(db_url: str) -> None:
    code, out, err = run(
        "experiment",
        "plan",
        "--intervention",
        "calf_stretch_before_bed",
        "--block-days",
        "7",
        "--pairs",
        "3",
        "--lang",
        "ru",
        "--db",
        db_url,
    )
    assert code == 0, err
    flat = " ".join(out.split())
    assert "План опыта: «упражнения на растяжку икр" in flat
    assert "типичное значение, 0,50 судорог за ночь" in flat and "SD 0,4" in flat
    # Table cells wrap in an 80-column terminal; the headers and cells are in Russian.
    assert "Варианты схемы" in flat and "наименьшее" in flat and "мощность" in flat and "0,72 (на" in flat
    assert "3: 0,25 (вывод невозможен)" in flat and "6: 0,0312" in flat
    for english in ("cramps", "night", "pairs", "power", "never", "verdict", "typical", "_"):
        assert english not in flat, english
    code, _, err = run("experiment", "plan", "--intervention", "reduce_caffeine", "--lang", "de")
    assert code == 2 and "--lang" in err
