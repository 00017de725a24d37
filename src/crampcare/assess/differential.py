"""Rank the conditions of the differential with likelihood ratios (naive Bayes, explained).

Each condition starts from its prior (adjusted for age, sex and pregnancy by multipliers), and
each present feature multiplies its odds by the likelihood ratio the knowledge base gives it.
Because the findings are not independent, the result is a ranking with a rough probability, not
a calibrated risk; every entry lists the features for and against it so a clinician can judge.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.assess.compiled import REPORT_AT, compiled
from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.conditions import Condition

MIN_P, MAX_P = 0.001, 0.99
LIST_AT = 0.01  # below 1%, a condition is not worth a line even if something points to it


@dataclass(slots=True)
class Ranked:
    condition: Condition
    probability: float
    supporting: tuple[str, ...]
    against: tuple[str, ...]


def rank(
    kb: KnowledgeBase, present: frozenset[str], explain: int = 8, keep: frozenset[str] = frozenset()
) -> list[Ranked]:
    """Conditions whose gate allows them, most probable first (ties by code, for determinism).

    The first ``explain`` entries list the features for and against them; explaining the rest,
    which nobody reads, would cost more than ranking them. Conditions in ``keep`` are listed
    whenever their gate allows, however improbable.
    """
    diff = compiled(kb).differential
    odds = list(diff.prior_odds)
    conditions = diff.conditions
    touched = set(diff.listed_anyway)
    effects_of, touches = diff.effects.get, diff.touches  # local names: this loop is the hot path
    for f in present:  # each present feature moves the odds of the conditions it bears on
        effects = effects_of(f)
        if effects:
            touched |= touches[f]
            for i, lr in effects:
                odds[i] *= lr
    kept: list[tuple[float, str, int]] = []
    gates, support = diff.gates, diff.support
    if keep:
        touched.update(i for i, c in enumerate(conditions) if c.code in keep)
    for i in touched:  # the others have nothing in their favour and a low prior: not listed
        gate = gates[i]
        if gate is not None and not gate(present):
            continue
        p = min(MAX_P, max(MIN_P, odds[i] / (1 + odds[i])))
        listed = p >= REPORT_AT or (p >= LIST_AT and not support[i].isdisjoint(present))
        if listed or conditions[i].code in keep:
            kept.append((-round(p, 3), conditions[i].code, i))
    kept.sort()
    out: list[Ranked] = []
    labels = diff.labels
    for n, (neg_p, _code, i) in enumerate(kept):
        if n < explain:  # explained in the knowledge base's order
            by_order = diff.order[i].__getitem__
            supporting = tuple(labels[f] for f in sorted(present.intersection(diff.support[i]), key=by_order))
            against = tuple(labels[f] for f in sorted(present.intersection(diff.oppose[i]), key=by_order))
            out.append(Ranked(conditions[i], -neg_p, supporting, against))
        else:
            out.append(Ranked(conditions[i], -neg_p, (), ()))
    return out


def red_flags_first(ranked: list[Ranked], flagged: dict[str, int]) -> list[Ranked]:
    """``ranked`` with the ``flagged`` conditions (code -> level rank) moved to the front: the most
    serious level first, then the more probable."""
    if not flagged:
        return ranked
    lead = sorted(
        (r for r in ranked if r.condition.code in flagged),
        key=lambda r: (-flagged[r.condition.code], -r.probability),
    )
    return lead + [r for r in ranked if r.condition.code not in flagged]
