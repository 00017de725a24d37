"""Foods rich in magnesium, potassium and calcium, from a real composition table.

The rows come from USDA Standard Reference, Release 24 (public domain): ``data/foods.csv`` is
written by ``tools/foods/extract_usda.py`` from the SR24 files Debian's ``cronometer`` package ships
(attribution in ``data/FOODS-ATTRIBUTION.md``). Each row has an everyday English and Russian name
and its form, because dry beans or grains hold about three times what the cooked food does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from crampcare.knowledge.common import Strict

Nutrient = Literal["magnesium", "potassium", "calcium"]
# raw, cooked, dry (grains and legumes weighed before cooking), dried (dried fruit); None: as sold.
Form = Literal["raw", "cooked", "dry", "dried"]
NUTRIENTS: tuple[Nutrient, ...] = ("magnesium", "potassium", "calcium")


class Food(Strict):
    """Milligrams per 100 g edible portion. ``code`` is the USDA NDB number; ``usda_name`` the
    food's description in SR, so that every row can be traced to its source."""

    code: str
    name: str
    name_ru: str
    group: str
    group_ru: str
    form: Form | None = None
    usda_name: str = ""
    magnesium_mg: float | None = None
    potassium_mg: float | None = None
    calcium_mg: float | None = None

    def amount(self, nutrient: Nutrient) -> float | None:
        value: float | None = getattr(self, f"{nutrient}_mg")
        return value

    def label(self, lang: str = "en") -> str:
        """The food's everyday name in ``lang`` (en or ru)."""
        return self.name_ru if lang == "ru" else self.name

    def group_label(self, lang: str = "en") -> str:
        return self.group_ru if lang == "ru" else self.group


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
    """Foods whose English, Russian or USDA name contains ``name`` (case-insensitive), in table
    order; ё and е match each other, as Russian writers use either."""
    needle = _folded(name)
    return [f for f in foods if any(needle in _folded(n) for n in (f.name, f.name_ru, f.usda_name))]


def _folded(text: str) -> str:
    return text.casefold().strip().replace("ё", "е")


def describe(food: Food, nutrient: Nutrient) -> str:
    """One line of advice text, e.g. ``Almond: 318 mg magnesium per 100 g``."""
    value = food.amount(nutrient)
    if value is None:
        return f"{food.name}: no {nutrient} value in the table"
    return f"{food.name}: {value:.0f} mg {nutrient} per 100 g"


class DietFood(Strict):
    """A familiar food to name in advice: its table code and its everyday English name, which must
    be the table's ``name`` (``kb check``); the Russian comes from messages.po like every advice text
    and must be the table's ``name_ru`` (tests/test_foods.py)."""

    code: str
    name: str


def advice_list(
    foods: Iterable[Food], picks: Iterable[DietFood], nutrient: Nutrient
) -> list[tuple[str, float]]:
    """(everyday English name, mg per 100 g) for the picked foods, richest first."""
    by_code = {f.code: f for f in foods}
    out = [(p.name, by_code[p.code].amount(nutrient)) for p in picks if p.code in by_code]
    rows = [(name, float(v)) for name, v in out if v is not None]
    return sorted(rows, key=lambda r: -r[1])
