"""Opening a database: URL normalisation, engine settings per backend, sessions.

SQLite gets WAL (readers never block the writer), foreign keys (off by default in SQLite), a busy
timeout, and ``BEGIN IMMEDIATE`` for every transaction: a deferred transaction that reads and then
writes can fail at once with "database is locked" when another process wrote in between, whereas an
immediate one waits its turn (``busy_timeout``). Concurrent writers then queue instead of failing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.orm import Session, sessionmaker

from crampcare.errors import Problem, Problems

SQLITE_BUSY_TIMEOUT_MS = 60_000


class DatabaseUrlError(Problems):
    """A database URL crampcare cannot use; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("", message)])


def normalise_url(url: str) -> URL:
    """Parse ``url`` and map plain ``postgresql://`` / ``postgres://`` to the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise DatabaseUrlError(
            f"not a database URL: {url!r} (try sqlite:///path or postgresql://...)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        parsed = parsed.set(drivername="postgresql")
        backend = "postgresql"
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(f"unsupported database {backend!r}: use sqlite:///path or postgresql://...")
    return parsed


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, instead of pysqlite's implicit BEGIN.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        # NORMAL is durable against process crashes in WAL mode (only a power cut can lose the
        # last commits, never corrupt the file) and much faster than FULL for imports.
        cur.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten with zeros instead of lingering in free pages, so deleting
        # an episode or an account really removes its text from the file (see ``scrub_after_delete``).
        cur.execute("PRAGMA secure_delete = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL), configured as the module docstring says."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            raise DatabaseUrlError(
                "an in-memory SQLite database cannot be shared; give a file: sqlite:///path"
            )
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


# Tables holding what a person wrote or who they are: deleting from them triggers a WAL checkpoint.
PERSONAL_TABLES = frozenset(
    {
        "users",
        "credentials",
        "episodes",
        "day_logs",
        "medications",
        "experiments",
        "experiment_nights",
        "assessments",
    }
)
_DELETED = "crampcare_deleted_personal"


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (the CLI prints them afterwards).

    On SQLite, a commit that deleted personal data is followed by ``scrub_after_delete``.
    """
    factory = sessionmaker(engine, expire_on_commit=False)
    if is_sqlite(engine):
        _watch_deletions(factory)
    return factory


def _watch_deletions(factory: sessionmaker[Session]) -> None:
    @event.listens_for(factory, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        if any(getattr(obj, "__tablename__", "") in PERSONAL_TABLES for obj in session.deleted):
            session.info[_DELETED] = True

    @event.listens_for(factory, "do_orm_execute")
    def _executed(state: Any) -> None:
        if state.is_delete and getattr(state.statement.table, "name", "") in PERSONAL_TABLES:
            state.session.info[_DELETED] = True

    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        if session.info.pop(_DELETED, False):
            bind = session.get_bind()
            scrub_after_delete(bind if isinstance(bind, Engine) else bind.engine)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(_DELETED, None)


def scrub_after_delete(engine: Engine) -> bool:
    """SQLite: copy the WAL into the database and truncate it, so no deleted text stays in any file.

    ``secure_delete`` zeroes deleted rows in the pages, but WAL mode writes changed pages to the
    ``-wal`` file first; the old page images (with the text) stay there until a checkpoint, and a
    plain checkpoint leaves the file's bytes in place. ``TRUNCATE`` writes every page back and
    empties the file. Returns False when a reader kept it from completing (it completes next time).
    """
    if not is_sqlite(engine):
        return True
    raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = cursor.fetchone()
        cursor.close()
    except sqlite3.Error:
        return False
    finally:
        raw.close()
    return not (busy and busy[0])


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
