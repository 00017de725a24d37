"""Conditions of the differential: codes, priors, likelihood ratios and gates."""

from __future__ import annotations

from pydantic import Field

from crampcare.knowledge.common import Code, SourceKey, Strict, TriageLevel
from crampcare.knowledge.expressions import Expr


class Evidence(Strict):
    """How much one feature changes the odds of a condition.

    ``lr`` is a likelihood ratio (or, where no study measured one, an expert estimate marked
    ``estimate: true``): above 1 the feature supports the condition, below 1 it argues against it.
    """

    feature: str
    lr: float = Field(gt=0)
    source: SourceKey
    estimate: bool = False


class Condition(Strict):
    code: Code
    name: str
    icd10: str  # WHO ICD-10 (2019), a code of the WHO tabular list
    # The US ICD-10-CM code where it differs; it must be billable as given (a leaf, with its 7th
    # character where the chapter needs one). tests/test_codes_icd.py checks both tables.
    icd10_cm: str | None = None
    icd10_verified: bool = False  # checked against both tables; only verified codes are exported
    # Probability that this condition explains leg symptoms in an adult who reports them, before
    # anything else is known; adjusted by the multipliers below.
    prior: float = Field(gt=0, lt=1)
    prior_multipliers: tuple[Evidence, ...] = ()
    requires: Expr | None = None  # a gate: impossible unless this holds
    evidence: tuple[Evidence, ...]
    # Triage the engine reaches when this condition is the likely explanation (probability at
    # least `likely_at`); red-flag rules can only raise it.
    when_likely: TriageLevel = "self_care"
    likely_at: float = Field(default=0.5, gt=0, le=1)
    sources: tuple[SourceKey, ...]
