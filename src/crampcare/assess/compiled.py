"""The knowledge base arranged for speed: expressions compiled once, rules indexed by feature.

The engine evaluates about a hundred rule, offer, grading and test expressions per assessment.
Compiling them once per knowledge base (set operations on frozensets), and indexing each by the
features that must be present for it to hold, lets the engine skip most of them without looking:
one core assesses thousands of people a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.conditions import Condition
from crampcare.knowledge.expressions import Expr, Predicate, compile_expr, triggers
from crampcare.knowledge.features import Threshold
from crampcare.knowledge.foods import advice_list
from crampcare.knowledge.interventions import GradeRule, Intervention
from crampcare.knowledge.labtests import LabTest
from crampcare.knowledge.rules import Rule

T = TypeVar("T")
# A condition is listed when something the person reported supports it, or when its probability
# is high enough on its own; priors alone should not crowd the list with unrelated conditions.
REPORT_AT = 0.15


@dataclass(frozen=True)
class Indexed(Generic[T]):
    """Items with a condition, found by the features the person has."""

    items: tuple[tuple[T, Predicate], ...]
    always: frozenset[int]  # items whose expression names no trigger: always evaluated
    by_feature: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, items: list[tuple[T, Expr]]) -> Indexed[T]:
        by_feature: dict[str, list[int]] = {}
        always: set[int] = set()
        for i, (_item, expr) in enumerate(items):
            found = triggers(expr)
            if found is None:
                always.add(i)
            for f in found or ():
                by_feature.setdefault(f, []).append(i)
        return cls(
            tuple((item, compile_expr(expr)) for item, expr in items),
            frozenset(always),
            {f: tuple(ix) for f, ix in by_feature.items()},
        )

    def matching(self, present: frozenset[str]) -> list[T]:
        """The items whose expression holds, in knowledge-base order."""
        candidates = set(self.always)
        for f in present:
            hit = self.by_feature.get(f)
            if hit:
                candidates.update(hit)
        return [self.items[i][0] for i in sorted(candidates) if self.items[i][1](present)]


@dataclass(frozen=True)
class Differential:
    """Every condition's prior odds, and for each feature the conditions it moves and by how much."""

    conditions: tuple[Condition, ...]
    prior_odds: tuple[float, ...]
    effects: dict[str, tuple[tuple[int, float], ...]]  # feature -> (condition index, ratio)
    touches: dict[str, frozenset[int]]  # feature -> the conditions it bears on
    listed_anyway: frozenset[int]  # conditions whose prior alone is high enough to be listed
    gates: tuple[Predicate | None, ...]
    evidence: tuple[dict[str, float], ...]  # each condition's own evidence: feature -> ratio
    order: tuple[dict[str, int], ...]  # its position in the knowledge base, to explain in that order
    support: tuple[frozenset[str], ...]  # each condition's features that argue for it
    oppose: tuple[frozenset[str], ...]  # and those that argue against it
    labels: dict[str, str]  # feature -> how the result names it (findings by their bare code)


@dataclass(frozen=True)
class CompiledIntervention:
    item: Intervention
    personal: tuple[tuple[GradeRule, Predicate], ...]


@dataclass(frozen=True)
class Compiled:
    rules: Indexed[Rule]
    differential: Differential
    interventions: dict[str, CompiledIntervention]
    offers: Indexed[Intervention]
    taken: dict[str, str]  # "takes:<code>" -> <code>: treatments a person can already be taking
    tests: Indexed[LabTest]
    diet: dict[str, list[tuple[str, float]]]  # nutrient -> (everyday food name, mg per 100 g)
    thresholds: dict[str, tuple[Threshold, ...]]  # measure -> the thresholds on it
    patterns: tuple[tuple[str, Predicate], ...]


def _differential(conditions: list[Condition], report_at: float) -> Differential:
    effects: dict[str, list[tuple[int, float]]] = {}
    for i, c in enumerate(conditions):
        for ev in (*c.prior_multipliers, *c.evidence):
            effects.setdefault(ev.feature, []).append((i, ev.lr))
    return Differential(
        conditions=tuple(conditions),
        prior_odds=tuple(c.prior / (1 - c.prior) for c in conditions),
        effects={f: tuple(e) for f, e in effects.items()},
        touches={f: frozenset(i for i, _ in e) for f, e in effects.items()},
        listed_anyway=frozenset(i for i, c in enumerate(conditions) if c.prior >= report_at),
        gates=tuple(compile_expr(c.requires) if c.requires is not None else None for c in conditions),
        evidence=tuple({ev.feature: ev.lr for ev in c.evidence} for c in conditions),
        order=tuple({ev.feature: k for k, ev in enumerate(c.evidence)} for c in conditions),
        support=tuple(frozenset(ev.feature for ev in c.evidence if ev.lr > 1) for c in conditions),
        oppose=tuple(frozenset(ev.feature for ev in c.evidence if ev.lr < 1) for c in conditions),
        labels={f: f.removeprefix("finding:") for f in effects},
    )


def _by_measure(thresholds: tuple[Threshold, ...]) -> dict[str, tuple[Threshold, ...]]:
    out: dict[str, list[Threshold]] = {}
    for t in thresholds:
        out.setdefault(t.measure, []).append(t)
    return {m: tuple(ts) for m, ts in out.items()}


def _build(kb: KnowledgeBase) -> Compiled:
    offered = [(i, i.offer_when) for i in kb.interventions.values() if i.offer_when is not None]
    return Compiled(
        rules=Indexed.build([(r, r.when) for r in kb.rules]),
        differential=_differential(list(kb.conditions.values()), REPORT_AT),
        interventions={
            k: CompiledIntervention(i, tuple((r, compile_expr(r.when)) for r in i.personal))
            for k, i in kb.interventions.items()
        },
        offers=Indexed.build(offered),
        taken={f"takes:{k}": k for k in kb.interventions},
        tests=Indexed.build([(t, t.suggest_when) for t in kb.tests.values()]),
        diet={n: advice_list(kb.foods, picks, n) for n, picks in kb.diet.items()},  # type: ignore[arg-type]
        thresholds=_by_measure(kb.thresholds),
        patterns=tuple((p.id, compile_expr(p.when)) for p in kb.patterns),
    )


_CACHE: dict[int, tuple[KnowledgeBase, Compiled]] = {}


def compiled(kb: KnowledgeBase, build: Callable[[KnowledgeBase], Compiled] = _build) -> Compiled:
    """The compiled form of ``kb``, built on first use and kept with it."""
    hit = _CACHE.get(id(kb))
    if hit is not None and hit[0] is kb:
        return hit[1]
    out = build(kb)
    _CACHE[id(kb)] = (kb, out)  # keeps kb alive, so its id is not reused
    return out
