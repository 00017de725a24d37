"""Reliability: a killed import leaves the database as it was; concurrent writers lose nothing.

Both run real processes against SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from crampcare.storage import Episode, get_or_create_user, normalise_url, open_database
from crampcare.storage.models import DayLog

ROWS = 100_000


def _count(db_url: str, model: type = Episode) -> int:
    db = open_database(db_url)
    try:
        with db.session() as s:
            return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)
    finally:
        db.dispose()


def _big_csv(path: Path, rows: int) -> None:
    with path.open("w") as fh:
        fh.write("started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n")
        for i in range(rows):
            minutes = i * 7
            day, minute = divmod(minutes, 24 * 60)
            hour, minute = divmod(minute, 60)
            year = 1990 + day // 365
            doy = day % 365
            month, mday = 1 + doy // 28 % 12, 1 + doy % 28
            fh.write(
                f"{year}-{month:02d}-{mday:02d}T{hour:02d}:{minute:02d}:00+01:00,60,calf,left,5,true,stretch,\n"
            )


def _writing_started(db_url: str, sqlite_wal: Path | None, wal_baseline: int) -> bool:
    if sqlite_wal is not None:
        return sqlite_wal.exists() and sqlite_wal.stat().st_size > wal_baseline + 512 * 1024
    url = normalise_url(db_url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            busy = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid() "
                    "AND (query ILIKE 'COPY \"episodes\"%' OR query ILIKE 'INSERT INTO %episodes%')"
                ),
                {"db": url.database},
            ).scalar()
        return bool(busy)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_database_unchanged(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    with db.session() as s:
        user = get_or_create_user(s)
        s.add(DayLog(user_id=user.id, date=dt.date(2026, 1, 1), notes="before"))
        s.commit()
    is_sqlite = db.engine.dialect.name == "sqlite"
    wal = Path(f"{db.engine.url.database}-wal") if is_sqlite else None
    if is_sqlite:
        raw = db.engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    db.dispose()
    baseline = wal.stat().st_size if wal is not None and wal.exists() else 0
    csv_path = tmp_path / "big.csv"
    _big_csv(csv_path, ROWS)
    proc = subprocess.Popen(
        [sys.executable, "-m", "crampcare", "diary", "import", str(csv_path), "--db", db_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    try:
        while not _writing_started(db_url, wal, baseline):
            assert proc.poll() is None, f"the import ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _count(db_url) == 0
    assert _count(db_url, DayLog) == 1
    if is_sqlite:
        db = open_database(db_url)
        try:
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        finally:
            db.dispose()


WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from crampcare.diary.records import EpisodeRecord
    from crampcare.diary.service import add_episode
    from crampcare.storage import get_or_create_user, open_database

    url, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db = open_database(url)  # several processes may migrate a fresh database at once
    zone = dt.timezone(dt.timedelta(hours=1))
    for i in range(n):
        with db.session() as s:
            user = get_or_create_user(s)
            start = dt.datetime(2026, 1, 1, 2, 0, tzinfo=zone) + dt.timedelta(days=i, minutes=worker)
            add_episode(s, user, EpisodeRecord(start, "calf", "left"))
    db.dispose()
    """
)


def test_concurrent_writers_lose_nothing(db_url: str) -> None:
    workers, each = 4, 25
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(w), str(each)], stderr=subprocess.PIPE)
        for w in range(workers)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, errors
    assert _count(db_url) == workers * each
    db = open_database(db_url)
    try:
        with db.session() as s:
            assert s.scalar(sa.select(sa.func.count(sa.distinct(Episode.user_id)))) == 1
    finally:
        db.dispose()
