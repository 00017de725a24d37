"""Storage: migrations, both backends, URL handling, SQLite settings, per-user data."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from crampcare.storage import (
    Base,
    DatabaseUrlError,
    DayLog,
    Episode,
    User,
    current_revision_of,
    get_or_create_user,
    head_revision,
    normalise_url,
    open_database,
)


def _episode(user: User, minute: int = 0) -> Episode:
    return Episode(
        user_id=user.id,
        started_at_utc=dt.datetime(2026, 11, 20, 2, minute),
        utc_offset_min=60,
        night_date=dt.date(2026, 11, 19),
        duration_s=90,
        muscle="calf",
        side="left",
        severity=7,
        woke_from_sleep=True,
        relieved_by="stretch",
        notes="",
    )


def test_fresh_database_is_migrated_to_head(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    try:
        assert current_revision_of(db.engine) == head_revision()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"users", "episodes", "day_logs", "medications", "experiments", "experiment_nights"} <= tables
    finally:
        db.dispose()


def test_migrations_match_the_models(db_url: str) -> None:
    # A model changed without a migration (or the reverse) shows up as a difference here.
    db = open_database(db_url)
    try:
        with db.engine.connect() as conn:
            diffs = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diffs == []
    finally:
        db.dispose()


def test_reopening_is_idempotent_and_keeps_data(db_url: str) -> None:
    db = open_database(db_url)
    with db.session() as s:
        user = get_or_create_user(s)
        s.add(_episode(user))
        s.commit()
    db.dispose()
    db = open_database(db_url)
    try:
        with db.session() as s:
            assert get_or_create_user(s).id == user.id
            assert s.scalar(sa.select(sa.func.count()).select_from(Episode)) == 1
    finally:
        db.dispose()


def test_episode_key_is_unique_per_user_and_users_are_separate(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            alice = get_or_create_user(s, "alice")
            bob = get_or_create_user(s, "bob")
            s.add_all([_episode(alice), _episode(bob)])
            s.commit()
            s.add(_episode(alice))
            with pytest.raises(IntegrityError):
                s.commit()
            s.rollback()
            counts = dict(
                s.execute(sa.select(Episode.user_id, sa.func.count()).group_by(Episode.user_id)).all()
            )
            assert counts == {alice.id: 1, bob.id: 1}
    finally:
        db.dispose()


def test_deleting_a_user_deletes_their_data(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s, "carol")
            s.add(_episode(user))
            s.add(DayLog(user_id=user.id, date=dt.date(2026, 11, 19), notes=""))
            s.commit()
            s.execute(sa.delete(User).where(User.id == user.id))
            s.commit()
            assert s.scalar(sa.select(sa.func.count()).select_from(Episode)) == 0
            assert s.scalar(sa.select(sa.func.count()).select_from(DayLog)) == 0
    finally:
        db.dispose()


def test_floats_and_times_round_trip_exactly(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            ep = _episode(user)
            ep.started_at_utc = dt.datetime(2026, 3, 29, 0, 59, 59, 123456)
            s.add(ep)
            s.add(DayLog(user_id=user.id, date=dt.date(2026, 3, 28), fluid_litres=0.1 + 0.2, notes="x"))
            s.commit()
        with db.session() as s:
            assert s.scalar(sa.select(Episode.started_at_utc)) == dt.datetime(2026, 3, 29, 0, 59, 59, 123456)
            assert s.scalar(sa.select(DayLog.fluid_litres)) == 0.1 + 0.2
    finally:
        db.dispose()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: object) -> None:
    db = open_database(f"sqlite:///{tmp_path}/x.sqlite")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        with db.session() as s, pytest.raises(IntegrityError):
            s.add(DayLog(user_id=999, date=dt.date(2026, 1, 1), notes=""))
            s.commit()
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h:5432/d", "postgresql+psycopg"),
        ("postgres://u@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("sqlite:///x.sqlite", "sqlite"),
    ],
)
def test_plain_postgresql_urls_use_psycopg(url: str, driver: str) -> None:
    assert normalise_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/d", "not a url", "sqlite://"])
def test_unusable_urls_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        open_database(url)


def test_default_database_is_a_file_in_the_data_folder(_own_data_dir: object) -> None:
    db = open_database(None)
    try:
        assert db.engine.url.database is not None
        assert db.engine.url.database.startswith(str(_own_data_dir))
    finally:
        db.dispose()
