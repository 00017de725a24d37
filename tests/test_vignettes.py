"""Clinical vignettes, scored by the shared scorer with its own thresholds.

The scorer runs the real ``crampcare assess`` command on all cases as one batch. A larger, hidden
set of the same kind judges the engine, so a failure here means fixing the knowledge or the
reasoning for every similar patient, never special-casing a case.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

OWN = Path(__file__).parent / "vignettes"


def score(shared_dir: Path, cases: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    exe = Path(sys.executable).with_name("crampcare")
    scorer = shared_dir / "tools" / "score_vignettes.py"
    proc = subprocess.run(
        [sys.executable, str(scorer), str(cases), "--cmd", f"{exe} assess --input -", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc, json.loads(proc.stdout.strip().splitlines()[-1])


def test_public_vignettes_meet_every_threshold(shared_dir: Path) -> None:
    proc, metrics = score(shared_dir, shared_dir / "vignettes" / "public")
    assert proc.returncode == 0, proc.stdout
    assert metrics["emergency_missed"] == 0
    assert metrics["recs_forbidden"] == 0
    assert metrics["schema_errors"] == 0


@pytest.mark.parametrize("folder", ["extra", "extra2", "extra3", "extra4"])
def test_our_own_vignettes_meet_every_threshold(shared_dir: Path, folder: str) -> None:
    """200 further cases written by clinicians on the team without reading the engine's knowledge
    (``tests/vignettes/extra*``), scored by the same scorer and thresholds."""
    proc, metrics = score(shared_dir, OWN / folder)
    assert metrics["n"] == len(list((OWN / folder).glob("*.json"))) >= 40
    assert proc.returncode == 0, proc.stdout
    assert metrics["emergency_missed"] == 0
    assert metrics["recs_forbidden"] == 0


# Cases taken from published case reports (tests/vignettes/published, issue 8). They test knowledge that
# is still being built (high potassium, calcium and sodium, drug toxicity, tetanus, cauda equina,
# hypothermia, sepsis), so the thresholds are expected to fail until that knowledge lands: remove the
# xfail mark once the engine meets them. The format checks below always run.
PUBLISHED = OWN / "published"
BUILDING = "knowledge for the published case reports is still being built (issue 8)"


def test_published_case_vignettes_meet_every_threshold(shared_dir: Path) -> None:
    proc, metrics = score(shared_dir, PUBLISHED)
    assert proc.returncode == 0, proc.stdout
    assert metrics["emergency_missed"] == 0
    assert metrics["recs_forbidden"] == 0


def test_published_case_vignettes_are_well_formed(shared_dir: Path) -> None:
    """At least 45 cases, each a valid AssessmentInput citing its source, all run by the scorer."""
    import jsonschema

    schema = json.loads((shared_dir / "spec" / "assessment-input.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(PUBLISHED.glob("*.json"))
    assert len(files) >= 45
    for path in files:
        case = json.loads(path.read_text(encoding="utf-8"))
        assert case["id"] == path.stem
        assert not list(validator.iter_errors(case["input"])), path.name
        assert case["source"] and case["rationale"], path.name
    _, metrics = score(shared_dir, PUBLISHED)
    assert metrics["n"] == len(files)
    assert metrics["schema_errors"] == 0
