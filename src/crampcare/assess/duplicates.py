"""The same medicine listed twice: two brands of one ingredient, or two medicines of a kind that
must not be doubled (two anti-inflammatory painkillers, two blood thinners...).

People often take a brand and a generic, or two brands, without knowing they are the same
(Asparkam and Panangin are both potassium and magnesium aspartate; Zaldiar contains paracetamol).
Together they give a double dose. The engine says so and sends the person to a pharmacist or
prescriber; it never says which one to stop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from crampcare.knowledge.drugs import Drug

# Kinds of medicine where two different ingredients together are still a duplicate: the BNF
# advises against combining two NSAIDs; two anticoagulants, two statins, two potassium
# supplements or two SSRI/SNRI antidepressants double the effect and the harm.
DUPLICATE_KINDS: dict[str, frozenset[str]] = {
    "nsaid": frozenset({"nsaid", "naproxen"}),
    "anticoagulant": frozenset({"anticoagulant"}),
    "statin": frozenset({"statin"}),
    "potassium_supplement": frozenset({"potassium_supplement"}),
    "serotonergic_antidepressant": frozenset({"ssri", "snri"}),
}


# Gels, creams and patches: an NSAID gel next to NSAID tablets is not a double dose (little is
# absorbed), so a product written as one of these never counts as a duplicate.
_TOPICAL = re.compile(
    r"gel|cream|emulgel|ointment|spray|patch|plaster|ibuleve|deep relief|fastum|powergel|"
    r"гель|крем|мазь|спрей|пластырь|фастум|быструм",
    re.IGNORECASE,
)


def is_topical(text: str) -> bool:
    """Whether the person wrote a product for the skin (gel, cream, spray, patch)."""
    return _TOPICAL.search(text) is not None


class _Listed(Protocol):
    @property
    def input(self) -> str: ...

    @property
    def drug(self) -> Drug: ...


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Entry ``index`` duplicates entry ``other`` (indexes into the medication list)."""

    index: int
    other: int
    why: Literal["ingredient", "kind"]
    what: str  # the shared ingredient, or the DUPLICATE_KINDS key


def components(drug: Drug) -> frozenset[str]:
    """The ingredients of a product: a combination's parts are separated by ' + '."""
    return frozenset(part.strip() for part in drug.ingredient.split(" + "))


def _kinds(drug: Drug) -> set[str]:
    classes = set(drug.classes())
    return {kind for kind, members in DUPLICATE_KINDS.items() if classes & members}


def find_duplicates(meds: Sequence[_Listed]) -> list[Duplicate]:
    """Every entry that duplicates an earlier-or-later different entry (pure, order-stable).

    The same text listed twice is taken as a repeated entry, not as two medicines.
    """
    out: list[Duplicate] = []
    for i, a in enumerate(meds):
        for j, b in enumerate(meds):
            if i == j or a.input.strip().casefold() == b.input.strip().casefold():
                continue
            if is_topical(a.input) or is_topical(b.input):
                continue
            shared = sorted(components(a.drug) & components(b.drug))
            if shared:
                out.append(Duplicate(i, j, "ingredient", shared[0]))
                break
            kinds = sorted(_kinds(a.drug) & _kinds(b.drug))
            if kinds:
                out.append(Duplicate(i, j, "kind", kinds[0]))
                break
    return out
