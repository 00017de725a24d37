"""The drug catalogue: ingredients, brand names (English and Russian), cramp associations."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from crampcare.knowledge.common import Code, SourceKey, Strict

Association = Literal["known", "possible", "none"]
# Ratios for which 1 means "no effect" (a relative measure): an interval that reaches 1 is no clear
# association.
EffectMeasure = Literal["adjusted_sequence_ratio", "hazard_ratio", "odds_ratio", "relative_risk"]
# An ATC code at any level: anatomical group (A) down to chemical substance (A01AA01).
ATC_PATTERN = re.compile(r"^[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?$")


class CrampEffect(Strict):
    """How strongly a study links the medicine (or its class) to cramps, with its 95% interval.

    The grade of the association follows it: ``known`` only when the whole interval lies above
    1 (a clear association); an interval that reaches 1 allows ``possible`` at most.
    """

    measure: EffectMeasure
    value: float = Field(gt=0)
    ci_low: float = Field(gt=0)
    ci_high: float = Field(gt=0)
    # What was compared, in the study's own terms (e.g. "loop diuretics" in Garrison 2012).
    exposure: str
    source: SourceKey

    @model_validator(mode="after")
    def _interval_holds_the_value(self) -> CrampEffect:
        if not self.ci_low <= self.value <= self.ci_high:
            raise ValueError(f"{self.value} is outside its interval {self.ci_low}-{self.ci_high}")
        return self

    @property
    def clear(self) -> bool:
        """The whole 95% interval lies above no effect."""
        return self.ci_low > 1.0


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
    # The study figure behind the association, where a study gives one (its source must also be
    # among association_sources).
    cramp_effect: CrampEffect | None = None
    note: str | None = None  # what this means for the person, plainly
    names: tuple[str, ...] = ()  # other generic names and spellings, English and Russian
    brands: tuple[str, ...] = ()  # brand names, Latin and Cyrillic
    # Intervention codes this product is (e.g. Asparkam -> potassium_magnesium_aspartate), so
    # that a person who takes it sees that treatment graded.
    is_intervention: tuple[Code, ...] = ()
    safety: tuple[SafetyNote, ...] = ()
    # Where a combination product's ingredients were checked (a label, or what was found instead).
    composition_sources: tuple[SourceKey, ...] = ()

    @model_validator(mode="after")
    def _grade_follows_the_numbers(self) -> Drug:
        if self.atc is not None and not ATC_PATTERN.match(self.atc):
            raise ValueError(f"{self.ingredient}: {self.atc!r} is not an ATC code")
        effect = self.cramp_effect
        if effect is None:
            return self
        if effect.source not in self.association_sources:
            raise ValueError(f"{self.ingredient}: the effect's source {effect.source} is not cited")
        if self.cramp_association == "known" and not effect.clear:
            raise ValueError(
                f"{self.ingredient}: 'known' needs a clear association, but the interval "
                f"{effect.ci_low}-{effect.ci_high} reaches 1"
            )
        if self.cramp_association == "none" and effect.clear:
            raise ValueError(f"{self.ingredient}: a clear association cannot be graded 'none'")
        return self

    def classes(self) -> tuple[str, ...]:
        """Every class of the product: its main class first, then those of its other parts."""
        return ((self.drug_class,) if self.drug_class else ()) + self.also_classes
