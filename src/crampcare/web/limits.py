"""Bounded work per account on a shared server: import size, diary rows per day, API page sizes.

One person's script (or a stolen session) must not fill the disk or keep the server busy for
everyone else. The limits are generous for a real diary (years of nightly entries fit in one day's
allowance) and configurable: ``crampcare serve --max-import-mb N --max-rows-per-day N`` or the
environment variables below (read by every worker).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from crampcare.diary import quota
from crampcare.diary.quota import ENV_ROWS_PER_DAY, OverLimit

ENV_IMPORT_BYTES = "CRAMPCARE_MAX_IMPORT_BYTES"


@dataclass(frozen=True)
class Limits:
    import_bytes: int = 10 * 1024 * 1024  # a 10 MB CSV holds about 150 000 episodes
    rows_per_day: int = quota.DEFAULT_ROWS_PER_DAY  # diary rows one account may add per UTC day
    page_size: int = 100  # API lists: default page
    max_page_size: int = 1000  # API lists: largest page a client may ask for

    @classmethod
    def from_env(cls) -> Limits:
        base = cls()
        return cls(
            import_bytes=int(os.environ.get(ENV_IMPORT_BYTES, base.import_bytes)),
            rows_per_day=int(os.environ.get(ENV_ROWS_PER_DAY, base.rows_per_day)),
        )


def estimate_rows(data: bytes, suffix: str) -> int:
    """An upper bound of the rows a file can add, counted before anything is written.

    CSV: its lines after the header (a note spanning lines only overcounts). JSON: its objects.
    """
    if suffix == ".json":
        return data.count(b"{")
    if suffix in (".zip", ".xml"):
        # A phone export adds at most one row per day it covers, unknown until it is read.
        return 0
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(0, lines - 1)


def check_rows(session: Session, limits: Limits, user_id: int, wanted: int) -> None:
    """Raise ``OverLimit`` when ``wanted`` more rows would pass today's allowance."""
    quota.check_rows(session, user_id, wanted, limits.rows_per_day)


def take_rows(session: Session, limits: Limits, user_id: int, wanted: int) -> None:
    """Check and count ``wanted`` new diary rows in the caller's transaction (``diary.quota``)."""
    quota.take_rows(session, user_id, wanted, limits.rows_per_day)


__all__ = [
    "ENV_IMPORT_BYTES",
    "ENV_ROWS_PER_DAY",
    "Limits",
    "OverLimit",
    "check_rows",
    "estimate_rows",
    "take_rows",
]


def limits_of(app_state: Any) -> Limits:
    """The app's limits (``app.state.limits``); the defaults for an app that set none."""
    found = getattr(app_state, "limits", None)
    return found if isinstance(found, Limits) else Limits()


def over_limit_message(tr: Callable[..., str]) -> str:
    """What a person is told when today's allowance of new diary rows is used up."""
    return tr("Today's limit of new diary entries is reached. Try again tomorrow.")
