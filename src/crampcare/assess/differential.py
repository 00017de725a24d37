"""Rank the conditions of the differential with likelihood ratios (naive Bayes, explained).

Each condition starts from its prior (adjusted for age, sex and pregnancy by multipliers), and
each present feature multiplies its odds by the likelihood ratio the knowledge base gives it.
Because the findings are not independent, the result is a ranking with a rough probability, not
a calibrated risk; every entry lists the features for and against it so a clinician can judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.conditions import Condition
from crampcare.knowledge.expressions import holds

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


def _posterior(c: Condition, present: frozenset[str]) -> tuple[float, list[str], list[str]]:
    odds = c.prior / (1 - c.prior)
    for m in c.prior_multipliers:
        if m.feature in present:
            odds *= m.lr
    supporting: list[str] = []
    against: list[str] = []
    for ev in c.evidence:
        if ev.feature in present:
            odds *= ev.lr
            (supporting if ev.lr > 1 else against).append(ev.feature)
    p = odds / (1 + odds)
    return min(MAX_P, max(MIN_P, p)), supporting, against


def _label(feature: str) -> str:
    """``finding:chest_pain`` -> ``chest_pain``: the spec lists findings by their code."""
    kind, _, code = feature.partition(":")
    return code if kind == "finding" else feature


def rank(kb: KnowledgeBase, present: frozenset[str]) -> list[Ranked]:
    """Conditions whose gate allows them, most probable first (ties by code, for determinism)."""
    out: list[Ranked] = []
    for c in kb.conditions.values():
        if c.requires is not None and not holds(c.requires, present):
            continue
        p, sup, ag = _posterior(c, present)
        if not sup and p < REPORT_AT:
            continue
        out.append(Ranked(c, round(p, 3), tuple(map(_label, sup)), tuple(map(_label, ag))))
    out.sort(key=lambda r: (-r.probability, r.condition.code))
    return out
