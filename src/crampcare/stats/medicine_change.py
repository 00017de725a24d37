"""Cramp rates before and after a medicine was started ("did cramps start with the statin?").

The same Poisson model with the quasi-likelihood scale as the diary's trend and factors
(``stats.factors``): each covered night's cramp count against one indicator, "on or after the first
day of the medicine". The rate ratio (after / before) comes with its 95% Wald interval. A before/after
comparison in one person cannot separate the medicine from anything else that changed at the same
time (season, other medicines, the reason it was started); the page says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from crampcare.stats.factors import _finite, _fit

# Each side needs two weeks of nights, and the comparison a few cramps, before a number is shown.
MIN_NIGHTS_EACH_SIDE = 14
MIN_CRAMPS = 5
NIGHTS_PER_WEEK = 7


def _side(counts: Any) -> dict[str, Any]:
    nights, cramps = len(counts), int(counts.sum())
    per_week = round(cramps / nights * NIGHTS_PER_WEEK, 2) if nights else None
    return {"nights": nights, "cramps": cramps, "per_week": per_week}


def before_after(
    nights_with_cramps: Sequence[dt.date],
    covered_first: dt.date | None,
    covered_last: dt.date | None,
    started_on: dt.date,
    stopped_on: dt.date | None = None,
) -> dict[str, Any]:
    """Cramps per week before ``started_on`` and from it to ``stopped_on`` (or the last night).

    ``nights_with_cramps`` holds one night date per cramp; ``covered_first``/``covered_last`` are the
    first and last dates the diary covers (nights without a cramp in between count as zero).
    ``reason`` is None when a rate ratio is given, else ``"too_few"`` (too little diary on one side)
    or ``"not_estimable"`` (e.g. no cramp at all on one side: a ratio of 0 or infinity says nothing).
    """
    empty = {"before": _side(np.zeros(0)), "after": _side(np.zeros(0)), "rate_ratio": None, "ci95": None}
    if covered_first is None or covered_last is None:
        return {**empty, "reason": "too_few"}
    end = min(stopped_on, covered_last) if stopped_on else covered_last
    if end < covered_first:
        return {**empty, "reason": "too_few"}
    length = (end - covered_first).days + 1
    offsets = [(n - covered_first).days for n in nights_with_cramps]
    counts = np.bincount([o for o in offsets if 0 <= o < length], minlength=length).astype(np.int64)
    split = max(0, min(length, (started_on - covered_first).days))
    before, after = counts[:split], counts[split:]
    result: dict[str, Any] = {
        "before": _side(before),
        "after": _side(after),
        "rate_ratio": None,
        "ci95": None,
        "reason": None,
    }
    if len(before) < MIN_NIGHTS_EACH_SIDE or len(after) < MIN_NIGHTS_EACH_SIDE or counts.sum() < MIN_CRAMPS:
        result["reason"] = "too_few"
        return result
    if before.sum() == 0 or after.sum() == 0:
        result["reason"] = "not_estimable"
        return result
    x = np.column_stack([np.ones(length), (np.arange(length) >= split).astype(np.float64)])
    try:
        fit = _fit(counts.astype(np.float64), x)
        beta, se = float(fit.params[1]), float(fit.bse[1])
    except (ValueError, np.linalg.LinAlgError):
        beta = se = math.nan
    if not _finite(beta, se) or abs(beta) > 20:
        result["reason"] = "not_estimable"
        return result
    result["rate_ratio"] = round(math.exp(beta), 2)
    result["ci95"] = [round(math.exp(beta - 1.96 * se), 2), round(math.exp(beta + 1.96 * se), 2)]
    return result
