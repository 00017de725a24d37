"""Smoke test of ``benchmarks/web.py`` with tiny numbers (the real run is ``make bench``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "web.py"


@pytest.mark.slow  # runs the benchmark against live servers
def test_web_benchmark_runs(capsys: object) -> None:
    spec = importlib.util.spec_from_file_location("bench_web", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    results = module.main(
        ["--requests", "20", "--warmup", "2", "--concurrency", "4", "--episodes", "20", "--no-pg"]
    )
    assert {r.endpoint for r in results} == {"trivial", "assess", "dashboard"}
    assert all(r.errors == 0 and r.requests == 20 and r.rps > 0 for r in results)
