"""Foods rich in magnesium, potassium and calcium, from a real composition table.

The rows come from the Indian Food Composition Tables 2017 (``data/foods.csv``, a copy of the
columns crampcare needs; attribution in ``data/FOODS-ATTRIBUTION.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from crampcare.knowledge.common import Strict

Nutrient = Literal["magnesium", "potassium", "calcium"]
NUTRIENTS: tuple[Nutrient, ...] = ("magnesium", "potassium", "calcium")


class Food(Strict):
    """Milligrams per 100 g edible portion."""

    code: str
    name: str
    group: str
    magnesium_mg: float | None = None
    potassium_mg: float | None = None
    calcium_mg: float | None = None

    def amount(self, nutrient: Nutrient) -> float | None:
        value: float | None = getattr(self, f"{nutrient}_mg")
        return value


def richest(foods: Iterable[Food], nutrient: Nutrient, n: int = 10, group: str | None = None) -> list[Food]:
    """The ``n`` foods with the most ``nutrient`` per 100 g, richest first.

    Foods without a value for the nutrient are left out; ``group`` (case-insensitive, exact food
    group name or a substring of it) narrows the list. Ties keep the table's order.
    """
    wanted = group.casefold() if group else None
    rows = [
        f
        for f in foods
        if f.amount(nutrient) is not None and (wanted is None or wanted in f.group.casefold())
    ]
    rows.sort(key=lambda f: -(f.amount(nutrient) or 0.0))
    return rows[: max(n, 0)]


def lookup(foods: Iterable[Food], name: str) -> list[Food]:
    """Foods whose name contains ``name`` (case-insensitive), in table order."""
    needle = name.casefold().strip()
    return [f for f in foods if needle in f.name.casefold()]


def describe(food: Food, nutrient: Nutrient) -> str:
    """One line of advice text, e.g. ``Almond: 318 mg magnesium per 100 g``."""
    value = food.amount(nutrient)
    if value is None:
        return f"{food.name}: no {nutrient} value in the table"
    return f"{food.name}: {value:.0f} mg {nutrient} per 100 g"


class DietFood(Strict):
    """A familiar food to name in advice: its table code and an everyday name."""

    code: str
    name: str


def advice_list(
    foods: Iterable[Food], picks: Iterable[DietFood], nutrient: Nutrient
) -> list[tuple[str, float]]:
    """(everyday name, mg per 100 g) for the picked foods, richest first."""
    by_code = {f.code: f for f in foods}
    out = [(p.name, by_code[p.code].amount(nutrient)) for p in picks if p.code in by_code]
    rows = [(name, float(v)) for name, v in out if v is not None]
    return sorted(rows, key=lambda r: -r[1])
