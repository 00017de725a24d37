"""Web speed: ``POST /api/v1/assess`` and the diary dashboard vs a trivial endpoint of the same server.

    .venv/bin/python benchmarks/web.py                          # SQLite and PostgreSQL, 32 clients
    .venv/bin/python benchmarks/web.py --requests 500 --no-pg --workers 2

``crampcare serve`` runs in a subprocess on a free loopback port (so the load generator does not share
its interpreter); ``--concurrency`` simulated clients, each on its own keep-alive connection, keep
requests in flight until ``--requests`` have completed per endpoint, after a short warm-up. The default
client is a minimal asyncio HTTP/1.1 one, because httpx (``--client httpx``) costs more CPU per request
than the server does and on a small machine would mostly measure itself. Reported per endpoint: requests
per second, p50 and p99 latency. Targets (issue 4): assess at >= 50% of the trivial endpoint's
throughput in the same run, and p99 under 50 ms at 32 concurrent clients. The dashboard is signed in and
reads a diary of ``--episodes`` episodes (its charts are separate image requests and not part of the
page).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from crampcare.storage.scratch import postgres_database

DEFAULT_PG_ADMIN = os.environ.get(
    "CRAMPCARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
NAME, PASSWORD = "bench", "benchmark password"
CASE = {
    "age_years": 67,
    "sex": "female",
    "cramps": {"timing": ["night"], "locations": ["calf"], "side": "both", "episodes_per_week": 4},
    "findings": ["sudden_painful_tightening", "relieved_by_stretching", "sleep_disrupted"],
    "conditions": ["hypertension"],
    "medications": ["Hydrochlorothiazide 25 mg", "Lipitor"],
}
THROUGHPUT_TARGET = 0.5
P99_TARGET_MS = 50.0


@dataclass
class Result:
    backend: str
    endpoint: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_database(url: str, episodes: int) -> None:
    """The benchmark account with a diary of ``episodes`` episodes (one every ~8 hours)."""
    import datetime as dt

    from crampcare.diary.service import import_records
    from crampcare.records import EpisodeRecord
    from crampcare.storage import open_database
    from crampcare.web.auth import create_account

    db = open_database(url)
    try:
        with db.session() as session:
            user = create_account(session, NAME, PASSWORD, owner=True)
            zone = dt.timezone(dt.timedelta(hours=3))
            start = dt.datetime(2026, 11, 20, 2, 0, tzinfo=zone) - dt.timedelta(hours=8 * episodes)
            records = [
                EpisodeRecord(
                    started_at=start + dt.timedelta(hours=8 * i, minutes=i % 50),
                    muscle=("calf", "foot", "toes")[i % 3],
                    side=("left", "right", "both")[i % 3],
                    severity=i % 11,
                    duration_s=30 + i % 200,
                )
                for i in range(episodes)
            ]
            import_records(session, user, records)
    finally:
        db.dispose()


@contextmanager
def serve(url: str, workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "CRAMPCARE_DATABASE_URL": url}
    command = [
        sys.executable,
        "-m",
        "crampcare",
        "serve",
        "--port",
        str(port),
        "--db",
        url,
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"server did not start: {error[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def sign_in(base: str) -> dict[str, str]:
    r = httpx.post(base + "/api/v1/session", json={"name": NAME, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return {"cc_session": r.cookies["cc_session"]}


async def load(
    base: str, method: str, path: str, body: object, cookies: dict[str, str], total: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Complete ``total`` requests with ``concurrency`` in flight; (latencies in s, wall time, errors)."""
    latencies: list[float] = []
    errors = 0
    remaining = total
    # One client (one keep-alive connection) per simulated person: a shared pool of 32 connections
    # costs httpcore several ms of CPU per request, which would measure the load generator instead.
    clients = [
        httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30, limits=httpx.Limits(max_connections=1))
        for _ in range(concurrency)
    ]

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            r = await client.request(method, path, json=body) if body is not None else await client.get(path)
            latencies.append(time.perf_counter() - started)
            if r.status_code != 200:
                errors += 1

    try:
        began = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in clients))
        wall = time.perf_counter() - began
    finally:
        for client in clients:
            await client.aclose()
    return latencies, wall, errors


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx spends about 3 ms of CPU per request on a small machine, more than the server spends
    answering; on a shared two-core box the benchmark would then measure its own client. This one
    sends pre-built request bytes and reads the status line, headers and ``Content-Length`` body.
    """

    def __init__(self, host: str, port: int, request: bytes) -> None:
        self.host, self.port, self.request = host, port, request
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(self.request)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def raw_request(base: str, method: str, path: str, body: object, cookies: dict[str, str]) -> bytes:
    host = base.split("//", 1)[1]
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def load_raw(
    base: str, method: str, path: str, body: object, cookies: dict[str, str], total: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Like ``load`` with ``RawConnection``s: one keep-alive connection per simulated client."""
    host, port = base.split("//", 1)[1].split(":")
    request = raw_request(base, method, path, body, cookies)
    connections = [RawConnection(host, int(port), request) for _ in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    remaining = total

    async def worker(connection: RawConnection) -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            status = await connection.send()
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors += 1

    try:
        began = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in connections))
        wall = time.perf_counter() - began
    finally:
        for connection in connections:
            await connection.close()
    return latencies, wall, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


