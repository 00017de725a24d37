"""Diary statistics: the spec's fields on hand-checked data, and the regressions against simulations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.stats.diary_stats import diary_stats, nightly_counts
from crampcare.stats.factors import factor_regression, trend_per_month

PLUS1 = dt.timezone(dt.timedelta(hours=1))
MINUS5 = dt.timezone(dt.timedelta(hours=-5))


def ep(text: str, muscle: str = "calf", severity: int | None = 5, duration: int | None = 60) -> EpisodeRecord:
    return EpisodeRecord(dt.datetime.fromisoformat(text), muscle, "left", duration, severity)


def test_spec_fields_on_a_small_diary() -> None:
    episodes = [
        ep("2026-09-01T03:00:00+01:00", severity=4, duration=30),  # night 08-31, Monday 09-01 week
        ep("2026-09-01T23:30:00+01:00", "foot", severity=8, duration=90),  # night 09-01
        ep("2026-09-02T01:15:00+01:00", severity=None, duration=None),  # night 09-01 again
        ep("2026-09-16T02:00:00-05:00", severity=6, duration=120),  # night 09-15, week of 09-14
    ]
    day_logs = [DayLogRecord(dt.date(2026, 9, 20)), DayLogRecord(dt.date(2026, 8, 30), caffeine_drinks=2)]
    s = diary_stats(episodes, day_logs)
    assert s["episodes"] == 4
    assert s["days_logged"] == 2
    # covered dates: nights 08-31, 09-01, 09-15 and day logs 08-30, 09-20
    assert (s["first"], s["last"], s["nights"]) == ("2026-08-30", "2026-09-20", 22)
    assert s["nights_with_cramps"] == 3
    # weeks by local date of started_at: 09-01 and 09-02 are in the week of 08-31, 09-16 in 09-14
    assert s["per_week"] == [
        {"week_start": "2026-08-31", "episodes": 3},
        {"week_start": "2026-09-07", "episodes": 0},
        {"week_start": "2026-09-14", "episodes": 1},
    ]
    expected_hours = [0] * 24
    for hour in (3, 23, 1, 2):  # local hours, not UTC
        expected_hours[hour] += 1
    assert s["by_hour"] == expected_hours
    assert s["by_muscle"] == {"calf": 3, "foot": 1}
    assert s["mean_severity"] == pytest.approx(6.0)
    assert s["median_duration_s"] == 90
    assert [m["nights"] for m in s["seasonality"] if m["nights"]] == [2, 20]  # 08-30..31, 09-01..20
    assert s["trend"]["rate_ratio_per_month"] is None and "60 nights" in s["trend"]["warning"]


def test_empty_diary() -> None:
    s = diary_stats([], [])
    assert (s["episodes"], s["nights"], s["first"], s["per_week"], s["by_hour"]) == (0, 0, None, [], [0] * 24)
    assert s["mean_severity"] is None and s["median_duration_s"] is None


def test_nightly_counts_include_zero_nights() -> None:
    episodes = [
        ep("2026-01-02T02:00:00+01:00"),
        ep("2026-01-02T03:00:00+01:00"),
        ep("2026-01-05T02:00:00+01:00"),
    ]
    counts = nightly_counts(episodes, dt.date(2025, 12, 31), dt.date(2026, 1, 5))
    assert counts.tolist() == [0, 2, 0, 0, 1, 0]


def _simulate_counts(
    rng: np.random.Generator, nights: int, ratio_per_month: float, base: float
) -> np.ndarray:
    months = np.arange(nights) / (365.25 / 12)
    return rng.poisson(base * ratio_per_month ** (months - months.mean()))


def test_trend_interval_covers_the_true_monthly_ratio_about_95_percent() -> None:
    rng = np.random.default_rng(11)
    truth, hits, runs = 0.95, 0, 200
    for _ in range(runs):
        trend = trend_per_month(_simulate_counts(rng, 365, truth, 0.6))
        low, high = trend["ci95"]
        hits += low <= truth <= high
    assert 0.91 <= hits / runs <= 0.99


def test_trend_finds_a_real_decline() -> None:
    rng = np.random.default_rng(3)
    trend = trend_per_month(_simulate_counts(rng, 730, 0.9, 0.8))
    assert trend["ci95"][1] < 1 and trend["p_value"] < 0.01


def _factor_diary(
    rng: np.random.Generator, nights: int, caffeine_rr: float
) -> tuple[np.ndarray, list[DayLogRecord]]:
    first = dt.date(2025, 1, 1)
    caffeine = rng.integers(0, 5, size=nights)
    stretched = rng.integers(0, 2, size=nights).astype(bool)
    exercise = rng.choice([0.0, 30.0, 60.0], size=nights)
    rate = 0.5 * caffeine_rr**caffeine  # stretching and exercise have no effect
    counts = rng.poisson(rate)
    logs = [
        DayLogRecord(
            first + dt.timedelta(days=i),
            stretched_before_bed=bool(stretched[i]),
            caffeine_drinks=float(caffeine[i]),
            exercise_minutes=float(exercise[i]),
        )
        for i in range(nights)
    ]
    return counts, logs


def test_factor_rate_ratios_cover_known_effects() -> None:
    rng = np.random.default_rng(5)
    runs, caffeine_hits, stretch_false_positive = 150, 0, 0
    for _ in range(runs):
        counts, logs = _factor_diary(rng, 200, 1.3)
        result = factor_regression(counts, dt.date(2025, 1, 1), logs)
        by_name = {f["factor"]: f for f in result["factors"]}
        low, high = by_name["caffeine_drinks"]["ci95"]
        caffeine_hits += low <= 1.3 <= high
        stretch_false_positive += by_name["stretched_before_bed"]["p_value"] < 0.05
    assert 0.90 <= caffeine_hits / runs <= 0.99
    assert stretch_false_positive / runs <= 0.10


def test_regression_warns_plainly_when_data_are_few() -> None:
    rng = np.random.default_rng(8)
    counts, logs = _factor_diary(rng, 10, 1.3)
    result = factor_regression(counts, dt.date(2025, 1, 1), logs)
    assert result["factors"] == [] and "Not enough data" in result["warning"]
    counts, logs = _factor_diary(rng, 30, 1.3)
    result = factor_regression(counts, dt.date(2025, 1, 1), logs)
    assert result["factors"] and "too few" in result["warning"]
    skipped = {s["factor"] for s in result["skipped"]}
    assert {"fluid_litres", "alcohol_units"} <= skipped  # never recorded


def test_constant_factor_is_skipped_not_fitted() -> None:
    rng = np.random.default_rng(9)
    counts, logs = _factor_diary(rng, 120, 1.0)
    logs = [DayLogRecord(d.date, stretched_before_bed=True, caffeine_drinks=d.caffeine_drinks) for d in logs]
    result = factor_regression(counts, dt.date(2025, 1, 1), logs)
    reasons = {s["factor"]: s["reason"] for s in result["skipped"]}
    assert "always the same" in reasons["stretched_before_bed"]
    assert [f["factor"] for f in result["factors"]] == ["caffeine_drinks"]
