"""The per-account daily allowance of new diary rows (episodes, day logs and medicines).

One person's script, a stolen session or a runaway phone must not fill the disk of a shared
server. Every path that creates diary rows - the web's quick log and episode form, the evening
form, the medicines page, the JSON API, file imports on the web and in the CLI, ``crampcare diary
add`` and ``day``, ``crampcare meds add`` and ``import`` -
calls :func:`take_rows` in the transaction that writes them, so the count and the rows are
committed (or rolled back) together. The allowance is ``CRAMPCARE_MAX_ROWS_PER_DAY`` (default
50,000; ``crampcare serve --max-rows-per-day``); the CLI enforces it only when the variable is set
(whoever runs the CLI can write the database directly anyway) but always counts.
"""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crampcare.storage.auth_models import AccountUsage

ENV_ROWS_PER_DAY = "CRAMPCARE_MAX_ROWS_PER_DAY"
DEFAULT_ROWS_PER_DAY = 50_000
KEEP_DAYS = 7  # older daily counts are deleted as new ones are written


class OverLimit(Exception):
    """Adding ``wanted`` rows would pass today's allowance; ``left`` may still be added."""

    def __init__(self, wanted: int, left: int) -> None:
        self.wanted = wanted
        self.left = left
        super().__init__(f"{wanted} rows asked, {left} left today")


def configured_rows_per_day() -> int | None:
    """The allowance set in the environment, or ``None`` when none is set."""
    text = os.environ.get(ENV_ROWS_PER_DAY, "").strip()
    return int(text) if text else None


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def rows_today(session: Session, user_id: int) -> int:
    row = session.get(AccountUsage, (user_id, _today()))
    return row.rows if row is not None else 0


def check_rows(session: Session, user_id: int, wanted: int, limit: int | None) -> None:
    """Raise ``OverLimit`` when ``wanted`` more rows would pass today's allowance (``None``: none)."""
    if limit is None:
        return
    left = max(0, limit - rows_today(session, user_id))
    if wanted > left:
        raise OverLimit(wanted, left)


def take_rows(session: Session, user_id: int, rows: int, limit: int | None) -> None:
    """Check that ``rows`` new diary rows fit today's allowance and count them, in the caller's
    transaction (nothing is committed here). Raises ``OverLimit`` without counting anything."""
    check_rows(session, user_id, rows, limit)
    if rows <= 0:
        return
    day = _today()
    row = session.get(AccountUsage, (user_id, day))
    if row is None:
        try:
            with session.begin_nested():
                session.add(AccountUsage(user_id=user_id, day=day, rows=rows))
            return
        except IntegrityError:  # the same person's other request made today's row first
            row = session.get(AccountUsage, (user_id, day))
    if row is not None:
        row.rows += rows
    session.execute(delete(AccountUsage).where(AccountUsage.day < day - dt.timedelta(days=KEEP_DAYS)))
