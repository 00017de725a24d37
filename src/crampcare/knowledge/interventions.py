"""Interventions (every `recommendations` code): text, category, grade and personal rules."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from crampcare.knowledge.common import Code, EvidenceGrade, Sourced, SourceKey, Strict
from crampcare.knowledge.expressions import Expr
from crampcare.knowledge.foods import Nutrient

Category = Literal["action", "first_aid", "prevention", "lifestyle", "review", "treatment", "remedy"]


class GradeRule(Strict):
    """When ``when`` holds for this person, the grade becomes ``grade`` and ``reason`` is shown.

    Rules are applied in order; the lowest grade reached wins (a harm is never outweighed)."""

    when: Expr
    grade: EvidenceGrade
    reason: str
    sources: tuple[SourceKey, ...]


class Intervention(Sourced):
    id: Code
    category: Category
    grade: EvidenceGrade  # the base grade, for an adult with no special circumstances
    text: str  # what the evidence says, plainly
    # When the engine offers it unasked. Treatments the person already takes are always shown.
    offer_when: Expr | None = None
    personal: tuple[GradeRule, ...] = ()
    # Dietary advice: the text's {foods} placeholder lists familiar foods rich in this nutrient.
    foods_for: Nutrient | None = None
    # Self-experiments: nights an effect may linger after a change (the default washout per block).
    carryover_nights: int | None = Field(default=None, ge=0, le=28)
    # An intervention the project adds beyond the vocabulary's codes (the spec allows additions).
    extension: bool = False
