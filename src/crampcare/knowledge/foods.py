"""Foods rich in magnesium, potassium and calcium, from a real composition table.

The rows come from the Indian Food Composition Tables 2017 (``data/foods.csv``, a copy of the
columns crampcare needs; attribution in ``data/FOODS-ATTRIBUTION.md``).
"""

from __future__ import annotations

from typing import Literal

from crampcare.knowledge.common import Strict

Nutrient = Literal["magnesium", "potassium", "calcium"]


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
