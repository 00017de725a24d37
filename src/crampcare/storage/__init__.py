"""Storage: SQLAlchemy models, engine set-up for SQLite and PostgreSQL, and packaged migrations.

Typical use (CLI, web app, report)::

    from crampcare.storage import open_database, get_or_create_user

    db = open_database("sqlite:///diary.sqlite")   # or postgresql://..., or None for the default
    with db.session() as session:
        user = get_or_create_user(session)           # the CLI's "local" user
        ...

``open_database`` runs the migrations to head on first use, so a fresh file or empty PostgreSQL
database is ready at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

# The web app's tables (logins, sessions, audit...) share Base.metadata and the migration chain.
from crampcare.storage import auth_models, drafts, prefs, push_models  # noqa: F401  (registers the tables)
from crampcare.storage.engine import (
    DatabaseUrlError,
    create_db_engine,
    is_sqlite,
    make_sessionmaker,
    normalise_url,
)
from crampcare.storage.migrate import current_revision as current_revision_of
from crampcare.storage.migrate import head_revision, upgrade_to_head
from crampcare.storage.models import Base, DayLog, Episode, Experiment, ExperimentNight, Medication, User
from crampcare.storage.users import LOCAL_USER, get_or_create_user, get_user, utcnow
from crampcare.storage.versioning import bump_diary_version, diary_version

__all__ = [
    "LOCAL_USER",
    "Base",
    "Database",
    "DatabaseUrlError",
    "DayLog",
    "Episode",
    "Experiment",
    "ExperimentNight",
    "Medication",
    "User",
    "bump_diary_version",
    "create_db_engine",
    "current_revision_of",
    "diary_version",
    "get_or_create_user",
    "get_user",
    "head_revision",
    "is_sqlite",
    "normalise_url",
    "open_database",
    "upgrade_to_head",
    "utcnow",
]


@dataclass
class Database:
    """An engine and its session factory; ``session()`` is a context manager that closes it."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open ``url`` (``None``: ``CRAMPCARE_DATABASE_URL`` or the default SQLite file) at schema head."""
    from crampcare.config import database_url

    engine = create_db_engine(database_url(url))
    if migrate:
        upgrade_to_head(engine)
    return Database(engine=engine, sessions=make_sessionmaker(engine))