ENDPOINTS = (
    ("trivial", "GET", "/api/v1/health", None),
    ("assess", "POST", "/api/v1/assess", CASE),
    ("dashboard", "GET", "/diary", None),
)


def run_backend(backend: str, url: str, args: argparse.Namespace) -> list[Result]:
    seed_database(url, args.episodes)
    results = []
    with serve(url, args.workers) as base:
        cookies = sign_in(base)
        for name, method, path, body in ENDPOINTS:
            generator = load_raw if args.client == "raw" else load
            asyncio.run(generator(base, method, path, body, cookies, args.warmup, args.concurrency))
            latencies, wall, errors = asyncio.run(
                generator(base, method, path, body, cookies, args.requests, args.concurrency)
            )
            results.append(
                Result(
                    backend,
                    name,
                    len(latencies),
                    wall,
                    1000 * percentile(latencies, 0.5),
                    1000 * percentile(latencies, 0.99),
                    errors,
                )
            )
    return results


def table(results: list[Result]) -> str:
    header = f"{'backend':<11}{'endpoint':<11}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
    lines = [header + f"{'errors':>8}  target"]
    by_backend: dict[str, dict[str, Result]] = {}
    for r in results:
        by_backend.setdefault(r.backend, {})[r.endpoint] = r
    for r in results:
        trivial = by_backend[r.backend].get("trivial")
        verdict = ""
        if r.endpoint == "assess" and trivial is not None and trivial.rps:
            share = r.rps / trivial.rps
            ok = share >= THROUGHPUT_TARGET and r.p99_ms < P99_TARGET_MS
            verdict = f"{share:.0%} of trivial (>= 50%), p99 < 50 ms: {'ok' if ok else 'MISSED'}"
        elif r.endpoint == "dashboard":
            verdict = f"p99 < 50 ms: {'ok' if r.p99_ms < P99_TARGET_MS else 'MISSED'}"
        lines.append(
            f"{r.backend:<11}{r.endpoint:<11}{r.requests:>9}{r.rps:>9.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.errors:>8}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000, help="requests per endpoint (default 3000)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (default 32)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--episodes", type=int, default=500, help="episodes in the dashboard's diary")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="load generator: raw asyncio HTTP/1.1 (default; light) or httpx async (heavier on CPU)",
    )
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--pg-admin", default=DEFAULT_PG_ADMIN, help="PostgreSQL admin URL")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("CRAMPCARE_DATA_DIR", folder)
        results += run_backend("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite'}", args)
    if not args.no_pg:
        with postgres_database(args.pg_admin, "crampcare_bench") as url:
            results += run_backend("postgresql", url, args)
    if args.json:
        print(json.dumps([{**r.__dict__, "rps": r.rps} for r in results], indent=2))
    else:
        print(table(results))
    return results


if __name__ == "__main__":
    main()
