"""The packaged copy of the contract matches ``shared/spec``: we may add, never rename or drop."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from crampcare.spec import schema, vocabulary


def test_vocabulary_keeps_every_shared_code(shared_dir: Path) -> None:
    shared = yaml.safe_load((shared_dir / "spec" / "vocabulary.yaml").read_text(encoding="utf-8"))
    ours = vocabulary()
    for section, codes in shared.items():
        assert section in ours
        if isinstance(codes, dict):
            assert set(codes) <= set(ours[section]), section


def test_schemas_are_the_shared_ones(shared_dir: Path) -> None:
    for name in ("assessment-input", "assessment-result"):
        shared = json.loads((shared_dir / "spec" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert schema(name) == shared
