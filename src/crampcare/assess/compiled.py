"""The knowledge base arranged for speed: every expression compiled to a predicate, once.

The engine evaluates about a hundred rule, offer, grading and test expressions per assessment.
Compiling them once per knowledge base (set operations on frozensets) instead of walking each
expression tree every time is what lets one core assess thousands of people a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.conditions import Condition
from crampcare.knowledge.expressions import Predicate, compile_expr
from crampcare.knowledge.interventions import GradeRule, Intervention
from crampcare.knowledge.labtests import LabTest
from crampcare.knowledge.rules import Rule


@dataclass(frozen=True)
class CompiledCondition:
    condition: Condition
    prior_odds: float
    multipliers: dict[str, float]
    evidence: dict[str, float]
    order: dict[str, int]  # the knowledge base's order, so explanations read as written
    gate: Predicate | None


@dataclass(frozen=True)
class CompiledIntervention:
    item: Intervention
    offer: Predicate | None
    personal: tuple[tuple[GradeRule, Predicate], ...]


@dataclass(frozen=True)
class Compiled:
    rules: tuple[tuple[Rule, Predicate], ...]
    conditions: tuple[CompiledCondition, ...]
    interventions: dict[str, CompiledIntervention]
    tests: tuple[tuple[LabTest, Predicate], ...]


def _condition(c: Condition) -> CompiledCondition:
    return CompiledCondition(
        condition=c,
        prior_odds=c.prior / (1 - c.prior),
        multipliers={m.feature: m.lr for m in c.prior_multipliers},
        evidence={ev.feature: ev.lr for ev in c.evidence},
        order={ev.feature: i for i, ev in enumerate(c.evidence)},
        gate=compile_expr(c.requires) if c.requires is not None else None,
    )


def _intervention(i: Intervention) -> CompiledIntervention:
    offer = compile_expr(i.offer_when) if i.offer_when is not None else None
    return CompiledIntervention(i, offer, tuple((r, compile_expr(r.when)) for r in i.personal))


_CACHE: dict[int, tuple[KnowledgeBase, Compiled]] = {}


def compiled(kb: KnowledgeBase) -> Compiled:
    """The compiled form of ``kb``, built on first use and kept with it."""
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    out = Compiled(
        rules=tuple((r, compile_expr(r.when)) for r in kb.rules),
        conditions=tuple(_condition(c) for c in kb.conditions.values()),
        interventions={k: _intervention(i) for k, i in kb.interventions.items()},
        tests=tuple((t, compile_expr(t.suggest_when)) for t in kb.tests.values()),
    )
    _CACHE[id(kb)] = (kb, out)  # keeps kb alive, so its id is not reused
    return out
