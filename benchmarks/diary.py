"""Diary speed targets: bulk import vs a bare executemany, and ``stats`` over ten years of diary.

    .venv/bin/python benchmarks/diary.py                      # 100,000 episodes, SQLite and PostgreSQL
    .venv/bin/python benchmarks/diary.py --episodes 2000 --no-pg

Targets (issue 3): ``diary import`` of 100,000 episodes within 3x of a bare ``executemany`` of the same
rows into SQLite, in the same run; ``stats`` over ten years of diary in under 100 ms. The bare
baseline reads the same CSV with the csv module and inserts the raw text cells with sqlite3's
``executemany`` in one transaction, i.e. the least work that gets the file into a table; the import
also validates every cell, derives nights, checks for existing episodes and writes through SQLAlchemy.
The baseline table carries the unique (started_at, muscle, side) index the spec requires; the
same insert into a table with no index at all is printed too, for reference.
PostgreSQL is measured too (``--pg-admin URL``, default the local test server), in a throwaway database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crampcare.diary.records import DAY_LOG_FIELDS, EPISODE_FIELDS
from crampcare.diary.service import diary_summary, import_file
from crampcare.storage import get_or_create_user, open_database
from crampcare.storage.scratch import postgres_database

IMPORT_TARGET_RATIO = 3.0
STATS_TARGET_S = 0.100
DEFAULT_PG_ADMIN = os.environ.get(
    "CRAMPCARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@dataclass
class Row:
    backend: str
    measure: str
    seconds: float
    target: str
    ok: bool | None


def write_episodes_csv(path: Path, episodes: int, seed: int = 1) -> None:
    """``episodes`` distinct, valid episodes spread over the past years, ~5 a night."""
    rng = np.random.default_rng(seed)
    span = episodes * 60  # 100,000 episodes span about eleven years, ending before 2026
    start = dt.datetime(2026, 1, 1, 22, 0) - dt.timedelta(minutes=span)
    minutes = np.sort(rng.choice(np.arange(span), size=episodes, replace=False))
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(EPISODE_FIELDS)
        for i, m in enumerate(minutes.tolist()):
            at = (start + dt.timedelta(minutes=m)).isoformat() + "+01:00"
            writer.writerow(
                [at, 60 + i % 200, "calf", ("left", "right")[i % 2], i % 11, "true", "stretch", ""]
            )


def write_ten_years(folder: Path, years: int = 10, seed: int = 2) -> tuple[Path, Path]:
    """A realistic diary: every night for ``years`` years, ~0.6 cramps a night, a day log most days."""
    rng = np.random.default_rng(seed)
    first = dt.date(2016, 1, 1)
    nights = int(365.25 * years)
    episodes, days = folder / "ten_years_episodes.csv", folder / "ten_years_days.csv"
    with episodes.open("w", newline="") as e_fh, days.open("w", newline="") as d_fh:
        e_out, d_out = csv.writer(e_fh, lineterminator="\n"), csv.writer(d_fh, lineterminator="\n")
        e_out.writerow(EPISODE_FIELDS)
        d_out.writerow(DAY_LOG_FIELDS)
        for i in range(nights):
            day = first + dt.timedelta(days=i)
            caffeine = int(rng.integers(0, 5))
            if rng.random() < 0.85:
                d_out.writerow(
                    [day.isoformat(), "true" if rng.random() < 0.4 else "false", "1.5", caffeine, 0, 30, ""]
                )
            for k in range(int(rng.poisson(0.5 * 1.1**caffeine))):
                at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(1 + k, int(rng.integers(0, 60))))
                e_out.writerow([at.isoformat() + "+01:00", 90, "calf", "left", 6, "true", "", ""])
    return episodes, days


def bare_executemany(csv_path: Path, db_path: Path, unique_key: bool = True) -> float:
    """csv.reader + one executemany of the raw text cells, in one transaction.

    With ``unique_key`` the table has the one index the spec requires of any diary store (an episode
    is identified by started_at, muscle and side), so both sides pay for the same integrity.
    """
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE episodes ({', '.join(EPISODE_FIELDS)})")
    if unique_key:
        conn.execute("CREATE UNIQUE INDEX episode_key ON episodes (started_at, muscle, side)")
    with csv_path.open(newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        with conn:
            conn.executemany(f"INSERT INTO episodes VALUES ({', '.join('?' * len(EPISODE_FIELDS))})", reader)
    conn.close()
    return time.perf_counter() - start


def crampcare_import(csv_path: Path, url: str) -> float:
    db = open_database(url)  # migrations are not part of the timing
    try:
        with db.session() as session:
            user = get_or_create_user(session)
            start = time.perf_counter()
            import_file(session, user, csv_path)
            return time.perf_counter() - start
    finally:
        db.dispose()


def stats_time(url: str, files: tuple[Path, Path], repeats: int = 5) -> float:
    """Median wall time of loading the diary and computing ``crampcare stats`` (after a warm-up)."""
    db = open_database(url)
    try:
        with db.session() as session:
            user = get_or_create_user(session)
            for path in files:
                import_file(session, user, path)
            diary_summary(session, user)  # warm-up: imports statsmodels, fills caches
            timings = []
            for _ in range(repeats):
                start = time.perf_counter()
                diary_summary(session, user)
                timings.append(time.perf_counter() - start)
        return statistics.median(timings)
    finally:
        db.dispose()


def run(episodes: int = 100_000, years: int = 10, pg_admin: str | None = DEFAULT_PG_ADMIN) -> list[Row]:
    """Every measurement, SQLite first, then PostgreSQL when ``pg_admin`` is given."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        csv_path = folder / "episodes.csv"
        write_episodes_csv(csv_path, episodes)
        ten_years = write_ten_years(folder, years)
        no_index = bare_executemany(csv_path, folder / "bare_no_index.sqlite", unique_key=False)
        rows.append(Row("sqlite", f"bare executemany, {episodes:,} rows, no index", no_index, "", None))
        bare = bare_executemany(csv_path, folder / "bare.sqlite")
        rows.append(Row("sqlite", f"bare executemany, {episodes:,} rows, unique key", bare, "baseline", None))
        backends = [
            ("sqlite", f"sqlite:///{folder / 'import.sqlite'}", f"sqlite:///{folder / 'stats.sqlite'}")
        ]
        if pg_admin:
            pg_import = stack.enter_context(postgres_database(pg_admin, "crampcare_bench"))
            pg_stats = stack.enter_context(postgres_database(pg_admin, "crampcare_bench"))
            backends.append(("postgresql", pg_import, pg_stats))
        for backend, import_url, stats_url in backends:
            seconds = crampcare_import(csv_path, import_url)
            ratio = seconds / bare
            measure = f"diary import, {episodes:,} episodes ({ratio:.1f}x bare)"
            rows.append(
                Row(
                    backend,
                    measure,
                    seconds,
                    f"<= {IMPORT_TARGET_RATIO:.0f}x bare",
                    ratio <= IMPORT_TARGET_RATIO,
                )
            )
            seconds = stats_time(stats_url, ten_years)
            target = f"< {STATS_TARGET_S * 1000:.0f} ms"
            rows.append(Row(backend, f"stats over {years} years", seconds, target, seconds < STATS_TARGET_S))
    return rows


def print_rows(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="crampcare diary benchmarks")
    for column in ("backend", "measure", "time", "target", "ok"):
        table.add_column(column)
    for r in rows:
        ok = "" if r.ok is None else ("yes" if r.ok else "NO")
        table.add_row(r.backend, r.measure, f"{r.seconds * 1000:,.1f} ms", r.target, ok)
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument(
        "--pg-admin", default=DEFAULT_PG_ADMIN, help="PostgreSQL URL allowed to create databases"
    )
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    rows = run(args.episodes, args.years, None if args.no_pg else args.pg_admin)
    print_rows(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
