"""A gigabyte Apple Health export imported with bounded memory (issue 14, point 4).

    .venv/bin/python benchmarks/phone_import.py                 # ~1 GB export.xml, bound 200 MB
    .venv/bin/python benchmarks/phone_import.py --mb 100        # a quick smoke run

Generates a year of Apple Health data (``tests/phone_exports.py``: steps from an iPhone and a Watch,
workouts, sleep stages, padded with heart-rate records as real exports are) streamed into a zip in a
temporary folder, then runs ``crampcare diary import`` on it in a fresh interpreter that reports its
own peak resident memory (``VmHWM``). Passes when the import succeeds with every day as expected
and the peak stays below ``--bound-mb``. Times are printed, not asserted. On the 2-core shared CI
machine (9 engineers' tests running) a 1.6 GB export took 5 minutes to generate and 3.6 minutes to
import, with a peak of 74 MB: too long for ``make test``, so ``tests/test_activity_import.py``
runs the same check on a ~120 MB export (marked slow, about 40 s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.phone_exports import write_apple_export  # noqa: E402

# Bytes of one heart-rate filler record with its MetadataEntry, as tests/phone_exports.py writes it.
FILLER_BYTES = 470
# The peak is VmHWM, the high-water mark of this process's own memory map. Not ru_maxrss: on Linux
# that keeps the larger of the parent's size at fork and the child's, so a child of a big pytest
# worker would report the worker's memory.
PEAK_SCRIPT = """
import resource, sys
from crampcare.cli import app

def peak_kb():
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    print("PEAK_KB", peak_kb(), file=sys.stderr)
"""


def import_with_peak(path: Path, db: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``crampcare diary import`` in a fresh interpreter; (the run, its peak RSS in KB)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_SCRIPT,
            "diary",
            "import",
            str(path),
            "--tz",
            "Europe/Berlin",
            "--db",
            db,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    peak = done.stderr.rsplit("PEAK_KB ", 1)
    return done, int(peak[1].split()[0]) if len(peak) == 2 else -1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024, help="size of export.xml to generate (MB)")
    ap.add_argument("--bound-mb", type=int, default=200, help="peak resident memory allowed (MB)")
    a = ap.parse_args()
    filler = max(0, a.mb * 1024 * 1024 // 366 // FILLER_BYTES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        start = time.perf_counter()
        expected = write_apple_export(path, filler_per_day=filler, level=1)
        generated = time.perf_counter() - start
        with zipfile.ZipFile(path) as archive:
            size = archive.getinfo("apple_health_export/export.xml").file_size
        start = time.perf_counter()
        done, peak_kb = import_with_peak(path, f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        took = time.perf_counter() - start
    ok = done.returncode == 0 and f"{len(expected)} new" in done.stdout and 0 < peak_kb < a.bound_mb * 1024
    print(f"export.xml {size / 1e6:,.0f} MB (zip {path.name}); generated in {generated:.0f} s")
    verdict = "ok" if ok else "FAIL"
    print(f"import: {took:.0f} s, peak RSS {peak_kb / 1024:.0f} MB (bound {a.bound_mb} MB): {verdict}")
    if done.returncode:
        print(done.stdout, done.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
