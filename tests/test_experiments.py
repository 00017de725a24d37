"""N-of-1 experiments: schedules, the analysis checked against simulations, storage on both backends."""

from __future__ import annotations

import datetime as dt
from itertools import product

import numpy as np
import pytest

from crampcare.diary.experiments import (
    analyze_experiment,
    create_experiment,
    experiment_plan,
    get_experiment,
    tonight_assignments,
)
from crampcare.diary.records import DayLogRecord, EpisodeRecord
from crampcare.diary.service import DiaryError, import_records
from crampcare.stats.nof1 import (
    Counts,
    NightObservation,
    analyze,
    posterior_summary,
    randomisation_test,
    verdict_of,
)
from crampcare.stats.schedule import first_block_on, make_schedule
from crampcare.storage import get_or_create_user, open_database

START = dt.date(2026, 11, 2)


# --- schedule ----------------------------------------------------------------------------------


def test_schedule_is_paired_blocks_seeded() -> None:
    plan = make_schedule(START, 7, 4, seed=42)
    assert len(plan) == 56 and plan[0].date == START and plan[-1].date == START + dt.timedelta(days=55)
    for pair in range(4):
        nights = [n for n in plan if n.pair == pair]
        first, second = nights[:7], nights[7:]
        assert len({n.on for n in first}) == 1 and len({n.on for n in second}) == 1
        assert first[0].on != second[0].on  # one block on, one off, in every pair
    assert make_schedule(START, 7, 4, seed=42) == plan
    assert any(make_schedule(START, 7, 4, seed=s) != plan for s in range(5))


def test_pair_orders_are_fair_coin_flips() -> None:
    draws = np.array([first_block_on(6, seed) for seed in range(2000)])
    assert abs(draws.mean() - 0.5) < 0.03
    # pairs are independent: on-first in pair 0 says nothing about pair 1
    assert abs(np.corrcoef(draws[:, 0], draws[:, 1])[0, 1]) < 0.08


def test_washout_nights_are_marked() -> None:
    plan = make_schedule(START, 7, 1, seed=1, washout_days=2)
    assert [n.washout for n in plan[:7]] == [True, True, False, False, False, False, False]


@pytest.mark.parametrize(("block_days", "pairs", "washout"), [(0, 2, 0), (7, 0, 0), (7, 2, 7), (61, 1, 0)])
def test_bad_designs_are_refused(block_days: int, pairs: int, washout: int) -> None:
    with pytest.raises(ValueError):
        make_schedule(START, block_days, pairs, 1, washout)


# --- analysis: exact pieces --------------------------------------------------------------------


def _observations(
    counts_on: list[list[int]], counts_off: list[list[int]], on_first: list[bool]
) -> list[NightObservation]:
    nights, day = [], START
    for pair, (on, off, first) in enumerate(zip(counts_on, counts_off, on_first, strict=True)):
        blocks = [(True, on), (False, off)] if first else [(False, off), (True, on)]
        for is_on, block in blocks:
            for count in block:
                nights.append(NightObservation(day, is_on, pair, count))
                day += dt.timedelta(days=1)
    return nights


def test_randomisation_test_matches_hand_enumeration() -> None:
    on = [[0, 0, 1], [0, 1, 0], [0, 0, 0]]
    off = [[2, 1, 1], [1, 2, 0], [1, 1, 1]]
    nights = _observations(on, off, [True, False, True])

    def stat(flips: tuple[int, ...]) -> float:
        k_on = sum(sum(off[p]) if f else sum(on[p]) for p, f in enumerate(flips))
        k_off = sum(sum(on[p]) if f else sum(off[p]) for p, f in enumerate(flips))
        return abs(np.log((k_on + 0.5) / 9) - np.log((k_off + 0.5) / 9))

    observed = stat((0, 0, 0))
    expected = sum(stat(f) >= observed - 1e-9 for f in product((0, 1), repeat=3)) / 8
    assert randomisation_test(nights) == pytest.approx(expected) == pytest.approx(0.25)


