"""Users: the CLI works as one local user; the web app will look users up by login."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crampcare.storage.models import User

LOCAL_USER = "local"


def utcnow() -> dt.datetime:
    """Naive UTC 'now', the form every DateTime column stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def get_user(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).one_or_none()


def get_or_create_user(session: Session, name: str = LOCAL_USER, locale: str = "en") -> User:
    """The user called ``name``, created (and committed) if missing; safe when two processes race."""
    user = get_user(session, name)
    if user is not None:
        return user
    try:
        with session.begin_nested():
            user = User(name=name, created_at=utcnow(), locale=locale)
            session.add(user)
    except IntegrityError:  # another process created it between our select and insert
        user = get_user(session, name)
        assert user is not None
    session.commit()
    return user
