"""What the phone parsers produce: one value per day, whatever the file format.

Kept apart from the parsers so that the Apple and Google modules, the service and the statistics
share one small record type and the per-source rules (``best_per_day``, ``merged_hours``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityDay:
    """Steps and exercise on calendar day ``date``; sleep in the night of ``date`` (woken on date+1).

    ``None`` means "not in the file", never zero: a missing value must not look like a lazy day.
    """

    date: dt.date
    steps: int | None = None
    exercise_minutes: float | None = None
    sleep_hours: float | None = None
    source: str = ""


class ActivityFileError(ValueError):
    """A file that cannot be read; ``problems`` name the file and the line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def best_per_day(totals: Mapping[tuple[dt.date, str], float]) -> dict[dt.date, tuple[float, str]]:
    """The largest per-source total of each day, with its source.

    An iPhone and a Watch both count the steps of the same walk: adding them would double the day,
    so the day takes the source that saw the most (what Apple Health itself shows is close to it).
    """
    best: dict[dt.date, tuple[float, str]] = {}
    for (day, source), value in totals.items():
        current = best.get(day)
        if current is None or value > current[0] or (value == current[0] and source < current[1]):
            best[day] = (value, source)
    return best


def merged_hours(intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> float:
    """Hours covered by the union of the intervals: a Watch and a sleep app overlapping count once."""
    total = dt.timedelta()
    end: dt.datetime | None = None
    start: dt.datetime | None = None
    for a, b in sorted(intervals):
        if end is None or start is None or a > end:
            if end is not None and start is not None:
                total += end - start
            start, end = a, b
        elif b > end:
            end = b
    if end is not None and start is not None:
        total += end - start
    return total.total_seconds() / 3600
