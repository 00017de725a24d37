"""Tests worth discussing with a doctor (the vocabulary's `tests`), with LOINC codes."""

from __future__ import annotations

from crampcare.knowledge.common import Code, Sourced
from crampcare.knowledge.expressions import Expr


class LabTest(Sourced):
    code: Code
    name: str
    loinc: tuple[str, ...] = ()  # verified LOINC codes only
    suggest_when: Expr
    reason: str
