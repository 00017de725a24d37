"""Triage: red-flag rules first and absolute, then the likely condition's usual level.

The level is the highest that any fired rule or any likely condition reaches. A rule can only raise
the level; no score lowers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.assess.compiled import compiled
from crampcare.assess.differential import Ranked
from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.common import TRIAGE_ORDER, TriageLevel
from crampcare.knowledge.rules import Rule


@dataclass(slots=True)
class TriageOutcome:
    level: TriageLevel
    fired: tuple[Rule, ...]  # highest level first
    likely: tuple[Ranked, ...]  # likely conditions that raised the level


RANK = {level: i for i, level in enumerate(TRIAGE_ORDER)}


def rank_of(level: TriageLevel) -> int:
    return RANK[level]


def fired_rules(kb: KnowledgeBase, present: frozenset[str]) -> tuple[Rule, ...]:
    """The rules that hold for this person, highest level first."""
    return tuple(sorted(compiled(kb).rules.matching(present), key=lambda r: (-rank_of(r.level), r.id)))


def decide(ranked: list[Ranked], fired: tuple[Rule, ...]) -> TriageOutcome:
    """The triage level: the highest that a fired rule or a likely condition reaches."""
    level: TriageLevel = "self_care"
    for r in fired:
        if rank_of(r.level) > rank_of(level):
            level = r.level
    likely: list[Ranked] = []
    for entry in ranked:
        c = entry.condition
        if entry.probability >= c.likely_at and rank_of(c.when_likely) > rank_of("self_care"):
            likely.append(entry)
            if rank_of(c.when_likely) > rank_of(level):
                level = c.when_likely
    return TriageOutcome(level, fired, tuple(likely))


def flagged_conditions(fired: tuple[Rule, ...]) -> dict[str, int]:
    """Conditions named by fired red flags of urgent or emergency level, with that level's rank."""
    out: dict[str, int] = {}
    for rule in fired:
        level = RANK[rule.level]
        if rule.red_flag and rule.condition and level >= RANK["urgent"]:
            out[rule.condition] = max(level, out.get(rule.condition, 0))
    return out
