"""PostgreSQL databases for the test suite, cheap enough to give every test a clean one.

Creating a database and running the Alembic chain per test cost 2-5 s of setup on a loaded machine
(``CREATE DATABASE`` and ``DROP DATABASE`` each wait for a checkpoint). Instead, each test session (each
xdist worker) builds one migrated *template* database; its working database is created ``TEMPLATE``
from it once, and before every test the working database is emptied: other connections to it are
ended and every table except ``alembic_version`` is emptied, sequences restarted. A test therefore
sees exactly what a fresh, migrated database holds (no rows, ids from 1), for about 0.1 s.

A test that needs a database Alembic has never touched (the migration tests) asks for an empty one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from crampcare.storage.migrate import upgrade_to_head


def _sibling(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _admin(admin_url: str) -> sa.Engine:
    return sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _create(admin_url: str, name: str, template: str | None = None) -> str:
    # WAL_LOG (PostgreSQL 15's default) copies a small template without a checkpoint.
    clause = f' TEMPLATE "{template}"' if template else ""
    engine = _admin(admin_url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        # Test data need not survive a server crash; not waiting for fsync on commit saves time.
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    engine.dispose()
    return _sibling(admin_url, name)


def _drop(admin_url: str, name: str) -> None:
    engine = _admin(admin_url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@contextmanager
def database(admin_url: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """A new database (empty, or a copy of ``template``), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    url = _create(admin_url, name, template)
    try:
        yield url
    finally:
        _drop(admin_url, name)


@contextmanager
def migrated_template(admin_url: str) -> Iterator[str]:
    """A database at the Alembic head, migrated once, to copy other databases from; yields its name."""
    with database(admin_url, "crampcare_test_template") as url:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        upgrade_to_head(engine)
        engine.dispose()  # CREATE DATABASE ... TEMPLATE refuses a template with open connections
        yield url.rsplit("/", 1)[1]


class Reusable:
    """One migrated database reused by a session's tests, emptied before each test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with self._engine.connect() as conn:
            self._tables = [
                str(name)
                for name in conn.scalars(
                    sa.text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                        " AND tablename <> 'alembic_version'"
                    )
                )
            ]
            sequences = sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
            self._sequences = [str(name) for name in conn.scalars(sequences)]

    def reset(self) -> str:
        """Empty every table and restart every sequence; return the URL."""
        with self._engine.begin() as conn:
            # A previous test's engine may still hold connections (or an open transaction).
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            # DELETE is much faster than TRUNCATE on tiny tables; replica role skips the foreign-key
            # triggers, so the order of the tables does not matter.
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in self._tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
            for sequence in self._sequences:
                conn.execute(sa.text(f"SELECT setval('\"{sequence}\"', 1, false)"))
        return self.url

    def dispose(self) -> None:
        self._engine.dispose()
