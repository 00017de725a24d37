"""Rank the conditions of the differential with likelihood ratios (naive Bayes, explained).

Each condition starts from its prior (adjusted for age, sex and pregnancy by multipliers), and
each present feature multiplies its odds by the likelihood ratio the knowledge base gives it.
Because the findings are not independent, the result is a ranking with a rough probability, not
a calibrated risk; every entry lists the features for and against it so a clinician can judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.assess.compiled import CompiledCondition, compiled
from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.conditions import Condition

MIN_P, MAX_P = 0.001, 0.99
# A condition is listed when something the person reported supports it, or when its probability
# is high enough on its own; priors alone should not crowd the list with unrelated conditions.
REPORT_AT = 0.15


@dataclass(frozen=True)
class Ranked:
    condition: Condition
    probability: float
    supporting: tuple[str, ...]
    against: tuple[str, ...]


def _probability(comp: CompiledCondition, present: frozenset[str]) -> tuple[float, set[str]]:
    """The condition's probability for this person, and the evidence features present."""
    odds = comp.prior_odds
    for f in comp.multipliers.keys() & present:
        odds *= comp.multipliers[f]
    hits = comp.evidence.keys() & present
    for f in hits:
        odds *= comp.evidence[f]
    p = odds / (1 + odds)
    return min(MAX_P, max(MIN_P, p)), hits


def _label(feature: str) -> str:
    """``finding:chest_pain`` -> ``chest_pain``: the spec lists findings by their code."""
    kind, _, code = feature.partition(":")
    return code if kind == "finding" else feature


def rank(kb: KnowledgeBase, present: frozenset[str]) -> list[Ranked]:
    """Conditions whose gate allows them, most probable first (ties by code, for determinism)."""
    out: list[Ranked] = []
    for comp in compiled(kb).conditions:
        c = comp.condition
        if comp.gate is not None and not comp.gate(present):
            continue
        p, hits = _probability(comp, present)
        supported = any(comp.evidence[f] > 1 for f in hits)
        if not supported and p < REPORT_AT:
            continue
        ordered = [f for f in comp.order if f in hits]  # explanations in the knowledge base's order
        supporting = tuple(_label(f) for f in ordered if comp.evidence[f] > 1)
        against = tuple(_label(f) for f in ordered if comp.evidence[f] < 1)
        out.append(Ranked(c, round(p, 3), supporting, against))
    out.sort(key=lambda r: (-r.probability, r.condition.code))
    return out
