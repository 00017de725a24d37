"""Choose the recommendations that fit this person and grade each for them.

Which are shown: the action that goes with the triage level, those a fired rule adds, those
whose ``offer_when`` holds, and every treatment the person already takes (so a harmful one is
always named). In an emergency only actions and the person's own treatments are shown: nothing
should distract from getting help.

Grading: the base grade, unless a personal rule holds; the first personal rule that holds wins,
and the knowledge base lists rules about harm first, so a harm is never outweighed.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.assess.compiled import CompiledIntervention, compiled
from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.common import EvidenceGrade, TriageLevel
from crampcare.knowledge.interventions import Intervention
from crampcare.knowledge.rules import Rule

LEVEL_ACTION: dict[TriageLevel, str] = {
    "emergency": "call_emergency_services",
    "urgent": "seek_same_day_care",
    "routine": "book_gp_appointment",
}
CATEGORY_ORDER = ("action", "review", "first_aid", "prevention", "lifestyle", "treatment", "remedy")
CATEGORY_RANK = {c: i for i, c in enumerate(CATEGORY_ORDER)}
OTHER_ACTIONS: dict[str, frozenset[str]] = {
    level: frozenset(LEVEL_ACTION.values()) - {LEVEL_ACTION.get(level, "")}
    for level in ("self_care", "routine", "urgent", "emergency")
}
EMERGENCY_CATEGORIES = frozenset({"action"})


@dataclass(slots=True)
class Graded:
    intervention: Intervention
    grade: EvidenceGrade
    reason: str | None  # why the grade differs from the base grade, if it does
    sources: tuple[str, ...]


def grade(comp: CompiledIntervention, present: frozenset[str]) -> Graded:
    item = comp.item
    for rule, pred in comp.personal:
        if pred(present):
            merged = tuple(dict.fromkeys((*rule.sources, *item.sources)))
            return Graded(item, rule.grade, rule.reason, merged)
    return Graded(item, item.grade, None, item.sources)


def choose(
    kb: KnowledgeBase, present: frozenset[str], level: TriageLevel, fired: tuple[Rule, ...]
) -> list[Graded]:
    wanted: list[str] = []
    if level in LEVEL_ACTION:
        wanted.append(LEVEL_ACTION[level])
    for rule in fired:
        wanted.extend(rule.recommend)
    table = compiled(kb)
    wanted += sorted(table.taken[f] for f in present.intersection(table.taken))
    for item in table.offers.matching(present):
        if level != "emergency" or item.category in EMERGENCY_CATEGORIES:
            wanted.append(item.id)
    # Only the action that matches the level: an emergency must not also say "book a GP visit".
    other_actions = OTHER_ACTIONS[level]
    ids = [i for i in dict.fromkeys(wanted) if i not in other_actions]
    graded = [grade(table.interventions[i], present) for i in ids]
    graded.sort(key=lambda g: (CATEGORY_RANK[g.intervention.category], g.intervention.id))
    return graded
