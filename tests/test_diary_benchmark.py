"""The diary benchmark runs (with tiny sizes) so that it cannot rot unnoticed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "diary.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("diary_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # runs the benchmark, fresh interpreters per step
def test_benchmark_runs_with_small_sizes(capsys: object) -> None:
    bench = _load()
    # One repeat: each repeat starts two fresh interpreters, and this test checks that every step runs,
    # not how fast (the medians of five are for `make bench`).
    rows = bench.run(episodes=500, years=1, pg_admin=None, repeat=1)
    assert {r.backend for r in rows} == {"sqlite"}
    measures = [r.measure for r in rows]
    timed = [r for r in rows if r.measure.startswith(("bare executemany", "diary import (", "re-import"))]
    assert len(timed) == 3 and all(r.seconds > 0 for r in timed)
    assert any(m.startswith("bare executemany, 500 rows") for m in measures)
    assert any(m.startswith("diary import (") for m in measures)
    assert any(m.startswith("re-import unchanged") and "wrote nothing" in m for m in measures)
    assert bench.main(["--episodes", "200", "--years", "1", "--no-pg", "--repeat", "1"]) in (0, 1)
