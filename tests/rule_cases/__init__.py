"""Firing cases, near misses and expected levels for every triage rule, one module per topic.

Each module defines ``CASES`` (rule id -> (an input that fires it, a near miss that must not)) and
``EXPECTED`` (rule id -> (the triage level the clinical source demands, the source and where it
says so)). Expected levels are written by hand from the guidance, never read from the rule: a rule
downgraded in the knowledge base must make a test fail.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

Case = tuple[dict[str, Any], dict[str, Any]]


def _collect() -> tuple[dict[str, Case], dict[str, tuple[str, str]]]:
    cases: dict[str, Case] = {}
    expected: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, found in (("CASES", cases), ("EXPECTED", expected)):
            part = getattr(module, name, {})
            clash = set(part) & set(found)
            if clash:
                raise ValueError(f"{info.name}.{name}: rule ids defined twice: {sorted(clash)}")
            found.update(part)
    return cases, expected


CASES, EXPECTED = _collect()
