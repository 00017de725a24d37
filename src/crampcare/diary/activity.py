"""Activity and sleep from phones: which file is which, and storing its days (``activity_days``).

``diary import`` and the web import call ``detect`` first; an Apple Health ``export.zip`` (or its
``export.xml``) or a Google Takeout Fit zip or daily-metrics CSV is read by the pure parsers
(``apple_health``, ``google_fit``) into one value per day, then written here in one transaction.

Re-importing replaces the days in the file, never adds to them: a day's row takes the values the
file has for it (steps, exercise minutes, hours asleep) and keeps those the file does not have, so
steps from Google Fit and sleep from Apple Health can share a day. All or nothing: a bad record
anywhere refuses the whole file, naming the file and the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crampcare.diary.activity_days import ActivityDay, ActivityFileError
from crampcare.storage.models import ActivityDay as ActivityRow
from crampcare.storage.models import User
from crampcare.storage.transactions import transaction
from crampcare.storage.versioning import bump_diary_version

Format = Literal["apple", "google"]
FORMAT_NAMES: dict[str, str] = {"apple": "Apple Health export", "google": "Google Fit daily activity metrics"}
FIELDS = ("steps", "exercise_minutes", "sleep_hours")


@dataclass(frozen=True)
class ActivityRead:
    fmt: Format
    days: list[ActivityDay]
    records: int  # records (Apple) or rows (Google) that went into the days


def detect(path: Path) -> Format | None:
    """Whether ``path`` is a phone export this module reads (None: a diary CSV/JSON, or unknown)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return None
    if suffix == ".zip":
        from crampcare.diary.apple_health import export_member
        from crampcare.diary.google_fit import fit_members

        try:
            with zipfile.ZipFile(path) as archive:
                if export_member(archive) is not None:
                    return "apple"
                if fit_members(archive):
                    return "google"
        except zipfile.BadZipFile:
            pass
        # Any other zip: the Apple reader explains what a phone export zip must hold.
        return "apple"
    if suffix == ".xml":
        with path.open("rb") as fh:
            head = fh.read(4096)
        return "apple" if b"HealthData" in head else None
    if suffix == ".csv":
        from crampcare.diary.google_fit import is_fit_header

        with path.open("rb") as fh:
            first = fh.readline(4096).decode("utf-8-sig", errors="replace")
        return "google" if is_fit_header(next(csv.reader(io.StringIO(first)), [])) else None
    return None


def read_activity(path: Path, zone: dt.tzinfo, fmt: Format | None = None) -> ActivityRead:
    """The file's days, or ``ActivityFileError`` naming the file and line of what is wrong."""
    fmt = fmt or detect(path)
    if fmt == "apple":
        from crampcare.diary.apple_health import parse_apple_zip

        days, records = parse_apple_zip(path, zone)
    elif fmt == "google":
        from crampcare.diary.google_fit import parse_fit

        days, records = parse_fit(path)
    else:
        raise ActivityFileError([f"{path}: not an Apple Health export or Google Fit daily metrics"])
    if not days:
        raise ActivityFileError([f"{path}: no steps, workouts or sleep found in this {FORMAT_NAMES[fmt]}"])
    return ActivityRead(fmt=fmt, days=days, records=records)


def store_days(session: Session, user: User, days: list[ActivityDay]) -> tuple[int, int]:
    """Insert or replace the rows of ``days`` in one transaction; (inserted, updated)."""
    inserted = updated = 0
    with transaction(session):
        existing = {
            row.date: row
            for row in session.scalars(
                select(ActivityRow).where(
                    ActivityRow.user_id == user.id,
                    ActivityRow.date >= days[0].date,
                    ActivityRow.date <= days[-1].date,
                )
            )
        }
        for day in days:
            row = existing.get(day.date)
            if row is None:
                row = ActivityRow(user_id=user.id, date=day.date, source=day.source)
                session.add(row)
                inserted += 1
            else:
                updated += 1
                row.source = day.source
            for name in FIELDS:
                value = getattr(day, name)
                if value is not None:
                    setattr(row, name, value)
        session.flush()
        # Statistics are cached under the diary version; activity is one of their inputs now.
        bump_diary_version(session, [user.id])
    return inserted, updated


def import_activity(
    session: Session, user: User, path: Path, zone: dt.tzinfo, fmt: Format | None = None
) -> tuple[ActivityRead, int, int]:
    """Read and store a phone export, all or nothing: (what was read, inserted, updated)."""
    read = read_activity(path, zone, fmt)
    inserted, updated = store_days(session, user, read.days)
    return read, inserted, updated


def activity_days(
    session: Session, user_id: int, first: dt.date | None = None, last: dt.date | None = None
) -> list[ActivityRow]:
    """The stored days of ``user_id``, by date, within [first, last] when given."""
    query = select(ActivityRow).where(ActivityRow.user_id == user_id)
    if first is not None:
        query = query.where(ActivityRow.date >= first)
    if last is not None:
        query = query.where(ActivityRow.date <= last)
    return list(session.scalars(query.order_by(ActivityRow.date)))


def activity_factors(
    session: Session,
    user: User,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **thresholds: float,
) -> list[dict[str, Any]]:
    """``stats.activity_factors.activity_comparisons`` over the diary's nights within the range.

    The nights are those the diary covers (first to last cramp or evening logged): a phone export
    reaching further back must not turn unrecorded nights into nights without cramps.
    """
    import numpy as np

    from crampcare.stats.activity_factors import activity_comparisons
    from crampcare.storage.models import DayLog, Episode

    def bounded(column: Any) -> list[Any]:
        where = []
        if date_from is not None:
            where.append(column >= date_from)
        if date_to is not None:
            where.append(column <= date_to)
        return where

    e_first, e_last = session.execute(
        select(func.min(Episode.night_date), func.max(Episode.night_date)).where(
            Episode.user_id == user.id, *bounded(Episode.night_date)
        )
    ).one()
    d_first, d_last = session.execute(
        select(func.min(DayLog.date), func.max(DayLog.date)).where(
            DayLog.user_id == user.id, *bounded(DayLog.date)
        )
    ).one()
    ends = [d for d in (e_first, e_last, d_first, d_last) if d is not None]
    if not ends:
        return []
    first, last = min(ends), max(ends)
    counts = np.zeros((last - first).days + 1, dtype=np.int64)
    for night, count in session.execute(
        select(Episode.night_date, func.count())
        .where(Episode.user_id == user.id, Episode.night_date >= first, Episode.night_date <= last)
        .group_by(Episode.night_date)
    ):
        counts[(night - first).days] = count
    days = activity_days(session, user.id, first - dt.timedelta(days=1), last)
    return activity_comparisons(counts, first, days, **thresholds)
