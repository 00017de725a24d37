"""The web questionnaire: the shared question list (``crampcare.assess.questions``) as form fields.

The questions and their skip logic come from the same list as the CLI and the FHIR Questionnaire.
The input schema has a few fields the spoken questionnaire leaves out (blood results, vital signs,
two lifestyle items); the web form offers those too, in a "for your doctor" section, so that every
input of the spec can be given. Parsing is two-step: this module turns text into typed answers
(with a message per field it cannot read), then ``parse_inputs`` checks the whole input against the
schema, and its field paths are mapped back onto the form fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from crampcare.assess.questions import (
    FINDING_GROUPS,
    Question,
    enabled,
    medication_change_answers,
    questions,
    to_input,
)
from crampcare.i18n import N_
from crampcare.spec import schema

# Labels of the extra fields (the schema's names are precise but not plain language).
EXTRA_LABELS: dict[str, str] = {
    "lifestyle.prolonged_sitting": "Do you sit for long periods?",
    "lifestyle.heavy_sweating": "Do you sweat heavily (work, heat, sport)?",
    "labs.potassium_mmol_l": "Potassium (mmol/L)",
    "labs.magnesium_mmol_l": "Magnesium (mmol/L)",
    "labs.calcium_mmol_l": "Calcium (mmol/L)",
    "labs.albumin_g_l": "Albumin (g/L)",
    "labs.sodium_mmol_l": "Sodium (mmol/L)",
    "labs.glucose_mmol_l": "Glucose (mmol/L)",
    "labs.tsh_mu_l": "TSH (mU/L)",
    "labs.egfr_ml_min": "eGFR (mL/min/1.73 m²)",
    "labs.creatinine_umol_l": "Creatinine (µmol/L)",
    "labs.ck_u_l": "Creatine kinase, CK (U/L)",
    "vitals.temperature_c": "Temperature (°C)",
    "vitals.systolic_mmhg": "Blood pressure, upper number (mmHg)",
    "vitals.diastolic_mmhg": "Blood pressure, lower number (mmHg)",
    "vitals.heart_rate_bpm": "Pulse (beats a minute)",
    # v2
    "labs.ferritin_ug_l": "Ferritin (µg/L)",
    "labs.haemoglobin_g_l": "Haemoglobin (g/L)",
    "labs.d_dimer_raised": "Was the D-dimer blood test raised?",
    "labs.pth_pmol_l": "Parathyroid hormone, PTH (pmol/L)",
    "labs.hba1c_mmol_mol": "HbA1c (mmol/mol)",
    "labs.lithium_mmol_l": "Lithium level (mmol/L)",
    "labs.inr": "INR (blood clotting test)",
    "labs.vitamin_d_nmol_l": "Vitamin D (nmol/L)",
    "labs.phosphate_mmol_l": "Phosphate (mmol/L)",
    "vitals.respiratory_rate_bpm": "Breaths a minute",
    "vitals.oxygen_saturation_pct": "Oxygen saturation (%)",
}


@dataclass
class ParsedForm:
    answers: dict[str, Any]  # link_id -> typed answer, only for questions that are asked
    errors: dict[str, list[str]]  # field name -> messages (English; the view translates)


def _leaf_fields(node: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    out: list[tuple[str, Mapping[str, Any]]] = []
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        if sub.get("type") == "object":
            out += _leaf_fields(sub, path + ".")
        else:
            out.append((path, sub))
    return out


@cache
def all_questions() -> tuple[Question, ...]:
    """The shared questions, then one question for every schema field they do not cover."""
    shared = questions()
    covered = {q.target for q in shared} | {"findings"}
    extra: list[Question] = []
    for path, sub in _leaf_fields(schema("assessment-input")):
        if path in covered:
            continue
        kind = {"boolean": "boolean", "integer": "integer"}.get(str(sub.get("type")), "number")
        label = EXTRA_LABELS.get(path, path.split(".")[-1].replace("_", " ").capitalize())
        extra.append(
            Question(path, label, kind, minimum=sub.get("minimum"), maximum=sub.get("maximum"))  # type: ignore[arg-type]
        )
    return (*shared, *extra)


def is_extra(q: Question) -> bool:
    return (
        q.link_id.startswith(("labs.", "vitals."))
        or q.link_id in EXTRA_LABELS
        or q.link_id == "absent_findings"
    )


def triggers() -> frozenset[str]:
    """Questions whose answer can show or hide another question (the form refreshes on them)."""
    return frozenset(c.question for q in all_questions() for c in q.enable_when)


def _number(text: str, integer: bool) -> float | int:
    value = float(text.replace(",", "."))  # "1,5" is how many people write one and a half
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError
    if integer:
        if not value.is_integer():
            raise ValueError
        return int(value)
    return int(value) if value.is_integer() else value


def _read(q: Question, form: Any) -> tuple[Any, str | None]:
    """(answer or None, problem or None) for one question from a form (a MultiDict)."""
    if q.kind == "multi":
        return [v for v in form.getlist(q.link_id) if v in q.options] or None, None
    raw = form.get(q.link_id)
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None, None
    if q.kind in ("number", "integer"):
        try:
            return _number(text, q.kind == "integer"), None
        except ValueError:
            return None, N_("enter a whole number") if q.kind == "integer" else N_(
                "enter a number, e.g. 4 or 1.5"
            )
    if q.kind == "boolean":
        return {"yes": True, "no": False}.get(text), None
    if q.kind == "text_list":
        items = [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]
        return items or None, None
    return (text, None) if text in q.options else (None, N_("choose one of the options"))


def read_form(form: Any) -> ParsedForm:
    """Typed answers of the questions that are asked, given the answers before them."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for q in all_questions():
        if not enabled(q, answers):
            continue  # skipped: whatever the form still holds for it is dropped
        value, problem = _read(q, form)
        if problem:
            errors.setdefault(q.link_id, []).append(problem)
        if value is not None:
            answers[q.link_id] = value
    return ParsedForm(answers, errors)


