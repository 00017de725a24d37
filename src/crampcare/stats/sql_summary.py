"""``crampcare stats`` from SQL aggregates, cached per user under the diary version.

``diary_stats.diary_stats`` computes the summary from plain records, which means loading every
episode of a ten-year diary as a Python object (and converting its stored time back to an aware
local time) on every view. Here the database does the counting:

- counts by local date, local hour and muscle (``GROUP BY``), the local time being the stored UTC
  time plus the stored offset, exactly as ``nights.from_storage`` computes it;
- nightly counts from the stored ``night_date`` (``GROUP BY night_date``), the input of the trend,
  seasonality and factor regressions;
- the median duration by ``ORDER BY ... LIMIT 2 OFFSET``, the mean severity from ``SUM``/``COUNT``
  (the same float division ``statistics.fmean`` does on integers).

Python then touches one row per (local date, hour, muscle) group and one per night, never one per
episode. The result is identical, key for key and value for value, to ``diary_stats`` on the same
diary (tests/test_stats_sql.py compares the two on random diaries, on SQLite and PostgreSQL).

``cached_summary`` keeps results in memory keyed by the user's diary version (a counter that every
write bumps in the same transaction, ``crampcare.storage.versioning``): a dashboard view then costs
one primary-key read, whatever the length of the diary.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from typing import Any, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy import ColumnElement, Date, Integer, Table, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from crampcare.stats.diary_stats import seasonality
from crampcare.stats.factors import factor_regression, trend_per_month
from crampcare.storage.models import DayLog, Episode, User
from crampcare.storage.versioning import diary_version, has_uncommitted_diary_writes

EPISODES: Table = cast(Table, Episode.__table__)
DAY_LOGS: Table = cast(Table, DayLog.__table__)
FACTOR_COLUMNS = (
    "stretched_before_bed",
    "fluid_litres",
    "caffeine_drinks",
    "alcohol_units",
    "exercise_minutes",
)
CACHE_SIZE = 256


def _local_parts(dialect: str) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(local date, local hour) of ``started_at`` as SQL: stored UTC time plus the stored offset."""
    utc, offset = EPISODES.c.started_at_utc, EPISODES.c.utc_offset_min
    if dialect == "sqlite":
        shift = func.printf("%d minutes", offset)
        day = type_coerce(func.date(utc, shift), Date)  # 'YYYY-MM-DD' text, parsed by the Date type
        hour = sa.cast(func.strftime("%H", utc, shift), Integer)
        return day, hour
    local = utc + offset * literal_column("interval '1 minute'")
    return sa.cast(local, Date), sa.cast(sa.extract("hour", local), Integer)


def _range(column: Any, date_from: dt.date | None, date_to: dt.date | None) -> list[ColumnElement[bool]]:
    where = []
    if date_from is not None:
        where.append(column >= date_from)
    if date_to is not None:
        where.append(column <= date_to)
    return where


