"""The diary version: a per-user counter that every change of episodes or day logs bumps.

Statistics over a long diary are cached under ``(user, diary version)`` (``crampcare.stats.cache``);
the cache is only correct if *every* write bumps the version in the same transaction as the write,
so that a reader can never see the new data under the old version once it is committed:

- ORM writes (add, edit, delete of an ``Episode`` or ``DayLog``) are caught by a session-wide
  ``after_flush`` hook below, so no call site can forget;
- Core bulk writes (imports, ``delete_all``) call ``bump_diary_version`` themselves.

A write that changes nothing (re-importing an unchanged file) does not bump it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Connection, Table, event, select, update
from sqlalchemy.orm import Session

from crampcare.storage.models import DayLog, Episode, User

USERS: Table = cast(Table, User.__table__)


WRITTEN = "crampcare_diary_written"


def bump_diary_version(session: Session, user_ids: Iterable[int]) -> None:
    """Add one to the diary version of ``user_ids``, inside the session's transaction.

    Until that transaction ends the session is marked (``has_uncommitted_diary_writes``): what it
    reads may still be rolled back, and a rolled-back version number would be reused by the next
    write, so nothing it computes may be cached.
    """
    ids = sorted(set(user_ids))
    if ids:
        session.info[WRITTEN] = True
        session.connection().execute(
            update(USERS).where(USERS.c.id.in_(ids)).values(diary_version=USERS.c.diary_version + 1)
        )


def has_uncommitted_diary_writes(session: Session) -> bool:
    return bool(session.info.get(WRITTEN))


def diary_version(conn: Connection | Session, user_id: int) -> int:
    """The stored version (a fresh read: the ORM's ``User.diary_version`` may be stale)."""
    value = conn.execute(select(USERS.c.diary_version).where(USERS.c.id == user_id)).scalar_one_or_none()
    return int(value or 0)


def _changed_diaries(session: Session) -> set[int]:
    users: set[int] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Episode | DayLog):
            users.add(obj.user_id)
    for obj in session.dirty:
        if isinstance(obj, Episode | DayLog) and session.is_modified(obj):
            users.add(obj.user_id)
    return users


@event.listens_for(Session, "after_flush")
def _bump_on_flush(session: Session, _context: Any) -> None:
    # In after_flush the new/dirty/deleted collections still describe what was just flushed.
    users = _changed_diaries(session)
    if users:
        bump_diary_version(session, users)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_over(session: Session) -> None:
    session.info.pop(WRITTEN, None)
