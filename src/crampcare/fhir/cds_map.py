"""Pure mapping of CDS Hooks prefetch (FHIR R4 resources) to what the assessment engine reads.

What an EHR sends is messier than our own bundles: codes from LOINC, SNOMED CT, ICD-10, ATC or
RxNorm, or only text. We read what we can and leave the rest out: a lab in a unit we cannot
convert is ignored, not guessed; a condition is mapped to a vocabulary code only by its ICD-10
category or plain words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crampcare.fhir.codes import (
    ICD10,
    LOINC,
    LOINC_READ,
    SNOMED,
    SNOMED_CRAMP_IN_LOWER_LEG,
    UNIT_ALIASES,
)
from crampcare.fhir.medicines import QUININE_CODES, MedicineReader, codings, short

ICD10_SYSTEMS = {ICD10, "http://hl7.org/fhir/sid/icd-10-cm"}
# Verified codes for leg cramps (peers.md 4.5): SNOMED CT 449918009; ICD-10 R25.2, G47.62. Not
# 55300003, which public examples also use for menstrual cramps (codes.SNOMED_UNVERIFIED).
CRAMP_SNOMED = {SNOMED_CRAMP_IN_LOWER_LEG[0]}
CRAMP_ICD10 = {"R25.2", "G47.62"}
CRAMP_WORDS = re.compile(r"cramp|судорог", re.IGNORECASE)
# WHO ICD-10 categories (3-character, or 4 where named) -> vocabulary condition codes.
ICD10_CONDITIONS: dict[str, str] = {
    **{f"E{n}": "diabetes" for n in range(10, 15)},
    "E03": "hypothyroidism",
    "N18": "chronic_kidney_disease",
    "Z99.2": "dialysis",
    "K74": "cirrhosis",
    "I50": "heart_failure",
    "I10": "hypertension",
    "I83": "chronic_venous_disease",
    "I87.2": "chronic_venous_disease",  # chronic venous insufficiency
    "G20": "parkinsons_disease",
    "G35": "multiple_sclerosis",
    "G40": "epilepsy",
    "G12.2": "motor_neuron_disease",
    "E20": "hypoparathyroidism",
    "D50": "iron_deficiency",
    "F10.2": "alcohol_use_disorder",
    "M81": "osteoporosis",
    "J45": "asthma_copd",
    "J44": "asthma_copd",
}
CONDITION_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"diabet", "diabetes"),
        (r"hypothyroid", "hypothyroidism"),
        (r"chronic kidney|\bckd\b", "chronic_kidney_disease"),
        (r"dialysis", "dialysis"),
        (r"cirrhosis", "cirrhosis"),
        (r"heart failure", "heart_failure"),
        (r"hypertension|high blood pressure", "hypertension"),
        (r"peripheral arter", "peripheral_artery_disease"),
        (r"varicose|venous insufficiency", "chronic_venous_disease"),
        (r"parkinson", "parkinsons_disease"),
        (r"multiple sclerosis", "multiple_sclerosis"),
        (r"epilep", "epilepsy"),
        (r"spinal stenosis", "lumbar_spinal_stenosis"),
        (r"neuropathy", "peripheral_neuropathy"),
        (r"motor neu?ron disease|amyotrophic", "motor_neuron_disease"),
        (r"hypoparathyroid", "hypoparathyroidism"),
        (r"iron deficiency", "iron_deficiency"),
        (r"osteoporosis", "osteoporosis"),
        (r"asthma|copd|chronic obstructive", "asthma_copd"),
    )
)
GENDER_TO_SEX = {"female": "female", "male": "male", "other": "intersex", "unknown": "unknown"}


def resources_of(value: Any) -> list[dict[str, Any]]:
    """The resources in one prefetch value: a resource, a Bundle (searchset), or nothing."""
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [
            e["resource"]
            for e in value.get("entry") or []
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        ]
    return [value] if isinstance(value.get("resourceType"), str) else []


def concept_text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    return next((d for _, _, d in codings(concept) if d), "")


def is_cramp_concept(concept: Any) -> bool:
    for system, code, _ in codings(concept):
        if (system == SNOMED and code in CRAMP_SNOMED) or (system in ICD10_SYSTEMS and code in CRAMP_ICD10):
            return True
    words = " ".join([concept_text(concept), *(d for _, _, d in codings(concept))])
    return bool(CRAMP_WORDS.search(words))


def condition_code(concept: Any) -> str | None:
    """The vocabulary condition code of a FHIR Condition.code, if we can tell."""
    for system, code, _ in codings(concept):
        if system in ICD10_SYSTEMS:
            for key in (code, code[:5], code[:3]):
                if key in ICD10_CONDITIONS:
                    return ICD10_CONDITIONS[key]
    text = " ".join([concept_text(concept), *(d for _, _, d in codings(concept))])
    for pattern, code in CONDITION_WORDS:
        if pattern.search(text):
            return code
    return None


def medication_name(resource: Mapping[str, Any], reader: MedicineReader | None = None) -> str:
    """A medicine's name for people: text, a display, or the catalogue ingredient of its code."""
    return (reader or MedicineReader(QUININE_CODES)).read(resource).name


def is_quinine(resource: Mapping[str, Any], reader: MedicineReader | None = None) -> bool:
    """Quinine by RxNorm or ATC code (inline or via ``medicationReference``), or by name."""
    return (reader or MedicineReader(QUININE_CODES)).read(resource).is_quinine


@dataclass(frozen=True)
class LabValue:
    field: str
    value: float
    shown: str  # as the EHR sent it, e.g. "3.1 mmol/L"


