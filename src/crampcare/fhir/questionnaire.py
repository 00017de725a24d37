"""The assessment questionnaire as an SDC-style FHIR ``Questionnaire``, and responses back to input.

Built from :func:`crampcare.assess.questions.questions`, so the FHIR form asks exactly what the CLI
and web forms ask: one item a question, ``linkId`` = the AssessmentInput path, coded answer options
in our own code systems (display = the vocabulary's description), ``enableWhen`` for skip logic and
the core ``minValue``/``maxValue`` extensions for ranges. A ``QuestionnaireResponse`` comes back as
an AssessmentInput-shaped dict through :func:`crampcare.assess.questions.to_input`, so it then goes
through the same validation (``parse_inputs``) as JSON input.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from crampcare.assess.questions import EnableWhen, Question, questions
from crampcare.fhir.codes import (
    LOINC,
    LOINC_PAIN_SEVERITY,
    QUESTIONNAIRE_RESPONSE_STATUS,
    QUESTIONNAIRE_URL,
    SDC_QUESTIONNAIRE_PROFILE,
    SDC_RESPONSE_PROFILE,
    UCUM,
    own_system,
)
from crampcare.fhir.errors import FhirError
from crampcare.spec import vocabulary

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_SECTION = "assessment-item"  # our code system whose codes are the items' linkIds
TRANSLATIONS = ("ru",)
# UCUM units of the numeric questions (annotations in braces are UCUM's own way to name counts).
UNITS: dict[str, tuple[str, str]] = {
    "age_years": ("a", "years"),
    "pregnancy.weeks": ("wk", "weeks"),
    "pregnancy.postpartum_weeks": ("wk", "weeks"),
    "cramps.episode_duration_seconds": ("s", "seconds"),
    "cramps.episodes_per_week": ("/wk", "per week"),
    "cramps.weeks_since_onset": ("wk", "weeks"),
    "cramps.pain_severity_0_10": ("{score}", "score 0-10"),
    "lifestyle.caffeine_drinks_per_day": ("{drinks}/d", "drinks per day"),
    "lifestyle.alcohol_units_per_week": ("{units}/wk", "units per week"),
    "lifestyle.fluid_litres_per_day": ("L/d", "litres per day"),
}
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
QUESTIONNAIRE_VERSION = "1"
_ITEM_TYPES = {
    "number": "decimal",
    "integer": "integer",
    "choice": "choice",
    "multi": "choice",
    "boolean": "boolean",
    "text_list": "string",
}
# Vocabulary sections for questions whose options are vocabulary codes.
_SECTIONS = {
    "absent_findings": "findings",
    "exposures": "exposures",
    "medication_changes.change": "medication_change",
    "cramps.timing": "cramp_timing",
    "cramps.locations": "cramp_locations",
    "conditions": "conditions",
}


def section_of(link_id: str) -> str:
    """The code system section of a question's options (``findings``, ``cramp_timing``, ``sex``...)."""
    if link_id.startswith("findings."):
        return "findings"
    return _SECTIONS.get(link_id, link_id.rsplit(".", 1)[-1])


def option_display(section: str, code: str) -> str:
    """The English display of one of our codes: the vocabulary's description, else the label the
    apps show (which has a translation), else the code in words."""
    from crampcare.labels import OWN_LABELS

    descriptions = vocabulary().get(section)
    if isinstance(descriptions, dict) and isinstance(descriptions.get(code), str):
        return str(descriptions[code])
    if code in OWN_LABELS.get(section, {}):
        return OWN_LABELS[section][code]
    return code.replace("_", " ").capitalize()


@cache
def _by_link_id() -> dict[str, Question]:
    return {q.link_id: q for q in questions()}


def _coding(section: str, code: str) -> dict[str, str]:
    return {"system": own_system(section), "code": code, "display": option_display(section, code)}


def _enable_when(cond: EnableWhen) -> dict[str, Any]:
    source = _by_link_id()[cond.question]
    out: dict[str, Any] = {"question": cond.question, "operator": cond.operator}
    if cond.operator == "exists":
        out["answerBoolean"] = bool(cond.answer)
    elif source.kind in ("choice", "multi"):
        out["answerCoding"] = _coding(section_of(source.link_id), str(cond.answer))
    elif source.kind == "boolean":
        out["answerBoolean"] = bool(cond.answer)
    elif source.kind == "integer":
        out["answerInteger"] = int(cond.answer)
    else:
        out["answerDecimal"] = float(cond.answer)
    return out


def _limit(url: str, kind: str, value: float) -> dict[str, Any]:
    key = "valueInteger" if kind == "integer" else "valueDecimal"
    return {"url": url, key: int(value) if kind == "integer" else float(value)}


