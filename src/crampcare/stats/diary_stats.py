"""The diary summary of ``crampcare stats`` (spec section 2), plus trend and seasonality.

Spec semantics, in short: the covered dates are the night dates of all episodes and the dates of all
day logs; ``nights`` counts every date from the first to the last of them; ``per_week`` lists every
ISO week (Monday start, by local date of ``started_at``) from the first to the last episode, zeros
included; ``by_hour`` counts episodes by local hour. Nights in the covered range with no episode
count as nights without cramps.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.stats.factors import factor_regression, trend_per_month


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def per_week(episodes: Sequence[EpisodeRecord]) -> list[dict[str, Any]]:
    if not episodes:
        return []
    weeks = Counter(_monday(e.started_at.date()) for e in episodes)
    first, last = min(weeks), max(weeks)
    count = (last - first).days // 7 + 1
    starts = [first + dt.timedelta(weeks=i) for i in range(count)]
    return [{"week_start": w.isoformat(), "episodes": weeks.get(w, 0)} for w in starts]


def nightly_counts(
    episodes: Sequence[EpisodeRecord], first: dt.date, last: dt.date, nights: Sequence[dt.date] | None = None
) -> NDArray[np.int64]:
    """Episodes per night for every night from ``first`` to ``last`` (zeros included).

    ``nights`` (the episodes' night dates, if the caller has them) saves deriving them again.
    """
    dates = nights if nights is not None else [e.night for e in episodes]
    offsets = np.fromiter(((n - first).days for n in dates), dtype=np.int64, count=len(dates))
    return np.bincount(offsets, minlength=(last - first).days + 1)


def seasonality(counts: NDArray[np.int64], first: dt.date) -> list[dict[str, Any]]:
    """Nights, episodes and episodes per night by calendar month of the night (1-12)."""
    nights = np.zeros(13, dtype=np.int64)
    episodes = np.zeros(13, dtype=np.int64)
    # Walk month by month rather than day by day: ten years is 120 slices, not 3,650 dates.
    day, start = first, 0
    while start < len(counts):
        next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        stop = min(start + (next_month - day).days, len(counts))
        nights[day.month] += stop - start
        episodes[day.month] += int(counts[start:stop].sum())
        day, start = next_month, stop
    return [
        {
            "month": m,
            "nights": int(nights[m]),
            "episodes": int(episodes[m]),
            "per_night": round(float(episodes[m] / nights[m]), 3) if nights[m] else None,
        }
        for m in range(1, 13)
    ]


def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    median = statistics.median(values)
    return int(median) if float(median).is_integer() else float(median)


def diary_stats(
    episodes: Sequence[EpisodeRecord], day_logs: Sequence[DayLogRecord], *, factors: bool = True
) -> dict[str, Any]:
    """Everything ``crampcare stats --format json`` prints, computed from plain records."""
    nights_of = [e.night for e in episodes]
    covered = set(nights_of) | {d.date for d in day_logs}
    first = min(covered) if covered else None
    last = max(covered) if covered else None
    severities = [e.severity for e in episodes if e.severity is not None]
    durations = [e.duration_s for e in episodes if e.duration_s is not None]
    by_hour = [0] * 24
    for e in episodes:
        by_hour[e.started_at.hour] += 1
    result: dict[str, Any] = {
        "episodes": len(episodes),
        "days_logged": len({d.date for d in day_logs}),
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "per_week": per_week(episodes),
        "by_hour": by_hour,
        "by_muscle": dict(Counter(e.muscle for e in episodes).most_common()),
        "mean_severity": round(statistics.fmean(severities), 2) if severities else None,
        "median_duration_s": _median(durations),
        "nights_with_cramps": len(set(nights_of)),
        "nights": (last - first).days + 1 if first and last else 0,
    }
    if first is None or last is None:
        result.update(trend=trend_per_month(np.zeros(0, dtype=np.int64)), seasonality=[], factors=None)
        return result
    counts = nightly_counts(episodes, first, last, nights_of)
    result["trend"] = trend_per_month(counts)
    result["seasonality"] = seasonality(counts, first)
    if factors:
        result["factors"] = factor_regression(counts, first, day_logs)
    return result
