"""Triage rules and red flags: named combinations of features with a level and a message.

A rule that fires sets a floor under the triage level; nothing computed later can lower it.
"""

from __future__ import annotations

from crampcare.knowledge.common import Code, Sourced, TriageLevel
from crampcare.knowledge.expressions import Expr


class Rule(Sourced):
    id: Code
    level: TriageLevel
    when: Expr
    condition: Code | None = None  # the differential condition the rule is about, if one
    red_flag: bool = True  # false for ordinary reasons to book a GP visit (not alarming)
    message: str  # plain words, addressed to the person
    # Recommendations this rule adds (beyond the one that comes with its level).
    recommend: tuple[Code, ...] = ()
