"""Run every benchmark in this folder, one after another, each printing its own table.

    make bench                       # or: .venv/bin/python benchmarks/run_all.py [--quick]

``--quick`` passes small sizes so the whole run takes a minute or two (for a smoke check); without
it each benchmark uses the sizes its issue names.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK_ARGS = {
    "assess.py": ["--seconds", "1", "--batch", "400", "--repeat", "3"],
    "diary.py": ["--episodes", "5000", "--repeat", "3"],
    "dashboard.py": ["--years", "1", "10", "--requests", "200", "--rounds", "1", "--no-pg"],
    "web.py": ["--quick"],
    "phone_import.py": ["--mb", "100"],
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    a = ap.parse_args()
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name == Path(__file__).name:
            continue
        print(f"\n== {script.name}", flush=True)
        args = QUICK_ARGS.get(script.name, []) if a.quick else []
        if subprocess.run([sys.executable, str(script), *args]).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
