"""Types shared by the knowledge-base models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

TriageLevel = Literal["self_care", "routine", "urgent", "emergency"]
TRIAGE_ORDER: tuple[TriageLevel, ...] = ("self_care", "routine", "urgent", "emergency")
EvidenceGrade = Literal["recommended", "possibly_helpful", "insufficient_evidence", "not_recommended"]
GRADE_ORDER: tuple[EvidenceGrade, ...] = (
    "not_recommended",
    "insufficient_evidence",
    "possibly_helpful",
    "recommended",
)
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
SourceKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]


class Strict(BaseModel):
    """Base for knowledge models: unknown keys in the YAML are an error, models are immutable."""

    # defer_build: the schema is built on first validation, which a cached knowledge base never needs.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Sourced(Strict):
    """Anything that makes a clinical statement names where it comes from."""

    sources: tuple[SourceKey, ...]
