"""Choose the recommendations that fit this person and grade each for them.

Which are shown: the action that goes with the triage level, those a fired rule adds, those
whose ``offer_when`` holds, and every treatment the person already takes (so a harmful one is
always named). In an emergency only actions and the person's own treatments are shown: nothing
should distract from getting help.

Focus: with a red flag of urgent level or above, advice meant to prevent or treat ordinary cramps
(first aid, bedtime stretches, cramp treatments and remedies offered unasked) is left out: a calf
that may hold a clot must not be stretched or massaged, and the person's task is to be seen.

Sources: an action added because of a red flag (the level's action, ``contact_prescriber_today``...)
cites the sources of the rules that added it, so a card about a cold leg does not cite an epilepsy
guideline.

Grading: the base grade, unless a personal rule holds; the first personal rule that holds wins,
and the knowledge base lists rules about harm first, so a harm is never outweighed.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.assess.compiled import CompiledIntervention, compiled
from crampcare.assess.triage import rank_of
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
# Advice for ordinary cramps, not offered unasked once an urgent or emergency red flag has fired.
CRAMP_ADVICE_CATEGORIES = frozenset({"first_aid", "prevention", "treatment", "remedy"})


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


def _rule_sources(
    level: TriageLevel, fired: tuple[Rule, ...], likely_sources: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Intervention id -> the sources of the rules (or likely conditions) that call for it."""
    out: dict[str, list[str]] = {}
    action = LEVEL_ACTION.get(level)
    for rule in fired:
        if action and rule.level == level:
            out.setdefault(action, []).extend(rule.sources)
        for code in rule.recommend:
            out.setdefault(code, []).extend(rule.sources)
    if action and action not in out and likely_sources:
        out[action] = list(likely_sources)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def choose(
    kb: KnowledgeBase,
    present: frozenset[str],
    level: TriageLevel,
    fired: tuple[Rule, ...],
    likely_sources: tuple[str, ...] = (),
) -> list[Graded]:
    """``likely_sources``: sources of the likely conditions that set the level when no rule did."""
    wanted: list[str] = []
    if level in LEVEL_ACTION:
        wanted.append(LEVEL_ACTION[level])
    for rule in fired:
        wanted.extend(rule.recommend)
    table = compiled(kb)
    wanted += sorted(table.taken[f] for f in present.intersection(table.taken))
    alarmed = any(r.red_flag and rank_of(r.level) >= rank_of("urgent") for r in fired)
    for item in table.offers.matching(present):
        if level == "emergency" and item.category not in EMERGENCY_CATEGORIES:
            continue
        if alarmed and item.category in CRAMP_ADVICE_CATEGORIES:
            continue
        wanted.append(item.id)
    # Only the action that matches the level: an emergency must not also say "book a GP visit".
    other_actions = OTHER_ACTIONS[level]
    ids = [i for i in dict.fromkeys(wanted) if i not in other_actions]
    why = _rule_sources(level, fired, likely_sources)
    graded = []
    for i in ids:
        g = grade(table.interventions[i], present)
        if i in why and g.reason is None:  # about this person's red flags, not the generic list
            g.sources = why[i]
        graded.append(g)
    graded.sort(key=lambda g: (CATEGORY_RANK[g.intervention.category], g.intervention.id))
    return graded
