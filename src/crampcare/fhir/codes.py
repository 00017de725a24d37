"""Code systems, verified codes and value sets used by crampcare's FHIR resources.

Only codes checked against public sources (``shared/research/peers.md`` section 4.5, and the
sources named beside each code below) carry a standard system; everything else is our own code
system under one canonical base, :data:`BASE` (default ``https://crampcare.org/fhir``; set
``CRAMPCARE_FHIR_BASE`` to your own, e.g. ``https://fhir.example-clinic.org/crampcare``), with
the vocabulary description as display, or text alone. The export carries a ``CodeSystem``
resource for each of our code systems it uses. The value sets here are what
:mod:`crampcare.fhir.validate` checks, because the ``fhir.resources`` models accept any string.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

FHIR_VERSION = "4.0.1"
DEFAULT_BASE = "https://crampcare.org/fhir"


def _base(value: str | None) -> str:
    """The canonical base for our code systems: an absolute http(s) URL, no trailing slash."""
    value = (value or "").strip().rstrip("/")
    if not value:
        return DEFAULT_BASE
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:[0-9]+)?(/[A-Za-z0-9._~\-/]*)?", value):
        raise ValueError(f"CRAMPCARE_FHIR_BASE: {value!r} is not an absolute http(s) URL")
    return value


BASE = _base(os.environ.get("CRAMPCARE_FHIR_BASE"))
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ATC = "http://www.whocc.no/atc"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/crampcare-assessment"
SDC_QUESTIONNAIRE_PROFILE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
SDC_RESPONSE_PROFILE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"


def own_system(section: str) -> str:
    """Our code system for a vocabulary section, e.g. ``.../CodeSystem/findings``."""
    return f"{BASE}/CodeSystem/{section}"


DIARY_SYSTEM = own_system("diary")  # codes of our own diary observations and their components
EPISODE_CODE = "cramp-episode"
DAY_LOG_CODE = "day-log"

# Verified SNOMED CT concepts (peers.md 4.5): used together with text, never alone.
# verified: SNOMED CT 449918009 "Cramp in lower leg" in HL7 Thailand ANC IG examples (peers.md 4.5).
SNOMED_CRAMP_IN_LOWER_LEG = ("449918009", "Cramp in lower leg")
# UNVERIFIED, not exported and not read: 55300003 appears in public FHIR examples both as "Cramp"
# and as "Menstrual cramp", and once as "Abdominal pain" (searched 2026-12-02); no terminology
# source confirmed it as a skeletal-muscle cramp. Kept only so that tests can name it.
SNOMED_MUSCLE_CRAMP = ("55300003", "Cramp")
SNOMED_UNVERIFIED = frozenset({SNOMED_MUSCLE_CRAMP[0]})
# The lower leg (calf, shin) gets "Cramp in lower leg"; everything else, foot and toes included
# (the foot is not the lower leg), the general "Cramp" with the body site saying where.
LOWER_LEG_MUSCLES = frozenset({"calf", "shin"})
# Body sites (SNOMED CT body structures) per cramp location, from DICOM PS3.16 (CID 4031 "Common
# Anatomic Regions" / Annex L body part mapping): CALF 53840002 "Calf of leg", FOOT 56459004,
# TOE 29707007, LEG 30021000 "Lower leg", THIGH 68367000, BUTTOCK 46862004, WHOLEBODY 38266002
# "Entire body". Locations without an exact verified concept (the whole leg, arms or hands) go
# as text only; hamstrings and quadriceps both get "Thigh", the text says which.
BODY_SITES: dict[str, tuple[str, str]] = {
    "calf": ("53840002", "Calf of leg"),
    "foot": ("56459004", "Foot"),
    "toes": ("29707007", "Toe"),
    "shin": ("30021000", "Lower leg"),
    "thigh_back": ("68367000", "Thigh"),
    "thigh_front": ("68367000", "Thigh"),
    "buttock": ("46862004", "Buttock"),
    "generalized": ("38266002", "Entire body"),
}
# LOINC 72514-3, checked in HL7 Belgium's patient-monitoring IG (ValueSet pain-scale) and HL7 Europe
# EPS examples: an Observation's pain severity on the 0-10 scale.
LOINC_PAIN_SEVERITY = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")


EGFR_UCUM = "mL/min/{1.73_m2}"


@dataclass(frozen=True)
class LabCode:
    """How one AssessmentInput lab field is exchanged: LOINC only where verified, UCUM unit."""

    field: str  # AssessmentInput.labs field
    text: str
    unit: str  # human-readable unit
    ucum: str  # UCUM code
    loinc: str | None = None
    loinc_display: str | None = None


# The LOINC codes below are the ones with a public source *and* a property that matches our SI
# unit (a molar code for a value in mmol/L). Calcium 2000-8 [Moles/volume] (beside the mass code
# 17861-6 in a public LOINC mass/molar table) and albumin 1751-7 [Mass/volume] (HL7 FHIR examples,
# OMOP tables) were checked for this export; glucose 2345-7 is a mass concentration (mg/dL), so
# glucose travels as text with its UCUM unit, and so do sodium and eGFR (codes from memory only).
LABS: tuple[LabCode, ...] = (
    LabCode(
        "potassium_mmol_l",
        "Potassium, serum",
        "mmol/L",
        "mmol/L",
        "2823-3",  # verified: LOINC 2823-3 in HL7 IL LRC IG value set and US Core BMP example, 2026-12-02
        "Potassium [Moles/volume] in Serum or Plasma",
    ),
    LabCode(
        "magnesium_mmol_l",
        "Magnesium, serum",
        "mmol/L",
        "mmol/L",
        "2601-3",  # verified: LOINC 2601-3 (molar) in the CDE-Katalog FHIR IG (FSH), 2026-12-02
        "Magnesium [Moles/volume] in Serum or Plasma",
    ),
    LabCode(
        "calcium_mmol_l",
        "Calcium, serum (total)",
        "mmol/L",
        "mmol/L",
        "2000-8",
        "Calcium [Moles/volume] in Serum or Plasma",
    ),
    LabCode(
        "albumin_g_l",
        "Albumin, serum",
        "g/L",
        "g/L",
        "1751-7",
        "Albumin [Mass/volume] in Serum or Plasma",
    ),
    LabCode("sodium_mmol_l", "Sodium, serum", "mmol/L", "mmol/L"),
    LabCode("glucose_mmol_l", "Glucose, plasma", "mmol/L", "mmol/L"),
    LabCode(
        "tsh_mu_l",
        "TSH (thyrotropin)",
        "mU/L",
        "m[IU]/L",
        "3016-3",  # verified: FHIR ServiceRequest example ft4 (peers.md) and HL7 IL LRC IG, 2026-12-02
        "Thyrotropin [Units/volume] in Serum or Plasma",
    ),
    LabCode("egfr_ml_min", "eGFR", "mL/min/1.73 m2", EGFR_UCUM),
    LabCode(
        "creatinine_umol_l",
        "Creatinine, serum",
        "umol/L",
        "umol/L",
        "14682-9",  # verified: LOINC 14682-9 (molar) in the CDE-Katalog FHIR IG (FSH), 2026-12-02
        "Creatinine [Moles/volume] in Serum or Plasma",
    ),
    LabCode(
        "ck_u_l",
        "Creatine kinase (CK)",
        "U/L",
        "U/L",
        "2157-6",  # verified: FHIR ObservationDefinition example ck-panel (peers.md 4.5), 2026-12-02
        "Creatine kinase [Enzymatic activity/volume] in Serum or Plasma",
    ),
)
LAB_BY_FIELD = {lab.field: lab for lab in LABS}
LAB_BY_LOINC = {lab.loinc: lab for lab in LABS if lab.loinc}
# Codes we also *read* (e.g. from an EHR in CDS Hooks), with a factor to our SI unit by UCUM code
# (every key a valid UCUM code: milliequivalents are "meq", not "m[eq]"; micro-IU are "u[IU]").
LOINC_READ: dict[str, tuple[str, dict[str, float]]] = {
    # verified: HL7 IL LRC IG value set lists 2823-3, 19123-9, 17861-6, 2160-0, 3016-3 (2026-12-02)
    "2823-3": ("potassium_mmol_l", {"mmol/L": 1.0, "meq/L": 1.0}),
    "2601-3": ("magnesium_mmol_l", {"mmol/L": 1.0}),
    # 1 mmol of Mg2+ is 2 meq, and 1 mg/dL is 1/2.431 mmol/L (molar mass 24.31 g/mol)
    "19123-9": ("magnesium_mmol_l", {"mg/dL": 1 / 2.431, "mmol/L": 1.0, "meq/L": 0.5}),
    "17861-6": ("calcium_mmol_l", {"mg/dL": 1 / 4.008, "mmol/L": 1.0}),
    "2000-8": ("calcium_mmol_l", {"mmol/L": 1.0, "mg/dL": 1 / 4.008}),
    "1751-7": ("albumin_g_l", {"g/L": 1.0, "g/dL": 10.0}),
    "3016-3": ("tsh_mu_l", {"m[IU]/L": 1.0, "mU/L": 1.0, "u[IU]/mL": 1.0}),
    "14682-9": ("creatinine_umol_l", {"umol/L": 1.0}),
    "2160-0": ("creatinine_umol_l", {"mg/dL": 88.42, "umol/L": 1.0}),
    "2157-6": ("ck_u_l", {"U/L": 1.0}),
    # verified: 98979-8 eGFR CKD-EPI 2021 (race-free) in the HL7 Switzerland CH LAB-Report profile
    # and the HL7 Lithuania lab IG eGFR value set, 2026-12-02
    "98979-8": ("egfr_ml_min", {EGFR_UCUM: 1.0}),
    # 62238-1 is the older CKD-EPI equation (2009, with a race term): still read, as labs send it,
    # but never suggested or exported (same HL7 Lithuania value set, 2026-12-02)
    "62238-1": ("egfr_ml_min", {EGFR_UCUM: 1.0}),
}
# Units that EHRs write in the human-readable ``unit`` field which are not UCUM codes, mapped to
# the UCUM code they mean (read only when a quantity carries no UCUM ``code``).
UNIT_ALIASES: dict[str, str] = {
    "mEq/L": "meq/L",
    "mEq/l": "meq/L",
    "uIU/mL": "u[IU]/mL",
    "µIU/mL": "u[IU]/mL",
    "mIU/L": "m[IU]/L",
    "µmol/L": "umol/L",
    "mL/min/1.73m2": EGFR_UCUM,
    "mL/min/1.73 m2": EGFR_UCUM,
}
# Every LOINC code our resources may carry (the validator rejects others).
KNOWN_LOINC = frozenset({*LOINC_READ, *LAB_BY_LOINC, LOINC_PAIN_SEVERITY[0]})

# Value sets of the required codes we check ourselves (FHIR R4 bindings).
OBSERVATION_STATUS = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
)
MEDICATION_STATEMENT_STATUS = frozenset(
    {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"}
)
RISK_ASSESSMENT_STATUS = OBSERVATION_STATUS
QUESTIONNAIRE_RESPONSE_STATUS = frozenset(
    {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
)
BUNDLE_TYPES = frozenset(
    {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    }
)
ADMINISTRATIVE_GENDER = frozenset({"male", "female", "other", "unknown"})
UCUM_UNITS = frozenset(
    {
        "s",
        "min",
        "h",
        "L",
        "mmol/L",
        "umol/L",
        "g/L",
        "U/L",
        "m[IU]/L",
        "mL/min/{1.73_m2}",
        "{drinks}",
        "{units}",
        "{episodes}",
        "/wk",
        "wk",
        "a",
        "Cel",
        "mm[Hg]",
        "/min",
        "{score}",
        "{ratio}",  # a rate ratio (self-experiment results)
        "1",  # a p-value or probability
    }
)
