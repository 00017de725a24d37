"""The assessment benchmark still runs (tiny sizes; the speed targets live in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "assess.py"


@pytest.mark.slow  # runs the benchmark script in fresh interpreters
def test_assess_benchmark_runs_and_prints_its_table(shared_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--seconds", "0.2", "--batch", "20", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert "in-process assessments/s" in proc.stdout
    # the baseline is this interpreter itself (not whatever python3 is first on PATH), alternated
    assert "sys.executable -c pass" in proc.stdout and "crampcare assess one case, cold" in proc.stdout