def lab_value(resource: Mapping[str, Any]) -> LabValue | None:
    """An Observation with a LOINC code we read and a convertible UCUM unit, in our SI unit."""
    if resource.get("status") in ("entered-in-error", "cancelled"):
        return None
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict) or not isinstance(quantity.get("value"), (int, float)):
        return None
    for system, code, _ in codings(resource.get("code")):
        if system == LOINC and code in LOINC_READ:
            field_, factors = LOINC_READ[code]
            unit = str(quantity.get("code") or quantity.get("unit") or "")
            unit = UNIT_ALIASES.get(unit, unit) if not quantity.get("code") else unit
            if unit not in factors:
                return None
            value = round(float(quantity["value"]) * factors[unit], 4)
            return LabValue(field_, value, f"{quantity['value']} {quantity.get('unit') or unit}")
    return None


def _when(resource: Mapping[str, Any]) -> str:
    return str(resource.get("effectiveDateTime") or resource.get("issued") or "")


def age_on(birth_date: str, today: dt.date) -> int | None:
    try:
        born = (
            dt.date.fromisoformat(birth_date[:10])
            if len(birth_date) >= 10
            else dt.date(int(birth_date[:4]), 7, 1)
        )
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class PatientPicture:
    """What the prefetch tells us, as far as the engine can use it."""

    age: int | None = None
    sex: str = "unknown"
    conditions: list[str] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    quinine: list[str] = field(default_factory=list)
    labs: dict[str, LabValue] = field(default_factory=dict)
    cramps: bool = False
    pregnant: bool = False

    def assessment_input(self) -> dict[str, Any]:
        """An AssessmentInput dict: only what is known (age 40 stands in when unknown, noted on cards)."""
        data: dict[str, Any] = {"age_years": self.age if self.age is not None else 40, "sex": self.sex}
        if self.pregnant and self.sex == "female":
            data["pregnancy"] = {"pregnant": True}
        if self.cramps:
            data["findings"] = ["sudden_painful_tightening"]
        if self.conditions:
            data["conditions"] = sorted(set(self.conditions))
        if self.medications:
            data["medications"] = list(dict.fromkeys(self.medications))
        if self.labs:
            data["labs"] = {k: v.value for k, v in sorted(self.labs.items())}
        return data


PREGNANCY_WORDS = re.compile(r"^(?!.*\bnot\b).*pregnan", re.IGNORECASE)  # by words: no verified code


def _never(_: str) -> bool:
    return False


def picture(
    prefetch: Mapping[str, Any],
    today: dt.date,
    reader: MedicineReader | None = None,
    recognised: Callable[[str], bool] = _never,
) -> PatientPicture:
    """Read every prefetched resource (whatever key it came under) into a ``PatientPicture``.

    ``reader`` resolves medicine codes and ``medicationReference`` (give it the knowledge base's
    codes and the request's Medication resources); ``recognised(name)`` tells whether the drug
    catalogue knows a medicine's name, so that a coded ingredient is used where the text is not.
    """
    out = PatientPicture()
    reader = reader or MedicineReader(QUININE_CODES, prefetch.values())
    latest: dict[str, tuple[str, LabValue]] = {}
    for value in prefetch.values():
        for resource in resources_of(value):
            kind = resource.get("resourceType")
            if kind == "Patient":
                out.sex = GENDER_TO_SEX.get(str(resource.get("gender")), "unknown")
                if isinstance(resource.get("birthDate"), str):
                    out.age = age_on(resource["birthDate"], today)
            elif kind == "Condition":
                _read_condition(resource, out)
            elif kind in ("MedicationStatement", "MedicationRequest"):
                if resource.get("status") in (
                    "entered-in-error",
                    "stopped",
                    "completed",
                    "cancelled",
                    "not-taken",
                ):
                    continue
                medicine = reader.read(resource)
                out.medications += medicine.engine_names(recognised)
                if medicine.is_quinine:
                    out.quinine.append(short(medicine.name, 80) or "quinine")
            elif kind == "Observation":
                if is_cramp_concept(resource.get("code")):
                    out.cramps = True
                lab = lab_value(resource)
                if lab is not None and (lab.field not in latest or _when(resource) >= latest[lab.field][0]):
                    latest[lab.field] = (_when(resource), lab)
    out.labs = {k: v for k, (_, v) in latest.items()}
    return out


def _read_condition(resource: Mapping[str, Any], out: PatientPicture) -> None:
    status = {c for _, c, _ in codings(resource.get("clinicalStatus"))}
    if status & {"inactive", "resolved", "remission"}:
        return
    if {c for _, c, _ in codings(resource.get("verificationStatus"))} & {"refuted", "entered-in-error"}:
        return
    concept = resource.get("code")
    if is_cramp_concept(concept):
        out.cramps = True
    if PREGNANCY_WORDS.search(concept_text(concept)):
        out.pregnant = True
    code = condition_code(concept)
    if code is not None:
        out.conditions.append(code)


def reasons_mention_cramps(resource: Mapping[str, Any]) -> bool | None:
    """True if a MedicationRequest's reason is cramps, False if it has another reason, None if none."""
    reasons: Iterable[Any] = resource.get("reasonCode") or []
    found = False
    for concept in reasons:
        found = True
        if is_cramp_concept(concept):
            return True
    for note in resource.get("note") or []:
        if isinstance(note, dict) and CRAMP_WORDS.search(str(note.get("text", ""))):
            return True
    for dosage in resource.get("dosageInstruction") or []:
        if isinstance(dosage, dict) and CRAMP_WORDS.search(str(dosage.get("text", ""))):
            return True
    return False if found else None
