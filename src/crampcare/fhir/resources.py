"""Pure mappings between crampcare's records and FHIR R4 resources (JSON-ready dicts).

No I/O and no database: the exporter and importer (:mod:`crampcare.fhir.diary_export`), the
report and the CDS Hooks services call these. Every resource is built so that reading it back
(:mod:`crampcare.fhir.bundle`) gives the same record, value for value.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crampcare.fhir.codes import (
    ATC,
    BODY_SITES,
    DAY_LOG_CODE,
    DIARY_SYSTEM,
    EPISODE_CODE,
    ICD10,
    LAB_BY_FIELD,
    LOINC,
    LOINC_PAIN_SEVERITY,
    LOWER_LEG_MUSCLES,
    OBSERVATION_CATEGORY,
    SNOMED,
    SNOMED_CRAMP_IN_LOWER_LEG,
    UCUM,
    own_system,
)
from crampcare.fhir.questionnaire import option_display
from crampcare.records import DayLogRecord, EpisodeRecord, MedicationRecord

NAMESPACE = uuid.UUID("5b8f8f1e-7d0c-4c1e-9a52-0c7a3f3c2b11")  # crampcare's uuid5 namespace


def urn(*key: object) -> str:
    """A stable ``urn:uuid:`` for a resource identified by ``key`` (same data, same id)."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '|'.join(map(str, key)))}"


def _id(full_url: str) -> str:
    return full_url.rsplit(":", 1)[-1]


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _diary_coding(code: str, display: str) -> dict[str, str]:
    return {"system": DIARY_SYSTEM, "code": code, "display": display}


def _component(code: str, display: str, value: Mapping[str, Any]) -> dict[str, Any]:
    return {"code": {"coding": [_diary_coding(code, display)], "text": display}, **value}


def _quantity(value: float, unit: str, ucum: str | None = None) -> dict[str, Any]:
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": ucum or unit}}


# --- episodes ------------------------------------------------------------------------------------

EPISODE_COMPONENTS = {
    "duration": "Duration",
    "severity": "Pain severity (0-10)",
    "side": "Side",
    "woke-from-sleep": "Woke from sleep",
    "relieved-by": "Relieved by",
}
DAY_LOG_COMPONENTS = {
    "stretched-before-bed": ("stretched_before_bed", "Stretched before bed", None),
    "fluid": ("fluid_litres", "Fluid", ("L", "L")),
    "caffeine": ("caffeine_drinks", "Caffeinated drinks", ("drinks", "{drinks}")),
    "alcohol": ("alcohol_units", "Alcohol", ("units", "{units}")),
    "exercise": ("exercise_minutes", "Exercise", ("min", "min")),
}


def episode_code(muscle: str) -> dict[str, Any]:
    """Text, our own code, and the verified SNOMED CT concept for a cramp below the knee.

    Cramps elsewhere carry no SNOMED CT code: the general "Cramp" concept is unverified
    (codes.SNOMED_UNVERIFIED)."""
    coding = [_diary_coding(EPISODE_CODE, "Leg cramp episode")]
    if muscle in LOWER_LEG_MUSCLES:
        code, display = SNOMED_CRAMP_IN_LOWER_LEG
        coding.insert(0, {"system": SNOMED, "code": code, "display": display})
    return {"coding": coding, "text": "Leg cramp episode"}


def episode_url(record: EpisodeRecord) -> str:
    utc, muscle, side = record.key
    return urn("episode", utc.isoformat(), muscle, side)