def test_posterior_matches_monte_carlo() -> None:
    counts = Counts(episodes_on=9, nights_on=14, episodes_off=3, nights_off=14)
    summary = posterior_summary(counts)
    rng = np.random.default_rng(0)
    ratio = rng.gamma(9.5, 1 / 14, 400_000) / rng.gamma(3.5, 1 / 14, 400_000)
    assert summary["prob_benefit"] == pytest.approx(np.mean(ratio < 1), abs=0.003)
    assert summary["ci95"][0] == pytest.approx(np.quantile(ratio, 0.025), rel=0.02)
    assert summary["ci95"][1] == pytest.approx(np.quantile(ratio, 0.975), rel=0.02)


@pytest.mark.parametrize(
    ("prob", "no_effect", "enough", "verdict"),
    [
        (0.97, 0.1, True, "likely_helps"),
        (0.03, 0.1, True, "likely_harms"),
        (0.5, 0.85, True, "likely_no_effect"),
        (0.8, 0.5, True, "inconclusive"),
        (0.99, 0.0, False, "inconclusive"),
    ],
)
def test_verdict_rule(prob: float, no_effect: float, enough: bool, verdict: str) -> None:
    assert verdict_of(prob, no_effect, enough) == verdict


# --- analysis against simulations with known effects --------------------------------------------


def _simulate(
    rng: np.random.Generator, pairs: int, block: int, base: float, ratio: float
) -> list[NightObservation]:
    on_first = rng.integers(0, 2, size=pairs).astype(bool)
    on = rng.poisson(base * ratio, size=(pairs, block)).tolist()
    off = rng.poisson(base, size=(pairs, block)).tolist()
    return _observations(on, off, list(on_first))


def test_credible_interval_covers_the_true_ratio_about_95_percent() -> None:
    rng = np.random.default_rng(2026)
    runs, hits = 400, 0
    for _ in range(runs):
        nights = _simulate(rng, pairs=4, block=7, base=0.8, ratio=0.6)
        low, high = posterior_summary(Counts(*_counts(nights)))["ci95"]
        hits += low <= 0.6 <= high
    assert 0.92 <= hits / runs <= 0.99


def _counts(nights: list[NightObservation]) -> tuple[int, int, int, int]:
    on = [n.count for n in nights if n.on]
    off = [n.count for n in nights if not n.on]
    return sum(on), len(on), sum(off), len(off)


def test_false_positive_rate_under_no_effect_is_about_5_percent() -> None:
    rng = np.random.default_rng(7)
    runs, helps, significant = 400, 0, 0
    for _ in range(runs):
        nights = _simulate(rng, pairs=8, block=7, base=0.5, ratio=1.0)
        result = analyze(nights, intervention="calf_stretch_before_bed", block_days=7, estimate_weeks=False)
        helps += result["verdict"] == "likely_helps"
        significant += result["p_value"] <= 0.05
    assert helps / runs <= 0.08  # the rule's one-sided 5%, a little less after the dispersion floor
    assert 0.02 <= significant / runs <= 0.08


def test_a_real_halving_is_usually_found() -> None:
    rng = np.random.default_rng(8)
    verdicts = [
        analyze(_simulate(rng, 6, 7, 1.0, 0.4), intervention="x", block_days=7)["verdict"] for _ in range(60)
    ]
    assert verdicts.count("likely_helps") / len(verdicts) >= 0.8
    assert "likely_harms" not in verdicts


def test_clustered_cramps_widen_the_interval() -> None:
    rng = np.random.default_rng(4)
    # Same totals; in one diary cramps come in bursts on few nights.
    steady = _observations([[1] * 14], [[2] * 14], [True])
    bursty_on = [0] * 14
    bursty_on[3] = 14
    bursty_off = [0] * 14
    bursty_off[5], bursty_off[9] = 14, 14
    bursty = _observations([bursty_on], [bursty_off], [True])
    del rng
    a = analyze(steady, intervention="x", block_days=14)
    b = analyze(bursty, intervention="x", block_days=14)
    assert a["rate_ratio"] == b["rate_ratio"] == 0.5
    assert b["dispersion"] > 5 > a["dispersion"]
    assert b["ci95"][1] - b["ci95"][0] > 2 * (a["ci95"][1] - a["ci95"][0])