def _translated(text: str) -> dict[str, Any]:
    """The ``_text`` / ``_display`` element carrying ``text`` in every other language we have."""
    from crampcare.i18n import translator

    out = []
    for lang in TRANSLATIONS:
        translated = translator(lang)(text)
        if translated and translated != text:
            out.append(
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": lang},
                        {"url": "content", "valueString": translated},
                    ],
                }
            )
    return {"extension": out} if out else {}


def _item_codes(q: Question) -> list[dict[str, str]]:
    """Our code for every item (its linkId), and the standard one where it is verified."""
    codes = [{"system": own_system(ITEM_SECTION), "code": q.link_id, "display": q.text}]
    if q.link_id == "cramps.pain_severity_0_10":
        codes.insert(0, {"system": LOINC, "code": LOINC_PAIN_SEVERITY[0], "display": LOINC_PAIN_SEVERITY[1]})
    return codes


def _item(q: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": q.link_id, "code": _item_codes(q), "text": q.text}
    translated = _translated(q.text)
    if translated:
        item["_text"] = translated
    item["type"] = _ITEM_TYPES[q.kind]
    extensions = []
    if q.link_id in UNITS:
        code, display = UNITS[q.link_id]
        extensions.append({"url": UNIT, "valueCoding": {"system": UCUM, "code": code, "display": display}})
    if q.minimum is not None:
        extensions.append(_limit(MIN_VALUE, q.kind, q.minimum))
    if q.maximum is not None:
        extensions.append(_limit(MAX_VALUE, q.kind, q.maximum))
    if extensions:
        item = {"extension": extensions, **item}
    if q.required:
        item["required"] = True
    if q.kind in ("multi", "text_list"):
        item["repeats"] = True
    if q.enable_when:
        item["enableWhen"] = [_enable_when(c) for c in q.enable_when]
        if len(q.enable_when) > 1:
            item["enableBehavior"] = "any"
    if q.options:
        section = section_of(q.link_id)
        item["answerOption"] = [{"valueCoding": _option(section, code)} for code in q.options]
    return item


def _option(section: str, code: str) -> dict[str, Any]:
    coding: dict[str, Any] = _coding(section, code)
    translated = _translated(coding["display"])
    if translated:
        coding["_display"] = translated
    return coding


def build_questionnaire() -> dict[str, Any]:
    """The assessment as a FHIR R4 ``Questionnaire`` (JSON-ready dict), deterministic."""
    title = "crampcare leg cramp assessment"
    out: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": "crampcare-assessment",
        "meta": {"profile": [SDC_QUESTIONNAIRE_PROFILE]},
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "language": "en",
        "name": "CrampcareAssessment",
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": "Questions about leg cramps, danger signs, conditions, medicines and lifestyle. "
        "Not a diagnosis.",
        "item": [_item(q) for q in questions()],
    }
    if _translated(title):
        out["_title"] = _translated(title)
    return out


# --- AssessmentInput <-> QuestionnaireResponse ---------------------------------------------------


def _value_at(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _answer(q: Question, value: Any) -> dict[str, Any]:
    if q.kind in ("choice", "multi"):
        return {"valueCoding": _coding(section_of(q.link_id), str(value))}
    if q.kind == "boolean":
        return {"valueBoolean": bool(value)}
    if q.kind == "integer":
        return {"valueInteger": int(value)}
    if q.kind == "text_list":
        return {"valueString": str(value)}
    return {"valueDecimal": value}


def input_to_response(data: Mapping[str, Any], authored: str | None = None) -> dict[str, Any]:
    """An AssessmentInput-shaped dict as a ``QuestionnaireResponse`` (labs and vitals are not asked)."""
    from crampcare.assess.questions import medication_change_answers

    findings = set(data.get("findings") or ())
    changes = medication_change_answers(dict(data))
    items = []
    for q in questions():
        values: list[Any]
        if q.target == "medication_changes":
            change = changes.get(q.link_id)
            values = list(change) if isinstance(change, list) else ([] if change is None else [change])
        elif q.target == "findings":
            values = [code for code in q.options if code in findings]
        else:
            raw = _value_at(data, q.link_id)
            values = list(raw) if isinstance(raw, (list, tuple)) else ([] if raw is None else [raw])
        if values:
            items.append({"linkId": q.link_id, "text": q.text, "answer": [_answer(q, v) for v in values]})
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "meta": {"profile": [SDC_RESPONSE_PROFILE]},
        "questionnaire": f"{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}",
        "status": "completed",
    }
    if authored:
        response["authored"] = authored
    response["item"] = items
    return response