def episode_observation(record: EpisodeRecord, patient: str) -> dict[str, Any]:
    """One cramp as an ``Observation``: onset with its UTC offset, duration, severity, body site."""
    components = []
    if record.duration_s is not None:
        components.append(_component("duration", "Duration", _quantity(record.duration_s, "s")))
    if record.severity is not None:
        severity = _component("severity", EPISODE_COMPONENTS["severity"], {"valueInteger": record.severity})
        severity["code"]["coding"].insert(
            0, {"system": LOINC, "code": LOINC_PAIN_SEVERITY[0], "display": LOINC_PAIN_SEVERITY[1]}
        )
        components.append(severity)
    components.append(
        _component(
            "side",
            "Side",
            {"valueCodeableConcept": {"coding": [_own("side", record.side)], "text": record.side}},
        )
    )
    if record.woke_from_sleep is not None:
        components.append(
            _component("woke-from-sleep", "Woke from sleep", {"valueBoolean": record.woke_from_sleep})
        )
    if record.relieved_by:
        components.append(
            _component(
                "relieved-by",
                "Relieved by",
                {
                    "valueCodeableConcept": {
                        "coding": [_own("relief", code) for code in record.relieved_by],
                        "text": ", ".join(record.relieved_by),
                    }
                },
            )
        )
    muscle_text = option_display("cramp_locations", record.muscle).rstrip(".")
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(episode_url(record)),
        "status": "final",
        "category": _category("survey"),
        "code": episode_code(record.muscle),
        "subject": {"reference": patient},
        "effectiveDateTime": record.started_at.isoformat(),
        "bodySite": body_site(record.muscle, f"{muscle_text}, {record.side}"),
        "component": components,
    }
    if record.notes:
        resource["note"] = [{"text": record.notes}]
    return resource


def body_site(muscle: str, text: str) -> dict[str, Any]:
    """Where the cramp was: the verified SNOMED CT body structure (if any), our code, and text."""
    coding = [_own("cramp_locations", muscle)]
    if muscle in BODY_SITES:
        code, display = BODY_SITES[muscle]
        coding.insert(0, {"system": SNOMED, "code": code, "display": display})
    return {"coding": coding, "text": text}


def _own(section: str, code: str) -> dict[str, str]:
    return {"system": own_system(section), "code": code, "display": option_display(section, code)}


# --- day logs ----------------------------------------------------------------------------------


def day_log_url(record: DayLogRecord) -> str:
    return urn("day-log", record.date.isoformat())


def day_log_observation(record: DayLogRecord, patient: str) -> dict[str, Any]:
    """What was done on a day (the evening before its night) as an ``Observation`` with components."""
    components = []
    for code, (field, display, unit) in DAY_LOG_COMPONENTS.items():
        value = getattr(record, field)
        if value is None:
            continue
        if unit is None:
            components.append(_component(code, display, {"valueBoolean": value}))
        else:
            components.append(_component(code, display, _quantity(value, unit[0], unit[1])))
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(day_log_url(record)),
        "status": "final",
        "category": _category("social-history"),
        "code": {
            "coding": [_diary_coding(DAY_LOG_CODE, "Day log")],
            "text": "Day log (evening before the night)",
        },
        "subject": {"reference": patient},
        "effectiveDateTime": record.date.isoformat(),
    }
    if components:
        resource["component"] = components
    if record.notes:
        resource["note"] = [{"text": record.notes}]
    return resource


# --- medicines ---------------------------------------------------------------------------------


def medication_url(record: MedicationRecord, index: int) -> str:
    return urn("medication", index, record.name, record.started_on.isoformat())


