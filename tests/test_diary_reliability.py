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


# Rows that must have been sent to the database before the kill: more than one chunk of the import
# (service.INSERT_CHUNK is 5000), so an import that committed chunk by chunk would leave rows behind.
ROWS_BEFORE_KILL = 12_000
# Runs the import in a child process; with "commit_per_chunk" it first breaks the import on purpose
# (each bulk insert is committed at once) to show that this test catches exactly that bug.
IMPORTER = textwrap.dedent(
    """
    import sys
    if sys.argv[1] == "commit_per_chunk":
        from crampcare.diary import service
        def committing(honest):
            def insert(conn, *args):
                honest(conn, *args)
                conn.connection.dbapi_connection.commit()
            return insert
        # both insert paths: COPY on PostgreSQL, stored-form inserts on SQLite
        service.bulk_insert = committing(service.bulk_insert)
        service.sqlite_insert_stored = committing(service.sqlite_insert_stored)
    from crampcare.cli import main
    main(["diary", "import", *sys.argv[2:]])
    """
)


class ImportWatch:
    """How many rows the importing process has sent so far, seen from outside (no test hook in it).

    PostgreSQL: ``pg_stat_progress_copy`` counts the rows of the running COPY; each new COPY (a new
    chunk) has a new ``query_start``, and the rows of finished ones are added up. SQLite: the WAL
    grows by the pages written (about 100 bytes a row, before any commit).
    """

    def __init__(self, db_url: str, sqlite_wal: Path | None, wal_baseline: int) -> None:
        self.db_url = db_url
        self.wal = sqlite_wal
        self.wal_baseline = wal_baseline
        self.finished_rows = 0
        self.current: tuple[object, int] | None = None  # (query_start, rows) of the running COPY
        self.engine = None if sqlite_wal is not None else sa.create_engine(normalise_url(db_url))

    def rows_sent(self) -> int:
        if self.wal is not None:
            grown = (self.wal.stat().st_size if self.wal.exists() else 0) - self.wal_baseline
            return max(0, grown // 100)
        assert self.engine is not None
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT a.query_start, p.tuples_processed FROM pg_stat_progress_copy p "
                    "JOIN pg_stat_activity a ON a.pid = p.pid "
                    "WHERE p.datname = :db AND p.relid = 'episodes'::regclass"
                ),
                {"db": normalise_url(self.db_url).database},
            ).first()
        if row is not None:
            if self.current is not None and self.current[0] != row[0]:
                self.finished_rows += self.current[1]  # the previous chunk's COPY ended
            self.current = (row[0], int(row[1]))
        return self.finished_rows + (self.current[1] if self.current else 0)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("importer", ["as_shipped", "commit_per_chunk"])
def test_sigkill_mid_import_leaves_the_database_unchanged(db_url: str, tmp_path: Path, importer: str) -> None:
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
        [sys.executable, "-c", IMPORTER, importer, str(csv_path), "--db", db_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    watch = ImportWatch(db_url, wal, baseline)
    deadline = time.monotonic() + 120
    try:
        while (sent := watch.rows_sent()) < ROWS_BEFORE_KILL:
            assert proc.poll() is None, f"the import ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"the import never got far enough ({sent} rows sent)"
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        watch.close()
    assert proc.returncode == -signal.SIGKILL
    assert sent < ROWS, "killed too late to mean anything"
    left_behind = _count(db_url)
    if importer == "commit_per_chunk":
        # The broken importer must leave rows behind: proof that the kill came after whole chunks.
        assert left_behind > 0
        return
    assert left_behind == 0
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
    from crampcare.records import EpisodeRecord
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


@pytest.mark.slow  # several processes writing at once
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
