"""The drug catalogue: ingredients, brand names (English and Russian), cramp associations."""

from __future__ import annotations

from typing import Literal

from crampcare.knowledge.common import Code, SourceKey, Strict

Association = Literal["known", "possible", "none"]


class SafetyNote(Strict):
    """A warning that applies to this drug in some people (``when`` is a feature expression
    written as a list of features that must all be present; empty means always)."""

    id: Code
    when_all: tuple[str, ...] = ()
    text: str
    sources: tuple[SourceKey, ...]


class Drug(Strict):
    ingredient: str  # INN, lower case; combination products list their main ingredients with " + "
    atc: str | None = None
    drug_class: Code | None = None  # a `factors.drug_class` code, or another class code
    # Further classes of a combination product (perindopril + indapamide is also an ACE inhibitor),
    # so that rules about each of its parts see it.
    also_classes: tuple[Code, ...] = ()
    cramp_association: Association
    association_sources: tuple[SourceKey, ...] = ()
    note: str | None = None  # what this means for the person, plainly
    names: tuple[str, ...] = ()  # other generic names and spellings, English and Russian
    brands: tuple[str, ...] = ()  # brand names, Latin and Cyrillic
    # Intervention codes this product is (e.g. Asparkam -> potassium_magnesium_aspartate), so
    # that a person who takes it sees that treatment graded.
    is_intervention: tuple[Code, ...] = ()
    safety: tuple[SafetyNote, ...] = ()

    def classes(self) -> tuple[str, ...]:
        """Every class of the product: its main class first, then those of its other parts."""
        return ((self.drug_class,) if self.drug_class else ()) + self.also_classes
