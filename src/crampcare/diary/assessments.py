"""The person's latest saved assessment, re-run through the engine: what experiments (may this be
tested?), the report and the exports need from the assessment side of the diary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcare.storage.models import User


@dataclass(frozen=True)
class LatestAssessment:
    input: dict[str, Any]
    result: dict[str, Any]
    when: str
    verified_icd10: frozenset[str]


def latest_assessment(session: Session, user: User, lang: str = "en") -> LatestAssessment | None:
    """The person's most recent saved assessment, re-run through the engine (``None`` if none/unusable)."""
    try:
        from crampcare.storage.auth_models import SavedAssessment
    except ImportError:  # pragma: no cover - the web tables are not installed
        return None
    row = session.scalars(
        select(SavedAssessment)
        .where(SavedAssessment.user_id == user.id)
        .order_by(SavedAssessment.created_at.desc(), SavedAssessment.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    try:
        data = json.loads(row.input_json)
    except json.JSONDecodeError:
        return None
    return run_assessment(data, row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), lang)


def run_assessment(data: Any, when: str, lang: str = "en") -> LatestAssessment | None:
    """Validate and assess an AssessmentInput (``None`` if invalid or the knowledge base is unusable)."""
    from crampcare.assess import InputError, assess, parse_inputs
    from crampcare.knowledge import load

    try:
        inputs, batch = parse_inputs(data)
        kb = load()
    except (InputError, Exception):
        return None
    if batch:
        return None
    result = assess(inputs[0], lang=lang, kb=kb)
    verified = frozenset(c.icd10 for c in kb.conditions.values() if c.icd10_verified)
    return LatestAssessment(
        input=inputs[0].model_dump(mode="json", exclude_none=True, exclude_defaults=True),
        result=result.to_json(),
        when=when,
        verified_icd10=verified,
    )
