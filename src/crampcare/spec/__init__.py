"""A packaged copy of the external contract (``shared/spec``): vocabulary and JSON schemas.

The copies are checked against the shared originals by ``tests/test_spec_copy.py``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def vocabulary() -> dict[str, Any]:
    """The codes of ``vocabulary.yaml`` (parsed once, then read from the on-disk cache: unpickling
    a dict is much faster than importing and running a YAML parser at every start)."""
    from crampcare.cache import cached

    source = resources.files(__package__).joinpath("vocabulary.yaml")
    return cached("vocabulary", [source], _read_vocabulary)


def _read_vocabulary() -> dict[str, Any]:
    import yaml

    text = resources.files(__package__).joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~10x faster
    data: dict[str, Any] = yaml.load(text, Loader=loader)
    return data


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON schema by file stem: ``assessment-input`` or ``assessment-result``."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def codes(section: str) -> frozenset[str]:
    """Every code of a vocabulary section, e.g. ``codes("findings")``."""
    return frozenset(vocabulary()[section])
