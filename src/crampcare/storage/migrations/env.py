"""Alembic environment: always run with a connection handed over by ``crampcare.storage.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from crampcare.storage.models import Base

# An arbitrary constant: the PostgreSQL advisory lock that serialises concurrent upgrades.
PG_MIGRATION_LOCK = 7_206_113


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run crampcare's migrations through crampcare.storage.migrate.upgrade_to_head()")
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=is_sqlite,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        # Two processes opening a fresh database at once must not both create the tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