def build_input(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The AssessmentInput dict for these answers (shared questions via ``to_input``, then extras)."""
    data = to_input(dict(answers))
    shared = {q.link_id for q in questions()}  # to_input has filled these (absent_findings too)
    for q in all_questions():
        if q.link_id not in shared and is_extra(q) and answers.get(q.link_id) is not None:
            group, leaf = q.link_id.split(".")
            data.setdefault(group, {})[leaf] = answers[q.link_id]
    return data


def _finding_field(code: str) -> str:
    for key, (_, codes) in FINDING_GROUPS.items():
        if code in codes:
            return f"findings.{key}"
    return "_form"


def map_problems(problems: list[str], data: Mapping[str, Any]) -> dict[str, list[str]]:
    """``input.cramps.side: unknown code`` -> {"cramps.side": ["unknown code"]} (per form field)."""
    fields = {q.link_id for q in all_questions()}
    errors: dict[str, list[str]] = {}
    for line in problems:
        path, _, message = line.partition(": ")
        path = path.removeprefix("input").lstrip(".")
        base = path.split("[")[0]
        if base == "findings" and "[" in path:
            index = int(path.split("[")[1].split("]")[0])
            found = data.get("findings", [])
            field = _finding_field(found[index]) if index < len(found) else "_form"
        elif base in fields:
            field = base
        else:
            field = "_form"
        errors.setdefault(field, []).append(message if field != "_form" else line)
    return errors


def answers_from_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of ``build_input``: form answers for a stored input (to change one's answers)."""
    answers: dict[str, Any] = medication_change_answers(dict(data))
    findings = set(data.get("findings", []))
    for q in all_questions():
        if q.target == "medication_changes":
            continue
        if q.target == "findings":
            chosen = [c for c in q.options if c in findings]
            if chosen:
                answers[q.link_id] = chosen
            continue
        node: Any = data
        for part in q.link_id.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            answers[q.link_id] = node
    return answers


def form_value(q: Question, answers: Mapping[str, Any]) -> Any:
    """What to show in the field for ``q`` (text for inputs, a list for checkboxes)."""
    value = answers.get(q.link_id)
    if q.kind == "multi":
        return list(value or [])
    if value is None:
        return ""
    if q.kind == "boolean":
        return "yes" if value else "no"
    if q.kind == "text_list":
        return "\n".join(value)
    return str(value)


def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# The questionnaire in steps (issue 11): one topic per screen. A question belongs to the first step
# one of whose prefixes names it (a prefix ending in "." takes a whole group); the extra fields (blood
# results, measurements) come last, in the final step's "for your doctor" section.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("About you"), ("age_years", "sex", "pregnancy.")),
    (N_("Warning signs"), ("findings.danger", "findings.danger_more", "findings.seizure")),
    (N_("Your cramps"), ("cramps.",)),
    (N_("What you notice"), ("findings.",)),
    (N_("Health and medicines"), ("conditions", "medications", "medication_changes.", "exposures")),
    (N_("Daily life"), ("lifestyle.",)),
)


def step_of(q: Question) -> int:
    """The step (1-based) that asks ``q``."""
    if is_extra(q):
        return len(STEPS)
    for index, (_, prefixes) in enumerate(STEPS, start=1):
        if any(q.link_id == p or (p.endswith(".") and q.link_id.startswith(p)) for p in prefixes):
            return index
    return len(STEPS)


def read_step(text: str, default: int = 1) -> int:
    """A step number from a form field, kept within 1..len(STEPS)."""
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, 1), len(STEPS))
