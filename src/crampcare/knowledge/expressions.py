"""A tiny, data-friendly logic for rules: which features must be present.

In YAML a rule's ``when`` is a feature name (``finding:chest_pain``) or a mapping with one or more
of ``all``, ``any`` (optionally ``at_least: N``) and ``none``, nested as deep as needed::

    when:
      all:
        - any: [finding:unilateral_calf_swelling, finding:persistent_calf_pain_tenderness]
        - any: [finding:shortness_of_breath, finding:chest_pain, finding:coughing_blood]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pydantic import model_validator

from crampcare.knowledge.common import Strict


class Group(Strict):
    all: tuple[Expr, ...] = ()
    any: tuple[Expr, ...] = ()
    at_least: int = 1
    none: tuple[Expr, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Group:
        if not (self.all or self.any or self.none):
            raise ValueError("a group needs at least one of all / any / none")
        if len({repr(e) for e in self.any}) != len(self.any):
            raise ValueError("'any' lists an item twice")
        if self.any and not 1 <= self.at_least <= len(self.any):
            raise ValueError("at_least must be between 1 and the number of 'any' items")
        return self


Expr = str | Group


Predicate = Callable[[frozenset[str]], bool]
_COMPILED: dict[int, tuple[Expr, Predicate]] = {}


def compile_expr(expr: Expr) -> Predicate:
    """A fast predicate equivalent to ``holds(expr, ...)``, built once per expression.

    The engine evaluates hundreds of expressions per assessment; set operations on frozensets are
    several times faster than walking the tree each time.
    """
    hit = _COMPILED.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    pred = _compile(expr)
    _COMPILED[id(expr)] = (expr, pred)  # keeps expr alive, so its id is not reused
    return pred


def _compile(expr: Expr) -> Predicate:
    if isinstance(expr, str):
        return lambda present: expr in present
    all_names = frozenset(e for e in expr.all if isinstance(e, str))
    all_groups = tuple(compile_expr(e) for e in expr.all if not isinstance(e, str))
    any_names = frozenset(e for e in expr.any if isinstance(e, str))
    any_groups = tuple(compile_expr(e) for e in expr.any if not isinstance(e, str))
    none_names = frozenset(e for e in expr.none if isinstance(e, str))
    none_groups = tuple(compile_expr(e) for e in expr.none if not isinstance(e, str))
    need = expr.at_least if expr.any else 0

    def pred(present: frozenset[str]) -> bool:
        if not all_names <= present or not all(g(present) for g in all_groups):
            return False
        if need:
            count = len(any_names & present)
            if count < need:
                count += sum(1 for g in any_groups if g(present))
                if count < need:
                    return False
        if not none_names.isdisjoint(present):
            return False
        return not any(g(present) for g in none_groups)

    return pred


def triggers(expr: Expr) -> frozenset[str] | None:
    """Features of which at least one must be present for ``expr`` to hold (None: no such set).

    Lets the engine skip, without evaluating them, the many rules that mention nothing the person
    reported.
    """
    if isinstance(expr, str):
        return frozenset({expr})
    options: list[frozenset[str]] = []
    if expr.any and expr.at_least >= 1:
        parts = [triggers(e) for e in expr.any]
        if all(p is not None for p in parts):
            options.append(frozenset().union(*(p for p in parts if p is not None)))
    for e in expr.all:
        t = triggers(e)
        if t is not None:
            options.append(t)
    return min(options, key=len) if options else None


def holds(expr: Expr, present: frozenset[str] | set[str]) -> bool:
    """Whether the expression is true for a person with these features."""
    if isinstance(expr, str):
        return expr in present
    if expr.all and not all(holds(e, present) for e in expr.all):
        return False
    if expr.any and sum(holds(e, present) for e in expr.any) < expr.at_least:
        return False
    return not any(holds(e, present) for e in expr.none)


def matched(expr: Expr, present: frozenset[str] | set[str]) -> list[str]:
    """The present features that made a true expression true (for explanations)."""
    if isinstance(expr, str):
        return [expr] if expr in present else []
    out: list[str] = []
    for e in (*expr.all, *expr.any):
        out.extend(f for f in matched(e, present) if f not in out)
    return out


def features_in(expr: Expr) -> Iterator[str]:
    """Every feature an expression mentions (to check them against the catalogue)."""
    if isinstance(expr, str):
        yield expr
        return
    for e in (*expr.all, *expr.any, *expr.none):
        yield from features_in(e)
