"""When a reminder is due: pure arithmetic on wall-clock times in a person's zone.

A reminder set for 21:00 is due at 21:00 on the person's local calendar day, whatever the UTC offset
that day (summer time or not). It stays sendable for ``LATE`` afterwards, so a server that was down
for a while still sends it, but a reminder to log the evening is never sent at four in the morning.
"""

from __future__ import annotations

import datetime as dt

KINDS: tuple[str, ...] = ("evening", "experiment")
LATE = dt.timedelta(hours=3)


def due_instant(day: dt.date, at: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The instant (UTC) of wall-clock time ``at`` on ``day`` in ``tz``.

    A time the clocks skip (02:30 on the night summer time starts) is read with the offset before the
    change, which lands after the gap (03:30); a time that happens twice is the first of the two.
    """
    local = dt.datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz).replace(fold=0)
    return local.astimezone(dt.UTC)


def due_day(now: dt.datetime, at: dt.time, tz: dt.tzinfo, late: dt.timedelta = LATE) -> dt.date | None:
    """The local day whose reminder at ``at`` is due at instant ``now`` (aware), or None.

    Yesterday is checked too: a reminder at 23:30 sent at 00:10 belongs to the day before.
    """
    today = now.astimezone(tz).date()
    for day in (today, today - dt.timedelta(days=1)):
        start = due_instant(day, at, tz)
        if start <= now < start + late:
            return day
    return None


def seconds_left(
    now: dt.datetime, day: dt.date, at: dt.time, tz: dt.tzinfo, late: dt.timedelta = LATE
) -> int:
    """How long (seconds, at least 60) the reminder stays worth delivering: its push TTL."""
    remaining = due_instant(day, at, tz) + late - now
    return max(60, int(remaining.total_seconds()))
