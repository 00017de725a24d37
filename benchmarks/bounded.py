"""Bounded work per account (issue 12, point 6): how long each page, API list, chart and export of a
20,000-episode account takes, as a ratio to a trivial endpoint (``/healthz``) timed in the same run.

    .venv/bin/python benchmarks/bounded.py                      # SQLite
    .venv/bin/python benchmarks/bounded.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
    .venv/bin/python benchmarks/bounded.py --episodes 5000 --rounds 3   # quick

In process (Starlette's TestClient), one request at a time. Each round times the baseline and then
the subject, alternating, so that noise from a shared machine hits both; the table gives medians
and the ratio subject / baseline. Charts are drawn once per diary version and then served from a
cache: the first (drawing) request is printed on its own line. Exports are read to the end.
Target (the issue): every response under a second, every page under 1 MB (checked in
``tests/test_bounded_pages.py``; timing belongs here, not in tests).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

SUBJECTS = [
    "/diary",
    "/diary/episodes",
    "/diary/days",
    "/diary/weeks",
    "/account",
    "/api/v1/episodes",
    "/api/v1/episodes?limit=1000",
    "/api/v1/day-logs",
    "/api/v1/stats",
    "/diary/charts/episodes_per_week.svg",
    "/diary/charts/hour_of_night.svg",
    "/diary/charts/severity_over_time.svg",
    "/diary/export?format=csv",
    "/diary/export?format=json",
    "/diary/export?format=fhir",
    "/account/export",
]
BASELINE = "/healthz"


def timed(client: Any, path: str, headers: dict[str, str]) -> tuple[float, int, float]:
    """Seconds to the last byte, bytes, and seconds to the first byte (what a person waits for
    before a streamed download starts)."""
    start = time.perf_counter()
    first_byte = 0.0
    size = 0
    with client.stream("GET", path, headers=headers) as r:
        for chunk in r.iter_bytes():
            if not size:
                first_byte = time.perf_counter() - start
            size += len(chunk)
        if r.status_code != 200:
            raise SystemExit(f"{path}: HTTP {r.status_code}")
    return time.perf_counter() - start, size, first_byte


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--episodes", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=5, help="alternating baseline/subject rounds per path")
    ap.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = ap.parse_args(argv)

    from crampcare.web.app import create_app
    from tests.test_bounded_pages import fill
    from tests.web_support import sign_up_owner

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = create_app(url, secure_cookies=False)
        try:
            anna = sign_up_owner(app, "bench")
            start = time.perf_counter()
            fill(app, "bench", args.episodes, min(args.episodes // 10, 3000))
            took = time.perf_counter() - start
            print(f"{args.episodes} episodes inserted in {took:.1f} s ({url.split(':')[0]})")
            headers: dict[str, str] = {}  # signed in by the session cookie
            client = anna.client
            first, size, _ = timed(client, "/diary/charts/severity_over_time.svg", headers)
            print(f"first severity chart (drawn): {first * 1000:.0f} ms, {size} bytes")
            print(
                f"{'path':44} {'median ms':>10} {'1st byte ms':>12} {'baseline ms':>12}"
                f" {'ratio':>8} {'bytes':>11}"
            )
            for path in SUBJECTS:
                subject, baseline, firsts = [], [], []
                for _ in range(args.rounds):
                    baseline.append(timed(client, BASELINE, headers)[0])
                    seconds, size, first_byte = timed(client, path, headers)
                    subject.append(seconds)
                    firsts.append(first_byte)
                s, b, f = statistics.median(subject), statistics.median(baseline), statistics.median(firsts)
                flag = "" if s < 1.0 else "  > 1 s" + ("" if f >= 1.0 else " (streamed: first byte < 1 s)")
                print(
                    f"{path:44} {s * 1000:10.1f} {f * 1000:12.1f} {b * 1000:12.2f} {s / b:8.0f}"
                    f" {size:11d}{flag}"
                )
        finally:
            app.state.db.dispose()
            app.state.read_db.dispose()


if __name__ == "__main__":
    main()
