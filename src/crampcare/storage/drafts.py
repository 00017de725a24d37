"""Questionnaire answers kept between visits (issue 11): an unfinished questionnaire (a draft, per
account or per anonymous visitor), and a result waiting to be attached to an account after sign-in.

Rows are found by ``key``, the SHA-256 of what identifies them (never the secret itself): an account's
draft by its id, a visitor's by the visitor cookie, a waiting result by a one-time token. A row of an
account goes with the account (``ON DELETE CASCADE``); rows of visitors expire after ``KEEP``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from crampcare.storage.models import Base

KEEP = dt.timedelta(hours=24)
KINDS = ("draft", "result")


class AssessmentDraft(Base):
    __tablename__ = "assessment_drafts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    step: Mapped[int] = mapped_column(Integer, default=1)
    input_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


def draft_key(kind: str, owner: str) -> str:
    """The row key for ``owner`` (``user:<id>``, ``visitor:<cookie>`` or a one-time token)."""
    return hashlib.sha256(f"{kind}:{owner}".encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def put(
    session: Session, key: str, kind: str, input_json: str, step: int = 1, user_id: int | None = None
) -> None:
    row = session.get(AssessmentDraft, key)
    if row is None:
        row = AssessmentDraft(key=key, kind=kind, user_id=user_id)
        session.add(row)
    row.input_json, row.step, row.updated_at = input_json, step, _now()
    session.commit()


def get(session: Session, key: str) -> AssessmentDraft | None:
    """The row, or None when there is none or a visitor's row has expired."""
    row = session.get(AssessmentDraft, key)
    if row is None or (row.user_id is None and row.updated_at < _now() - KEEP):
        return None
    return row


def take(session: Session, key: str) -> AssessmentDraft | None:
    """The row, deleted (one use only); None when there is none or it has expired."""
    row = get(session, key)
    if row is not None:
        session.delete(row)
        session.commit()
    return row


def drop(session: Session, key: str) -> None:
    session.execute(delete(AssessmentDraft).where(AssessmentDraft.key == key))
    session.execute(
        delete(AssessmentDraft).where(
            AssessmentDraft.user_id.is_(None), AssessmentDraft.updated_at < _now() - KEEP
        )
    )
    session.commit()