def _median(session: Session, where: list[ColumnElement[bool]], n: int) -> float | int | None:
    """``statistics.median`` of the durations, from the one or two middle rows."""
    if not n:
        return None
    query = (
        select(EPISODES.c.duration_s)
        .where(*where, EPISODES.c.duration_s.is_not(None))
        .order_by(EPISODES.c.duration_s)
        .limit(2 - n % 2)
        .offset((n - 1) // 2)
    )
    middle = [int(v) for v in session.scalars(query)]
    median = middle[0] if n % 2 else (middle[0] + middle[1]) / 2
    return int(median) if float(median).is_integer() else float(median)


def _per_week(by_date: dict[dt.date, int]) -> list[dict[str, Any]]:
    if not by_date:
        return []
    weeks: dict[dt.date, int] = {}
    for day, count in by_date.items():
        monday = day - dt.timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    first, last = min(weeks), max(weeks)
    starts = [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    return [{"week_start": w.isoformat(), "episodes": weeks.get(w, 0)} for w in starts]


def sql_diary_stats(
    session: Session,
    user_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    factors: bool = True,
    models: bool = True,
) -> dict[str, Any]:
    """What ``diary_stats`` returns for the user's nights within [date_from, date_to], via SQL.

    ``models=False`` leaves out the regressions (``trend``, ``seasonality``, ``factors``) for pages
    that show only the counts; ``factors=False`` leaves out the evening-factor regression only.
    """
    e = EPISODES.c
    where = [e.user_id == user_id, *_range(e.night_date, date_from, date_to)]
    day, hour = _local_parts(session.get_bind().dialect.name)
    totals = session.execute(
        select(
            func.count(),
            func.count(sa.distinct(e.night_date)),
            func.min(e.night_date),
            func.max(e.night_date),
            func.sum(e.severity),
            func.count(e.severity),
            func.count(e.duration_s),
        ).where(*where)
    ).one()
    episodes, nights_with_cramps, first_night, last_night, severity_sum, severity_n, duration_n = totals
    log_where = [DAY_LOGS.c.user_id == user_id, *_range(DAY_LOGS.c.date, date_from, date_to)]
    days_logged, first_log, last_log = session.execute(
        select(func.count(), func.min(DAY_LOGS.c.date), func.max(DAY_LOGS.c.date)).where(*log_where)
    ).one()
    covered = [d for d in (first_night, last_night, first_log, last_log) if d is not None]
    first, last = (min(covered), max(covered)) if covered else (None, None)

    by_hour = [0] * 24
    by_date: dict[dt.date, int] = {}
    for local_day, local_hour, count in session.execute(
        select(day, hour, func.count()).where(*where).group_by(day, hour)
    ):
        by_hour[local_hour] += count
        by_date[local_day] = by_date.get(local_day, 0) + count
    # Counter.most_common order: by count, ties in order of first appearance (by start, then id).
    muscles = session.execute(
        select(e.muscle, func.count())
        .where(*where)
        .group_by(e.muscle)
        .order_by(func.count().desc(), func.min(e.started_at_utc), func.min(e.id))
    ).all()
    result: dict[str, Any] = {
        "episodes": int(episodes),
        "days_logged": int(days_logged),
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "per_week": _per_week(by_date),
        "by_hour": by_hour,
        "by_muscle": {muscle: int(count) for muscle, count in muscles},
        "mean_severity": round(int(severity_sum) / severity_n, 2) if severity_n else None,
        "median_duration_s": _median(session, where, int(duration_n)),
        "nights_with_cramps": int(nights_with_cramps),
        "nights": (last - first).days + 1 if first and last else 0,
    }
    if not models:
        return result
    if first is None or last is None:
        result.update(trend=trend_per_month(np.zeros(0, dtype=np.int64)), seasonality=[], factors=None)
        return result
    counts = np.zeros((last - first).days + 1, dtype=np.int64)
    for night, count in session.execute(
        select(e.night_date, func.count()).where(*where).group_by(e.night_date)
    ):
        counts[(night - first).days] = count
    result["trend"] = trend_per_month(counts)
    result["seasonality"] = seasonality(counts, first)
    if factors:
        columns = [DAY_LOGS.c.date, *(DAY_LOGS.c[name] for name in FACTOR_COLUMNS)]
        logs = session.execute(select(*columns).where(*log_where).order_by(DAY_LOGS.c.date)).all()
        result["factors"] = factor_regression(counts, first, logs)
    return result


# --- the version-keyed cache ---------------------------------------------------------------------

# Stored as JSON text (a hit is one C-speed json.loads, and every caller gets its own copy to change)
# and as the parsed value, from which ``summary_counts`` copies only the scalars.
_cache: OrderedDict[tuple[Any, ...], tuple[str, dict[str, Any]]] = OrderedDict()
_lock = threading.Lock()


def _cached(
    session: Session, user: User, date_from: dt.date | None, date_to: dt.date | None, models: bool
) -> tuple[str, dict[str, Any]]:
    """``sql_diary_stats`` from memory while the user's diary version is unchanged.

    The version is read *before* the aggregates: on PostgreSQL (read committed) a write committed in
    between is then at worst included early under the old version, never left out under the new one.
    The key also carries the database URL and the user's name and creation time, so a recreated
    account that reuses an id never sees another diary's numbers.
    """
    if has_uncommitted_diary_writes(session):  # may still roll back: compute, never cache
        summary = sql_diary_stats(session, user.id, date_from, date_to, models=models)
        return json.dumps(summary), summary
    version = diary_version(session, user.id)
    bind = session.get_bind()
    key = (
        str(bind.engine.url) if hasattr(bind, "engine") else id(bind),
        user.id,
        user.name,
        user.created_at,
        version,
        date_from,
        date_to,
        models,
    )
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    summary = sql_diary_stats(session, user.id, date_from, date_to, models=models)
    entry = (json.dumps(summary), summary)
    with _lock:
        _cache[key] = entry
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return entry


def cached_summary(
    session: Session,
    user: User,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    models: bool = True,
) -> dict[str, Any]:
    """``sql_diary_stats`` from memory while the user's diary version is unchanged (a fresh copy)."""
    summary: dict[str, Any] = json.loads(_cached(session, user, date_from, date_to, models)[0])
    return summary


def summary_counts(session: Session, user: User) -> dict[str, Any]:
    """Only the single-number fields of the summary (episodes, nights, first, last...): what the
    dashboard shows at once. Copying them costs the same for a ten-year diary as for a new one."""
    summary = _cached(session, user, None, None, False)[1]
    return {k: v for k, v in summary.items() if not isinstance(v, list | dict)}


def clear_cache() -> None:
    with _lock:
        _cache.clear()
