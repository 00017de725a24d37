"""Conformance: every exported resource against the fhir.resources models, and crampcare's own
validator fed malformed resources (what the models accept must still be caught)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from crampcare.fhir.bundle import Assessment, diary_bundle
from crampcare.fhir.codes import BASE, DEFAULT_BASE, _base
from crampcare.fhir.questionnaire import build_questionnaire
from crampcare.fhir.validate import bundle_problems, resource_problems
from crampcare.records import DayLogRecord, EpisodeRecord, MedicationRecord

OFFSET = dt.timezone(dt.timedelta(hours=3))


def full_bundle() -> dict[str, Any]:
    episodes = [
        EpisodeRecord(dt.datetime(2026, 11, 20, 3, 10, tzinfo=OFFSET), m, "left", 60, 6, True, ("stretch",))
        for m in ("calf", "foot", "toes", "shin", "thigh_back", "whole_leg", "arms_hands", "generalized")
    ]
    logs = [DayLogRecord(dt.date(2026, 11, 20), True, 1.5, 3.0, 1.0, 20.0, "walked")]
    meds = [MedicationRecord("Furosemide", dt.date(2026, 1, 5), dt.date(2026, 6, 1), "40 mg", "")]
    person = {
        "age_years": 70,
        "sex": "male",
        "medications": ["Furosemide"],
        "conditions": ["hypertension"],
        "labs": {"potassium_mmol_l": 3.2, "calcium_mmol_l": 2.0, "albumin_g_l": 35, "egfr_ml_min": 50},
    }
    result = {
        "triage": {"level": "routine", "reasons": ["See your doctor."]},
        "red_flags": [],
        "differential": [{"condition": "nocturnal_leg_cramps", "probability": 0.7, "icd10": "G47.62"}],
        "recommendations": [],
    }
    when = "2026-11-25T08:00:00+03:00"
    return diary_bundle(
        episodes,
        logs,
        meds,
        assessment=Assessment(person, result, when, lab_dates={"egfr_ml_min": "2026-10-01"}),
    )


def test_every_exported_resource_is_valid_fhir_r4() -> None:
    bundle = full_bundle()
    assert bundle_problems(bundle) == []
    get_fhir_model_class("Bundle").model_validate(bundle)
    kinds = set()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        kinds.add(resource["resourceType"])
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert resource_problems(resource) == [], resource["resourceType"]
    assert kinds >= {
        "Patient",
        "Observation",
        "MedicationStatement",
        "QuestionnaireResponse",
        "Condition",
        "RiskAssessment",
        "CodeSystem",
    }
    text = json.dumps(bundle)
    assert ".invalid" not in text
    assert "probabilityDecimal" not in text
    questionnaire = build_questionnaire()
    get_fhir_model_class("Questionnaire").model_validate(questionnaire)
    assert resource_problems(questionnaire) == []


def test_every_code_of_ours_is_defined_in_a_code_system_in_the_bundle() -> None:
    bundle = full_bundle()
    defined = {
        (e["resource"]["url"], c["code"])
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "CodeSystem"
        for c in e["resource"]["concept"]
    }

    def codings(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            own = [c for c in node.get("coding", []) if isinstance(c, dict)]
            return own + [c for k, v in node.items() if k != "coding" for c in codings(v)]
        if isinstance(node, list):
            return [c for item in node for c in codings(item)]
        return []

    ours = {(c["system"], c["code"]) for c in codings(bundle) if c["system"].startswith(BASE)}
    assert ours and ours <= defined


def test_the_canonical_base_is_configurable_and_never_invalid() -> None:
    assert DEFAULT_BASE == "https://crampcare.org/fhir"
    assert _base(None) == DEFAULT_BASE and _base("") == DEFAULT_BASE
    assert _base("https://fhir.example-clinic.org/crampcare/") == "https://fhir.example-clinic.org/crampcare"
    for bad in ("crampcare.org", "ftp://x.org", "https://x.org/a b"):
        with pytest.raises(ValueError):
            _base(bad)


def _episode(bundle: dict[str, Any]) -> dict[str, Any]:
    return next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation" and "bodySite" in e["resource"]
    )


def test_validator_catches_a_bad_datetime() -> None:
    bundle = full_bundle()
    _episode(bundle)["effectiveDateTime"] = "2026-13-45T25:61:00"
    problems = bundle_problems(bundle)
    assert any("effectiveDateTime" in p for p in problems), problems


def test_validator_catches_a_duplicate_full_url() -> None:
    bundle = full_bundle()
    bundle["entry"][2]["fullUrl"] = bundle["entry"][1]["fullUrl"]
    assert "entry[2].fullUrl: same as entry[1]" in bundle_problems(bundle)


@pytest.mark.parametrize(
    "kind, status",
    [("Observation", "done"), ("MedicationStatement", "taking"), ("RiskAssessment", "complete")],
)
def test_validator_catches_a_wrong_status(kind: str, status: str) -> None:
    bundle = full_bundle()
    resource = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)
    resource["status"] = status
    assert any(f"status: unknown code {status!r}" in p for p in bundle_problems(bundle))


def test_validator_catches_unverified_codes_and_dangling_references() -> None:
    bundle = full_bundle()
    episode = _episode(bundle)
    bad = copy.deepcopy(episode)
    bad["bodySite"]["coding"][0]["code"] = "99999999"
    assert any("SNOMED CT code '99999999'" in p for p in resource_problems(bad))
    bad = copy.deepcopy(episode)
    bad["component"][1]["code"]["coding"][0]["code"] = "00000-0"
    assert any("LOINC code '00000-0'" in p for p in resource_problems(bad))
    episode["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    assert any("is not in the bundle" in p for p in bundle_problems(bundle))


def test_questionnaire_has_item_codes_ucum_units_and_a_russian_rendering() -> None:
    from crampcare.fhir.codes import UCUM, own_system
    from crampcare.fhir.questionnaire import TRANSLATION, UNIT

    q = build_questionnaire()
    items = {i["linkId"]: i for i in q["item"]}
    for item in q["item"]:
        assert {"system": own_system("assessment-item"), "code": item["linkId"]}.items() <= item["code"][
            -1
        ].items()
    severity = items["cramps.pain_severity_0_10"]
    assert severity["code"][0]["system"] == "http://loinc.org" and severity["code"][0]["code"] == "72514-3"

    def unit(link_id: str) -> dict[str, Any]:
        (ext,) = [e for e in items[link_id]["extension"] if e["url"] == UNIT]
        assert ext["valueCoding"]["system"] == UCUM
        return ext["valueCoding"]

    assert unit("cramps.episode_duration_seconds")["code"] == "s"
    assert unit("age_years")["code"] == "a"
    assert unit("cramps.weeks_since_onset")["code"] == "wk"

    def russian(element: dict[str, Any]) -> str:
        (ext,) = [e for e in element["extension"] if e["url"] == TRANSLATION]
        parts = {p["url"]: p for p in ext["extension"]}
        assert parts["lang"]["valueCode"] == "ru"
        return str(parts["content"]["valueString"])

    assert russian(items["age_years"]["_text"]) == "Сколько вам лет?"
    calf = next(
        o["valueCoding"]
        for o in items["cramps.locations"]["answerOption"]
        if o["valueCoding"]["code"] == "calf"
    )
    assert russian(calf["_display"]).startswith("Икра")
    assert all("_text" in i for i in q["item"])
    options = [o["valueCoding"] for i in q["item"] for o in i.get("answerOption", [])]
    assert all(russian(o["_display"]) for o in options)  # every answer option has its Russian
