"""Cramps after active days and short nights: phone activity (``activity_days``) as factors.

Each comparison splits the diary's nights in two by one phone measure and compares the cramps per
night of the two groups, as a rate ratio with a 95% interval from the same Poisson model with the
quasi-likelihood scale as the evening factors (``factors._fit``): cramps cluster, so the interval is
widened by the observed over-dispersion.

- steps: the night after a day with more than ``steps`` steps (default 15,000) vs the other nights;
- exercise: the night after a day with at least ``exercise`` minutes of workouts (default 30);
- short sleep: a night after a night with less than ``sleep`` hours asleep (default 6) vs after a
  longer one. The previous night, not the same one: cramps wake people up, so the same night's
  sleep would be shortened by the cramps being counted.

Nights without the measure are left out, never counted as "below the threshold". Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crampcare.stats.factors import _finite, _fit

MIN_GROUP_NIGHTS = 7
STEPS_THRESHOLD = 15_000
EXERCISE_THRESHOLD = 30.0
SHORT_SLEEP_HOURS = 6.0


@dataclass(frozen=True)
class Comparison:
    factor: str
    column: str
    threshold: float
    previous_night: bool  # the measure of the night before (sleep), not of the day itself
    exposed: Callable[[float, float], bool]
    label: str  # English; the web shows its own translated words per ``factor``


def comparisons(steps: float, exercise: float, sleep: float) -> list[Comparison]:
    return [
        Comparison(
            "steps",
            "steps",
            steps,
            False,
            lambda v, t: v > t,
            f"cramps after days with more than {steps:,.0f} steps",
        ),
        Comparison(
            "exercise",
            "exercise_minutes",
            exercise,
            False,
            lambda v, t: v >= t,
            f"cramps after days with {exercise:g} or more minutes of exercise",
        ),
        Comparison(
            "short_sleep",
            "sleep_hours",
            sleep,
            True,
            lambda v, t: v < t,
            f"cramps after a night with less than {sleep:g} hours of sleep",
        ),
    ]


def _compare(
    counts: NDArray[np.int64], first: dt.date, by_date: dict[dt.date, Any], c: Comparison
) -> dict[str, Any]:
    flags: list[bool] = []
    ys: list[int] = []
    for i, count in enumerate(counts):
        night = first + dt.timedelta(days=i)
        row = by_date.get(night - dt.timedelta(days=1) if c.previous_night else night)
        value = None if row is None else getattr(row, c.column)
        if value is None:
            continue
        flags.append(c.exposed(float(value), c.threshold))
        ys.append(int(count))
    x, y = np.array(flags, dtype=np.float64), np.array(ys, dtype=np.float64)
    n1, n0 = int(x.sum()), int(len(x) - x.sum())
    c1, c0 = int(y[x == 1].sum()), int(y[x == 0].sum())
    result: dict[str, Any] = {
        "factor": c.factor,
        "label": c.label,
        "threshold": c.threshold,
        "nights_with": n1,
        "cramps_with": c1,
        "nights_without": n0,
        "cramps_without": c0,
        "per_night_with": round(c1 / n1, 3) if n1 else None,
        "per_night_without": round(c0 / n0, 3) if n0 else None,
        "rate_ratio": None,
        "ci95": None,
        "p_value": None,
        "note": None,
    }
    if min(n1, n0) < MIN_GROUP_NIGHTS:
        result["note"] = f"needs at least {MIN_GROUP_NIGHTS} nights on each side ({n1} and {n0} so far)"
        return result
    if not c1 or not c0:
        result["note"] = "no cramps on one side: a ratio cannot be estimated yet"
        return result
    try:
        fit = _fit(y, np.column_stack([np.ones(len(x)), x]))
        beta, se, p = float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])
    except (ValueError, np.linalg.LinAlgError):
        beta = se = p = math.nan
    if not _finite(beta, se, p):
        result["note"] = "could not be estimated from these nights"
        return result
    result.update(
        rate_ratio=round(math.exp(beta), 3),
        ci95=[round(math.exp(beta - 1.96 * se), 3), round(math.exp(beta + 1.96 * se), 3)],
        p_value=round(p, 4),
    )
    return result


def activity_comparisons(
    counts: NDArray[np.int64],
    first: dt.date,
    days: Sequence[Any],
    *,
    steps: float = STEPS_THRESHOLD,
    exercise: float = EXERCISE_THRESHOLD,
    sleep: float = SHORT_SLEEP_HOURS,
) -> list[dict[str, Any]]:
    """One comparison per phone measure that has any data; ``counts[i]`` is the cramps of night
    ``first + i``; ``days`` are rows with ``date``, ``steps``, ``exercise_minutes``, ``sleep_hours``."""
    by_date = {d.date: d for d in days}
    out = []
    for c in comparisons(steps, exercise, sleep):
        if any(getattr(d, c.column) is not None for d in days):
            out.append(_compare(counts, first, by_date, c))
    return out