def medication_statement(
    record: MedicationRecord, patient: str, full_url: str, atc: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A medicine as a ``MedicationStatement``; ``atc`` = (code, ingredient) where the catalogue has it."""
    concept: dict[str, Any] = {"text": record.name}
    if atc is not None:
        concept = {"coding": [{"system": ATC, "code": atc[0], "display": atc[1]}], "text": record.name}
    period = {"start": record.started_on.isoformat()}
    if record.stopped_on is not None:
        period["end"] = record.stopped_on.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": _id(full_url),
        "status": "active" if record.stopped_on is None else "completed",
        "medicationCodeableConcept": concept,
        "subject": {"reference": patient},
        "effectivePeriod": period,
    }
    if record.dose:
        resource["dosage"] = [{"text": record.dose}]
    if record.notes:
        resource["note"] = [{"text": record.notes}]
    return resource


# --- the person, their labs and conditions, and an assessment's result ---------------------------

GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}


def patient_resource(full_url: str, sex: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Patient", "id": _id(full_url)}
    if sex is not None:
        resource["gender"] = GENDER[sex]
    return resource


def lab_observation(
    field: str, value: float, patient: str, full_url: str, when: str | None
) -> dict[str, Any]:
    """A lab value as an ``Observation``: LOINC where verified (else text), UCUM unit."""
    lab = LAB_BY_FIELD[field]
    code: dict[str, Any] = {"text": lab.text}
    if lab.loinc:
        code = {
            "coding": [{"system": LOINC, "code": lab.loinc, "display": lab.loinc_display}],
            "text": lab.text,
        }
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(full_url),
        "status": "final",
        "category": _category("laboratory"),
        "code": code,
        "subject": {"reference": patient},
        **_quantity(value, lab.unit, lab.ucum),
    }
    if when:
        resource["effectiveDateTime"] = when
    return resource


def lab_observations(
    labs: Mapping[str, Any],
    patient: str,
    when: str | None = None,
    taken: Mapping[str, str] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """(fullUrl, Observation) for every lab value given in an AssessmentInput's ``labs``.

    ``taken`` gives the date (or date-time) each sample was taken where it is known; a lab without
    one has no ``effectiveDateTime`` at all: the assessment's time (``when``, used only to tell
    one assessment's labs from another's) is not when the blood was drawn.
    """
    out = []
    for field, value in labs.items():
        if value is None or field not in LAB_BY_FIELD:
            continue
        full_url = urn("lab", patient, field, when)
        out.append((full_url, lab_observation(field, value, patient, full_url, (taken or {}).get(field))))
    return out


def condition_resource(code: str, patient: str, full_url: str) -> dict[str, Any]:
    """A condition the person reported: our code and its description; reported, not confirmed."""
    return {
        "resourceType": "Condition",
        "id": _id(full_url),
        "clinicalStatus": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "unconfirmed",
                }
            ]
        },
        "code": {
            "coding": [_own("conditions", code)],
            "text": option_display("conditions", code).rstrip("."),
        },
        "subject": {"reference": patient},
    }


def risk_assessment(
    result: Mapping[str, Any],
    patient: str,
    full_url: str,
    *,
    basis: Sequence[str] = (),
    when: str | None = None,
    verified_icd10: Iterable[str] = (),
) -> dict[str, Any]:
    """An AssessmentResult as a ``RiskAssessment``: the differential as predictions, triage as a note.

    ICD-10 codings are added only for codes the knowledge base marks as verified.
    """
    verified = set(verified_icd10)
    predictions = []
    differential = list(result.get("differential", []))
    for rank, entry in enumerate(differential, start=1):
        coding = [_own("differential", entry["condition"])]
        if entry.get("icd10") in verified:
            coding.append({"system": ICD10, "code": entry["icd10"]})
        # The engine's scores are uncalibrated (the report says so): they rank, they are not
        # probabilities, so no probabilityDecimal; the order of predictions is the ranking.
        rationale = [f"rank {rank} of {len(differential)} (ranked by an uncalibrated score)"]
        if entry.get("supporting"):
            rationale.append("supporting: " + ", ".join(entry["supporting"]))
        if entry.get("against"):
            rationale.append("against: " + ", ".join(entry["against"]))
        prediction: dict[str, Any] = {
            "outcome": {
                "coding": coding,
                "text": option_display("differential", entry["condition"]).rstrip("."),
            },
        }
        prediction["rationale"] = "; ".join(rationale)
        predictions.append(prediction)
    triage = result.get("triage", {})
    notes = [{"text": f"Triage: {triage.get('level')}. " + " ".join(triage.get("reasons", []))}]
    notes += [{"text": f"Red flag ({f['level']}): {f['message']}"} for f in result.get("red_flags", [])]
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "id": _id(full_url),
        "status": "final",
        "code": {
            "coding": [_diary_coding("assessment", "Leg cramp assessment")],
            "text": "Leg cramp assessment",
        },
        "subject": {"reference": patient},
        "method": {"text": "crampcare assessment engine (likelihood-ratio differential, rule-based triage)"},
    }
    if when:
        resource["occurrenceDateTime"] = when
    if basis:
        resource["basis"] = [{"reference": ref} for ref in basis]
    if predictions:
        resource["prediction"] = predictions
    mitigation = [
        r["id"] for r in result.get("recommendations", []) if r.get("evidence") != "not_recommended"
    ]
    if mitigation:
        resource["mitigation"] = "Recommendations: " + ", ".join(mitigation)
    resource["note"] = notes
    return resource
