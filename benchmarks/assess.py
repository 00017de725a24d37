"""Speed of the assessment engine (targets from issue 2).

    .venv/bin/python benchmarks/assess.py [--seconds 3]

Prints a table: assessments per second in-process on one core (target >= 5,000), batch throughput
through the CLI, and the CLI's cold start next to ``python3 -c pass`` measured in the same run
(target <= 10x).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "vignettes" / "public"


def cases() -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8"))["input"] for p in sorted(SHARED.glob("*.json"))]


def in_process(seconds: float, rounds: int = 10) -> float:
    """Assessments per second on one core: the best of several rounds, as ``timeit`` does, since
    on a shared machine the slower rounds measure the neighbours, not the code."""
    from crampcare.assess import assess, parse_inputs

    inputs, _ = parse_inputs(cases())
    for inp in inputs:  # load the knowledge base, medication index and compiled rules once
        assess(inp)
    best = 0.0
    for _ in range(rounds):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / rounds:
            for inp in inputs:
                assess(inp)
            done += len(inputs)
        best = max(best, done / (time.perf_counter() - start))
    return best


def cli_batch(n: int) -> float:
    batch = (cases() * (n // 40 + 1))[:n]
    exe = Path(sys.executable).with_name("crampcare")
    path = Path(tempfile.mkdtemp()) / "batch.json"
    path.write_text(json.dumps(batch), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([str(exe), "assess", "--input", str(path)], check=True, capture_output=True)
    return n / (time.perf_counter() - start)


def timed(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    exe = str(Path(sys.executable).with_name("crampcare"))
    one = Path(tempfile.mkdtemp()) / "one.json"
    one.write_text(json.dumps(cases()[0]), encoding="utf-8")

    rate = in_process(a.seconds)
    batch = cli_batch(a.batch)
    # The yardstick is `python3 -c pass` as found on PATH (a pyenv shim on some machines,
    # which adds its own start-up); the bare interpreter that runs crampcare is shown too.
    path_python = timed(["python3", "-c", "pass"], a.repeat)
    bare = timed([sys.executable, "-c", "pass"], a.repeat)
    help_ = timed([exe, "--help"], a.repeat)
    cold = timed([exe, "assess", "--input", str(one)], a.repeat)

    table = Table(title="crampcare assess")
    for col in ("measure", "value", "target", "ok"):
        table.add_column(col)
    table.add_row("in-process assessments/s (1 core)", f"{rate:,.0f}", ">= 5,000", str(rate >= 5000))
    table.add_row(f"CLI batch of {a.batch}: assessments/s", f"{batch:,.0f}", "-", "-")
    table.add_row("python3 -c pass, from PATH (median)", f"{path_python * 1000:.0f} ms", "-", "-")
    table.add_row("venv python -c pass (median)", f"{bare * 1000:.0f} ms", "-", "-")
    for label, value in (("crampcare --help", help_), ("crampcare assess one case", cold)):
        table.add_row(
            f"{label} (median)",
            f"{value * 1000:.0f} ms: {value / path_python:.1f}x PATH python3, {value / bare:.1f}x venv",
            "<= 10x python3 -c pass",
            f"PATH: {value <= 10 * path_python}, venv: {value <= 10 * bare}",
        )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
