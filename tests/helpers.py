"""Small helpers shared by the test files."""

from __future__ import annotations

from typing import Any

from crampcare.assess import AssessmentResult, assess, parse_inputs


def person(**fields: Any) -> dict[str, Any]:
    """An AssessmentInput dict: a 45-year-old woman unless told otherwise."""
    base: dict[str, Any] = {"age_years": 45, "sex": "female"}
    base.update(fields)
    return base


def run(data: dict[str, Any], lang: str = "en") -> AssessmentResult:
    inputs, _ = parse_inputs(data)
    return assess(inputs[0], lang=lang)


def rec_grades(result: AssessmentResult) -> dict[str, str]:
    return {r.id: r.evidence for r in result.recommendations}


def flag_ids(result: AssessmentResult) -> set[str]:
    return {f.id for f in result.red_flags}
