"""Patterns: named combinations of features that several rules and recommendations share.

Writing "a true cramp" once, as data, keeps the rules that use it short and in agreement, and the
engine evaluates it once per assessment instead of once per rule.
"""

from __future__ import annotations

from pydantic import field_validator

from crampcare.knowledge.common import Sourced
from crampcare.knowledge.expressions import Expr


class Pattern(Sourced):
    id: str
    label: str
    when: Expr

    @field_validator("id")
    @classmethod
    def _prefixed(cls, value: str) -> str:
        if not value.startswith("pattern:"):
            raise ValueError("a pattern id starts with 'pattern:'")
        return value
