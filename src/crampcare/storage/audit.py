"""The audit log: who did what, when and from where (sign-ins, deletions, exports, resets).

At the bottom layer so that the services (diary, experiments, accounts) write their own audit
lines and every shell (web pages, JSON API, CLI) gets the same record of a deletion.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcare.storage.auth_models import AuditEvent
from crampcare.storage.users import utcnow


def audit(session: Session, user_name: str, event: str, detail: str = "", address: str = "") -> None:
    """Record an event and commit (an audit line must not wait for an unrelated later commit)."""
    session.add(
        AuditEvent(
            at=utcnow(), user_name=user_name[:200], event=event, detail=detail[:2000], address=address[:64]
        )
    )
    session.commit()


def audit_events(session: Session, user_name: str | None = None, limit: int = 100) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if user_name is not None:
        query = query.where(AuditEvent.user_name == user_name)
    return list(session.scalars(query))


def detail_via(what: str, via: str) -> str:
    """The detail of an audit line: what it was about, and through which shell when not the web pages
    (``"12 (api)"``, ``"12 (undo)"``, ``"2026-11-20 (cli)"``)."""
    return f"{what} ({via})" if via else what
