"""The public clinical vignettes, scored by the shared scorer with its own thresholds.

The scorer runs the real ``crampcare assess`` command on all 40 cases as one batch. A larger,
hidden set of the same kind judges the engine, so a failure here means fixing the knowledge or the
reasoning for every similar patient, never special-casing a case.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_public_vignettes_meet_every_threshold(shared_dir: Path) -> None:
    exe = Path(sys.executable).with_name("crampcare")
    proc = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "tools" / "score_vignettes.py"),
            str(shared_dir / "vignettes" / "public"),
            "--cmd",
            f"{exe} assess --input -",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    metrics = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 0, proc.stdout
    assert metrics["emergency_missed"] == 0
    assert metrics["recs_forbidden"] == 0
    assert metrics["schema_errors"] == 0