def _flat_items(items: Any, where: str, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every item with answers, groups and nested items flattened, each with its JSON path."""
    out: list[tuple[str, dict[str, Any]]] = []
    if items is None:
        return out
    if not isinstance(items, list):
        problems.append(f"{where}: must be a list")
        return out
    for i, item in enumerate(items):
        path = f"{where}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{path}: must be an object")
            continue
        out.append((path, item))
        out += _flat_items(item.get("item"), f"{path}.item", problems)
        for j, answer in enumerate(item.get("answer") or []):
            if isinstance(answer, dict):
                out += _flat_items(answer.get("item"), f"{path}.answer[{j}].item", problems)
    return out


def _parse_answer(q: Question, answer: Any, path: str) -> Any:
    """The plain value of one answer, or raise ``ValueError`` with the problem."""
    if not isinstance(answer, dict):
        raise ValueError("must be an object")
    value_keys = [k for k in answer if k.startswith("value")]
    if len(value_keys) != 1:
        raise ValueError("needs exactly one value[x]")
    key, value = value_keys[0], answer[value_keys[0]]
    if q.kind in ("choice", "multi"):
        if key not in ("valueCoding", "valueString"):
            raise ValueError(f"{key}: this question takes valueCoding")
        code = value.get("code") if isinstance(value, dict) else value
        system = value.get("system") if isinstance(value, dict) else None
        if system is not None and system != own_system(section_of(q.link_id)):
            raise ValueError(f"valueCoding.system: expected {own_system(section_of(q.link_id))!r}")
        if code not in q.options:
            raise ValueError(f"unknown code {code!r}")
        return code
    expected = {
        "boolean": ("valueBoolean",),
        "integer": ("valueInteger",),
        "number": ("valueDecimal", "valueInteger"),
        "text_list": ("valueString",),
    }[q.kind]
    if key not in expected:
        raise ValueError(f"{key}: this question takes {' or '.join(expected)}")
    if q.kind == "boolean" and not isinstance(value, bool):
        raise ValueError(f"{key}: must be true or false")
    if q.kind in ("integer", "number") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"{key}: must be a number")
    if q.kind == "integer" and not isinstance(value, int):
        raise ValueError(f"{key}: must be a whole number")
    if q.kind == "text_list" and not isinstance(value, str):
        raise ValueError(f"{key}: must be text")
    return value


def response_answers(response: Any, label: str = "QuestionnaireResponse") -> dict[str, Any]:
    """``{linkId: answer}`` of a ``QuestionnaireResponse``; raises ``FhirError`` naming each bad item."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        raise FhirError(f"{label}: not a QuestionnaireResponse")
    problems: list[str] = []
    status = response.get("status")
    if status not in QUESTIONNAIRE_RESPONSE_STATUS:
        problems.append(f"{label}.status: {'missing' if status is None else f'unknown code {status!r}'}")
    canonical = response.get("questionnaire")
    if canonical is not None and str(canonical).split("|", 1)[0] != QUESTIONNAIRE_URL:
        problems.append(f"{label}.questionnaire: expected {QUESTIONNAIRE_URL!r}, not {canonical!r}")
    answers: dict[str, Any] = {}
    by_id = _by_link_id()
    for path, item in _flat_items(response.get("item"), f"{label}.item", problems):
        link_id = item.get("linkId")
        where = f"{path} (linkId {link_id!r})"
        raw = item.get("answer")
        if link_id not in by_id:
            if raw:  # groups and display items without answers are fine
                problems.append(f"{where}: unknown linkId")
            continue
        q = by_id[link_id]
        if not isinstance(raw, list) or not raw:
            continue
        if len(raw) > 1 and q.kind not in ("multi", "text_list"):
            problems.append(f"{where}.answer: takes one answer, not {len(raw)}")
            continue
        values = []
        for j, answer in enumerate(raw):
            try:
                values.append(_parse_answer(q, answer, f"{where}.answer[{j}]"))
            except ValueError as err:
                problems.append(f"{where}.answer[{j}]: {err}")
        if q.kind in ("multi", "text_list"):
            answers[link_id] = [*answers.get(link_id, []), *values]
        elif values:
            if link_id in answers:
                problems.append(f"{where}: answered twice")
            answers[link_id] = values[0]
    if problems:
        raise FhirError(problems)
    return answers


def response_to_input(response: Any, label: str = "QuestionnaireResponse") -> dict[str, Any]:
    """A ``QuestionnaireResponse`` as an AssessmentInput-shaped dict (validate it with ``parse_inputs``)."""
    from crampcare.assess.questions import to_input

    return to_input(response_answers(response, label))


def is_response(data: Any) -> bool:
    return isinstance(data, dict) and data.get("resourceType") == "QuestionnaireResponse"


def inputs_from_fhir(data: Any) -> Any:
    """``data`` with any ``QuestionnaireResponse`` (alone or in a batch) turned into AssessmentInput JSON.

    Anything else is returned unchanged, so ordinary input takes the ordinary path.
    """
    if is_response(data):
        return response_to_input(data, "input")
    if isinstance(data, list) and any(is_response(item) for item in data):
        problems: list[str] = []
        out = []
        for i, item in enumerate(data):
            try:
                out.append(response_to_input(item, f"input[{i}]") if is_response(item) else item)
            except FhirError as err:
                problems += err.problems
        if problems:
            raise FhirError(problems)
        return out
    return data
