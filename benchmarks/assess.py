"""Speed of the assessment engine (targets from issue 2).

    .venv/bin/python benchmarks/assess.py [--seconds 3]

Prints a table: assessments per second in-process on one core (target >= 5,000), batch throughput
through the CLI after its cold start (target >= 3,000/s, issue 13), and the CLI's cold start on one
case next to ``sys.executable -c pass`` (target <= 5x, issue 13). Every command runs through this
interpreter (``sys.executable -m crampcare``), never a ``python3`` or ``crampcare`` found on PATH
(a pyenv shim there adds its own start-up and hid the real ratio), and the commands alternate, so
their medians see the same machine.
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


def crampcare_cmd() -> list[str]:
    """The CLI as this interpreter runs it (``sys.executable -m crampcare``): the same virtual
    environment as the baseline, whatever ``python3`` or ``crampcare`` is first on PATH."""
    return [sys.executable, "-m", "crampcare"]


def alternated(
    commands: dict[str, list[str]], repeat: int, stdin: dict[str, bytes] | None = None
) -> dict[str, float]:
    """Median wall time of each command, running them in turn ``repeat`` times (so that noise from a
    shared machine hits every one of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    one = folder / "one.json"
    one.write_text(json.dumps(cases()[0]), encoding="utf-8")
    batch = folder / "batch.json"
    batch.write_text(json.dumps((cases() * (a.batch // 40 + 1))[: a.batch]), encoding="utf-8")

    rate = in_process(a.seconds)
    cli = crampcare_cmd()
    t = alternated(
        {
            "bare": [sys.executable, "-c", "pass"],
            "one": [*cli, "assess", "--input", str(one)],
            "batch": [*cli, "assess", "--input", str(batch)],
            "help": [*cli, "--help"],
        },
        a.repeat,
    )
    # Batch throughput after the cold start: the batch run minus a one-case run of the same command.
    batch_rate = (a.batch - 1) / max(t["batch"] - t["one"], 1e-9)

    table = Table(title="crampcare assess")
    for col in ("measure", "value", "target", "ok"):
        table.add_column(col)
    table.add_row("in-process assessments/s (1 core)", f"{rate:,.0f}", ">= 5,000", str(rate >= 5000))
    table.add_row(
        f"CLI batch of {a.batch}: assessments/s after the cold start",
        f"{batch_rate:,.0f}",
        ">= 3,000",
        str(batch_rate >= 3000),
    )
    table.add_row(
        "sys.executable -c pass (median, alternated)", f"{t['bare'] * 1000:.0f} ms", "baseline", "-"
    )
    table.add_row(
        "crampcare assess one case, cold (median, alternated)",
        f"{t['one'] * 1000:.0f} ms = {t['one'] / t['bare']:.1f}x",
        "<= 5x sys.executable -c pass",
        str(t["one"] <= 5 * t["bare"]),
    )
    table.add_row(
        "crampcare --help (median, alternated)",
        f"{t['help'] * 1000:.0f} ms = {t['help'] / t['bare']:.1f}x",
        "-",
        "-",
    )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
