"""The assessment's input and result, as typed models.

The external contract is the JSON schema in ``crampcare/spec``; :mod:`crampcare.assess.validate`
checks raw JSON against it (with messages that name the field path) before these models are built,
so the models only carry types, not a second copy of every range.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Sex = Literal["female", "male", "intersex", "unknown"]
Side = Literal["left", "right", "both", "alternating"]
Activity = Literal["sedentary", "moderate", "vigorous"]
Level = Literal["self_care", "routine", "urgent", "emergency"]
Grade = Literal["recommended", "possibly_helpful", "insufficient_evidence", "not_recommended"]
Association = Literal["known", "possible", "none"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pregnancy(_In):
    pregnant: bool | None = None
    weeks: int | None = None
    postpartum_weeks: int | None = None


class Cramps(_In):
    timing: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    side: Side | None = None
    episode_duration_seconds: float | None = None
    episodes_per_week: float | None = None
    weeks_since_onset: float | None = None
    pain_severity_0_10: float | None = None


class Lifestyle(_In):
    caffeine_drinks_per_day: float | None = None
    alcohol_units_per_week: float | None = None
    smoker: bool | None = None
    activity: Activity | None = None
    fluid_litres_per_day: float | None = None
    prolonged_standing: bool | None = None
    prolonged_sitting: bool | None = None
    recent_unaccustomed_exercise: bool | None = None
    heavy_sweating: bool | None = None
    cold_water_swimming: bool | None = None


class Labs(_In):
    potassium_mmol_l: float | None = None
    magnesium_mmol_l: float | None = None
    calcium_mmol_l: float | None = None
    albumin_g_l: float | None = None
    sodium_mmol_l: float | None = None
    glucose_mmol_l: float | None = None
    tsh_mu_l: float | None = None
    egfr_ml_min: float | None = None
    creatinine_umol_l: float | None = None
    ck_u_l: float | None = None
    # v2
    ferritin_ug_l: float | None = None
    haemoglobin_g_l: float | None = None
    d_dimer_raised: bool | None = None
    pth_pmol_l: float | None = None
    hba1c_mmol_mol: float | None = None
    lithium_mmol_l: float | None = None
    inr: float | None = None
    vitamin_d_nmol_l: float | None = None
    phosphate_mmol_l: float | None = None


class Vitals(_In):
    temperature_c: float | None = None
    systolic_mmhg: float | None = None
    diastolic_mmhg: float | None = None
    heart_rate_bpm: float | None = None
    # v2
    respiratory_rate_bpm: float | None = None
    oxygen_saturation_pct: float | None = None


Change = Literal["started", "stopped", "dose_increased", "dose_decreased"]


class MedicationChange(_In):
    """v2: a medicine started, stopped or changed, and how many weeks ago."""

    medication: str
    change: Change
    weeks_ago: float | None = None


class AssessmentInput(_In):
    """What a person reports (see ``assessment-input.schema.json``)."""

    age_years: float
    sex: Sex
    pregnancy: Pregnancy = Field(default_factory=Pregnancy)
    cramps: Cramps = Field(default_factory=Cramps)
    findings: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    lifestyle: Lifestyle = Field(default_factory=Lifestyle)
    labs: Labs = Field(default_factory=Labs)
    vitals: Vitals = Field(default_factory=Vitals)
    # v2
    absent_findings: tuple[str, ...] = ()
    exposures: tuple[str, ...] = ()
    medication_changes: tuple[MedicationChange, ...] = ()


# The result is built by the engine itself, thousands of times a second: plain slotted dataclasses
# (no second validation) with one function that renders the spec's JSON.


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, float, bool})


def _json(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [_json(v) for v in value]
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not is_dataclass(value):
            return value
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    return {name: _json(v) for name in names if (v := getattr(value, name)) is not None}


@dataclass(slots=True, kw_only=True)
class Triage:
    level: Level
    reasons: list[str]


@dataclass(slots=True, kw_only=True)
class RedFlag:
    id: str
    level: Level
    condition: str | None = None
    message: str
    sources: list[str]


@dataclass(slots=True, kw_only=True)
class DifferentialEntry:
    condition: str
    probability: float
    icd10: str
    supporting: list[str]
    against: list[str]


@dataclass(slots=True, kw_only=True)
class ContributingFactor:
    id: str
    detail: str
    sources: list[str]


@dataclass(slots=True, kw_only=True)
class Recommendation:
    id: str
    category: str
    evidence: Grade
    text: str
    sources: list[str]


@dataclass(slots=True, kw_only=True)
class TestToDiscuss:
    __test__ = False  # not a pytest class
    test: str
    reason: str


@dataclass(slots=True, kw_only=True)
class MedicationReviewEntry:
    input: str
    ingredient: str
    atc: str | None = None
    drug_class: str | None
    cramp_association: Association
    note: str


@dataclass(slots=True, kw_only=True)
class InputWarning:
    """v2: implausible or contradictory input, said plainly (the assessment still runs)."""

    field: str
    message: str


@dataclass(slots=True, kw_only=True)
class AssessmentResult:
    """The engine's answer (see ``assessment-result.schema.json``)."""

    schema_version: Literal["1"] = "1"
    triage: Triage
    red_flags: list[RedFlag]
    differential: list[DifferentialEntry]
    contributing_factors: list[ContributingFactor]
    recommendations: list[Recommendation]
    tests_to_discuss: list[TestToDiscuss]
    medication_review: list[MedicationReviewEntry]
    unrecognised_medications: list[str]
    disclaimer: str
    input_warnings: list[InputWarning] | None = None

    def to_json(self) -> dict[str, Any]:
        """The result as the spec's JSON object: optional fields that are empty are left out."""
        out: dict[str, Any] = _json(self)
        return out
