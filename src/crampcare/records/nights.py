"""Which night an episode belongs to, and converting between stored UTC and recorded local time.

Spec: an episode belongs to the night of date D when its local time, in the UTC offset it was
recorded with, is from 12:00 on D to 11:59:59 on D+1. Because the offset is stored with the
episode, the night never depends on the time zone of the machine reading the diary, on later DST
changes, or on where the person travels next: a cramp at 02:30 in Tokyo stays on the Tokyo night.
"""

from __future__ import annotations

import datetime as dt

_NOON = dt.timedelta(hours=12)


def night_of(started_at: dt.datetime) -> dt.date:
    """The night date of an episode that started at ``started_at`` (timezone-aware)."""
    if started_at.tzinfo is None or started_at.utcoffset() is None:
        raise ValueError("started_at must carry its UTC offset")
    # Shifting by 12 hours maps 12:00 on D .. 11:59:59 on D+1 onto calendar day D.
    return (started_at.replace(tzinfo=None) - _NOON).date()


def offset_minutes(started_at: dt.datetime) -> int:
    offset = started_at.utcoffset()
    if offset is None:
        raise ValueError("started_at must carry its UTC offset")
    return int(offset.total_seconds() // 60)


def to_storage(started_at: dt.datetime) -> tuple[dt.datetime, int]:
    """(naive UTC, offset in minutes): how an aware time is stored."""
    return started_at.astimezone(dt.UTC).replace(tzinfo=None), offset_minutes(started_at)


def storage_fields(started_at: dt.datetime) -> tuple[dt.datetime, int, dt.date]:
    """(naive UTC, offset minutes, night date) in one pass; the bulk import calls this per row."""
    offset = started_at.utcoffset()
    if offset is None:
        raise ValueError("started_at must carry its UTC offset")
    local = started_at.replace(tzinfo=None)
    return local - offset, int(offset.total_seconds() // 60), (local - _NOON).date()


def from_storage(utc: dt.datetime, offset_min: int) -> dt.datetime:
    """The aware local time an episode was recorded with, from its stored form."""
    zone = dt.timezone(dt.timedelta(minutes=offset_min))
    return utc.replace(tzinfo=dt.UTC).astimezone(zone)


def tonight(now: dt.datetime) -> dt.date:
    """The night a person means by "tonight" at local time ``now``: the coming evening's date.

    At 05:22 "tonight" is the evening ahead, not the night just gone (which ``last_night`` names).
    """
    return now.replace(tzinfo=None).date()


def last_night(now: dt.datetime) -> dt.date | None:
    """The night still running at local time ``now`` (a night lasts until noon), or None after noon."""
    local = now.replace(tzinfo=None)
    return local.date() - dt.timedelta(days=1) if local.hour < 12 else None
