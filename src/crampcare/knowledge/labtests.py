"""Tests worth discussing with a doctor (the vocabulary's `tests`), with LOINC codes."""

from __future__ import annotations

from crampcare.knowledge.common import Code, Sourced
from crampcare.knowledge.expressions import Expr


class LabTest(Sourced):
    code: Code
    name: str
    loinc: tuple[str, ...] = ()  # LOINC codes, each with its check noted in tests.yaml
    suggest_when: Expr
    reason: str