def test_inconclusive_results_say_how_many_more_weeks() -> None:
    rng = np.random.default_rng(12)
    nights = _simulate(rng, pairs=2, block=7, base=0.6, ratio=0.6)
    result = analyze(nights, intervention="calf_stretch_before_bed", block_days=7)
    if result["verdict"] != "inconclusive":
        pytest.skip("this draw happened to be conclusive")
    assert result["weeks_to_settle"] is None or result["weeks_to_settle"] >= 2
    assert "Verdict: not clear yet" in result["explanation"]

    # A bigger observed effect needs fewer extra weeks than a middling one (same nights so far).
    def weeks(on_block: list[int]) -> int | None:
        nights = _observations([on_block] * 2, [[1] * 7] * 2, [True, False])
        result = analyze(nights, intervention="x", block_days=7)
        assert result["verdict"] == "inconclusive"
        value: int | None = result["weeks_to_settle"]
        return value

    halved, middling = weeks([1, 0, 1, 0, 1, 0, 1]), weeks([1, 0, 1, 1, 1, 0, 1])
    assert halved is not None and middling is not None and halved < middling


def test_too_few_nights_is_inconclusive_with_a_plain_reason() -> None:
    nights = _observations([[0, 0, 0]], [[]], [True])
    result = analyze(nights, intervention="x", block_days=7)
    assert result["verdict"] == "inconclusive" and result["p_value"] is None
    assert result["explanation"].startswith("Too early to tell")


def test_per_protocol_regroups_nights_by_what_was_done() -> None:
    nights = _observations([[0] * 7], [[2] * 7], [True])
    # On two 'off' nights the person stretched anyway; on one 'on' night they did not.
    done = [True] * 6 + [False] + [True, True] + [False] * 5
    nights = [NightObservation(n.date, n.on, n.pair, n.count, d) for n, d in zip(nights, done, strict=True)]
    result = analyze(nights, intervention="calf_stretch_before_bed", block_days=7)
    pp = result["per_protocol"]
    assert (result["nights_on"], result["episodes_on"]) == (7, 0)
    assert (pp["nights_on"], pp["episodes_on"], pp["nights_off"], pp["episodes_off"]) == (8, 4, 6, 10)
    assert result["adherence"]["done_on_on_nights"] == 6 and result["adherence"]["done_on_off_nights"] == 2


# --- stored experiments (SQLite and PostgreSQL) -------------------------------------------------


def test_create_store_and_analyze(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            experiment = create_experiment(
                s, user, "calf_stretch_before_bed", START, 7, 2, seed=5, imported=True
            )
            plan = experiment_plan(get_experiment(s, user))
            expected = make_schedule(START, 7, 2, 5)
            assert plan["id"] == str(experiment.id)
            assert plan["schedule"] == [{"date": n.date.isoformat(), "on": n.on} for n in expected]
            zone = dt.timezone(dt.timedelta(hours=1))
            episodes, logs = [], []
            for night in expected:
                logs.append(DayLogRecord(night.date, stretched_before_bed=night.on))
                for k in range(0 if night.on else 2):
                    start = dt.datetime.combine(night.date + dt.timedelta(days=1), dt.time(2, k), zone)
                    episodes.append(EpisodeRecord(start, "calf", "left"))
            import_records(s, user, episodes, logs)
            as_of = START + dt.timedelta(days=21)  # three blocks over
            result = analyze_experiment(s, user, experiment, as_of)
            assert result["nights_pending"] == 7
            assert result["nights_on"] + result["nights_off"] == 21
            assert result["episodes_on"] == 0 and result["episodes_off"] == 2 * result["nights_off"]
            assert result["verdict"] == "likely_helps"
            assert result["per_protocol"]["nights_on"] == result["nights_on"]
            (assignment,) = tonight_assignments(s, user, START)
            assert assignment[1].on == expected[0].on
            with pytest.raises(DiaryError, match="intervention: unknown"):
                create_experiment(s, user, "dancing", START)
            with pytest.raises(DiaryError, match="id: no experiment 999"):
                get_experiment(s, user, 999)
    finally:
        db.dispose()
