"""Poisson regressions of nightly cramp counts: the trend over time, and the evening's factors.

Both use a Poisson GLM (statsmodels) with the quasi-likelihood scale (Pearson chi-square / df):
cramps cluster, and the plain Poisson model would then give intervals that are too narrow; the
scale widens them by the observed over-dispersion, much like a negative-binomial model but without
its extra parameter to estimate from a few dozen nights. Coefficients are reported as rate ratios
(exp of the coefficient) with 95% Wald intervals.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crampcare.records import DayLogRecord

# A DayLogRecord, or a database row with its attribute names (stats.sql_summary skips the records).
DayLogLike = DayLogRecord | Any

DAYS_PER_MONTH = 365.25 / 12
MIN_TREND_NIGHTS = 60
MIN_TREND_EPISODES = 10
MIN_FACTOR_NIGHTS = 14
MIN_FACTOR_EPISODES = 5
# Below these the estimates are shown but flagged: ~10 events per estimated factor is the usual
# rule of thumb for count regressions.
COMFORT_NIGHTS = 60
EVENTS_PER_FACTOR = 10

# column -> (label, unit the rate ratio is per, divisor that turns the column into that unit)
FACTORS: dict[str, tuple[str, str, float]] = {
    "caffeine_drinks": ("caffeine", "per drink", 1.0),
    "alcohol_units": ("alcohol", "per unit", 1.0),
    "exercise_minutes": ("exercise", "per 30 minutes", 30.0),
    "fluid_litres": ("fluid", "per litre", 1.0),
    "stretched_before_bed": ("stretching before bed", "stretched vs not", 1.0),
}


def _fit(y: NDArray[np.float64], x: NDArray[np.float64]) -> Any:
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence/separation are checked on the result below
        return sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def trend_per_month(counts: NDArray[np.int64]) -> dict[str, Any]:
    """Rate ratio of cramps per month elapsed (below 1: getting better), with its 95% interval."""
    nights, episodes = len(counts), int(counts.sum())
    empty = {
        "rate_ratio_per_month": None,
        "ci95": None,
        "p_value": None,
        "nights": nights,
        "episodes": episodes,
    }
    if nights < MIN_TREND_NIGHTS or episodes < MIN_TREND_EPISODES:
        return {
            **empty,
            # warning_code: the shells word the warning in the person's language from it and the counts
            "warning_code": "trend_too_few",
            "warning": f"A trend needs at least {MIN_TREND_NIGHTS} nights and {MIN_TREND_EPISODES} cramps; "
            f"there are {nights} nights and {episodes} cramps so far.",
        }
    months = np.arange(nights, dtype=np.float64) / DAYS_PER_MONTH
    x = np.column_stack([np.ones(nights), months - months.mean()])
    try:
        fit = _fit(counts.astype(np.float64), x)
        beta, se, p = float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])
    except (ValueError, np.linalg.LinAlgError):
        beta = se = p = math.nan
    if not _finite(beta, se, p):
        return {
            **empty,
            "warning_code": "trend_failed",
            "warning": "The trend could not be estimated from these data.",
        }
    return {
        "rate_ratio_per_month": round(math.exp(beta), 4),
        "ci95": [round(math.exp(beta - 1.96 * se), 4), round(math.exp(beta + 1.96 * se), 4)],
        "p_value": round(p, 4),
        "nights": nights,
        "warning": None,
    }


def _design(
    counts: NDArray[np.int64], first: dt.date, day_logs: Sequence[DayLogLike]
) -> tuple[list[str], list[dict[str, Any]], NDArray[np.float64], NDArray[np.float64]]:
    """Usable factors, skipped ones with reasons, and complete-case (y, x) for nights with a day log."""
    logs = [d for d in day_logs if 0 <= (d.date - first).days < len(counts)]
    # One float column per factor, NaN where not recorded (missing is not zero).
    values = {
        name: np.array([np.nan if (v := getattr(d, name)) is None else float(v) for d in logs])
        for name in FACTORS
    }
    used: list[str] = []
    skipped: list[dict[str, Any]] = []
    for name, column in values.items():
        recorded = column[~np.isnan(column)]
        if len(recorded) < MIN_FACTOR_NIGHTS:
            skipped.append({"factor": name, "reason": f"recorded on {len(recorded)} days only"})
        elif np.unique(recorded).size < 2:
            skipped.append({"factor": name, "reason": "always the same value, nothing to compare"})
        else:
            used.append(name)
    offsets = np.array([(d.date - first).days for d in logs], dtype=np.int64)
    complete = np.ones(len(logs), dtype=bool)
    for name in used:
        complete &= ~np.isnan(values[name])
    y = counts[offsets[complete]].astype(np.float64) if len(logs) else np.zeros(0)
    x = np.column_stack([np.ones(int(complete.sum()))] + [values[n][complete] / FACTORS[n][2] for n in used])
    return used, skipped, y, x


def _too_few(nights: int, episodes: int, n_factors: int) -> str | None:
    if nights < COMFORT_NIGHTS or episodes < EVENTS_PER_FACTOR * max(n_factors, 1):
        return (
            f"Only {nights} nights with a day log and {episodes} cramps: too few to say reliably what goes "
            "with more cramps. Treat these numbers as a hint, keep logging, and look again in a few months."
        )
    return None


def factor_regression(
    counts: NDArray[np.int64], first: dt.date, day_logs: Sequence[DayLogLike]
) -> dict[str, Any]:
    """Rate ratios of each night's cramp count for the evening's factors (day log of that date).

    ``day_logs`` are ``DayLogRecord``s or database rows with the same attribute names.
    """
    used, skipped, y, x = _design(counts, first, day_logs)
    nights, episodes = len(y), int(y.sum())
    result: dict[str, Any] = {
        "model": "poisson, quasi-likelihood scale",
        "nights": nights,
        "episodes": episodes,
        "factors": [],
        "skipped": skipped,
        "dispersion": None,
        "warning": None,
    }
    if not used or nights < MIN_FACTOR_NIGHTS or episodes < MIN_FACTOR_EPISODES or nights <= len(used) + 1:
        result["warning_code"] = "factors_too_few"
        result["warning"] = (
            f"Not enough data to say anything yet ({nights} nights with a day log, {episodes} cramps); "
            f"log your evenings (diary day) for at least {MIN_FACTOR_NIGHTS} nights."
        )
        return result
    try:
        fit = _fit(y, x)
        params, bse, pvalues, scale = fit.params, fit.bse, fit.pvalues, float(fit.scale)
    except (ValueError, np.linalg.LinAlgError):
        result["warning_code"] = "factors_failed"
        result["warning"] = "The regression could not be fitted to these data (factors too closely related?)."
        return result
    for i, name in enumerate(used, start=1):
        beta, se, p = float(params[i]), float(bse[i]), float(pvalues[i])
        label, unit, _ = FACTORS[name]
        if not _finite(beta, se, p) or abs(beta) > 20:
            skipped.append({"factor": name, "reason": "could not be estimated (no cramps at some values?)"})
            continue
        result["factors"].append(
            {
                "factor": name,
                "label": label,
                "unit": unit,
                "rate_ratio": round(math.exp(beta), 3),
                "ci95": [round(math.exp(beta - 1.96 * se), 3), round(math.exp(beta + 1.96 * se), 3)],
                "p_value": round(p, 4),
            }
        )
    result["dispersion"] = round(scale, 3)
    result["warning"] = _too_few(nights, episodes, len(used))
    if result["warning"]:
        result["warning_code"] = "factors_hint"
    return result
