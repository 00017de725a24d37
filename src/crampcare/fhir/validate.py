"""Validation of FHIR JSON: the ``fhir.resources`` R4B models for structure, and our own checks.

The models check shapes, cardinality and primitive formats but accept any string as a code, so
:func:`resource_problems` also checks required status codes, the code systems we use (only known
LOINC and SNOMED CT codes, our own codes against the vocabulary), UCUM units, and that references
inside a bundle resolve. Every problem is one line naming the entry and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from crampcare.fhir.codes import (
    ADMINISTRATIVE_GENDER,
    ATC,
    BODY_SITES,
    BUNDLE_TYPES,
    DIARY_SYSTEM,
    KNOWN_LOINC,
    LOINC,
    MEDICATION_STATEMENT_STATUS,
    OBSERVATION_STATUS,
    QUESTIONNAIRE_RESPONSE_STATUS,
    RISK_ASSESSMENT_STATUS,
    SNOMED,
    SNOMED_CRAMP_IN_LOWER_LEG,
    UCUM,
    UCUM_UNITS,
    own_system,
)
from crampcare.fhir.experiments import (
    ACTIVITY_STATUS,
    CAREPLAN_INTENT,
    CAREPLAN_STATUS,
    EXPERIMENT_CODES,
    VERDICT_CODES,
)

STATUS = {
    "Observation": OBSERVATION_STATUS,
    "MedicationStatement": MEDICATION_STATEMENT_STATUS,
    "RiskAssessment": RISK_ASSESSMENT_STATUS,
    "QuestionnaireResponse": QUESTIONNAIRE_RESPONSE_STATUS,
    "Questionnaire": frozenset({"draft", "active", "retired", "unknown"}),
    "CarePlan": CAREPLAN_STATUS,
}
# 55300003 "Cramp" is unverified (codes.SNOMED_UNVERIFIED), so it is not a code we accept.
KNOWN_SNOMED = {SNOMED_CRAMP_IN_LOWER_LEG[0], *(c for c, _ in BODY_SITES.values())}
OWN_PREFIX = own_system("")
# Our own code systems whose codes are not vocabulary sections.
OWN_CODES: dict[str, frozenset[str]] = {
    "side": frozenset({"left", "right", "both", "alternating"}),
    "relief": frozenset({"stretch", "walk", "massage", "heat", "other"}),
    "sex": frozenset({"female", "male", "intersex", "unknown"}),
    "activity": frozenset({"sedentary", "moderate", "vigorous"}),
    "experiment": frozenset(EXPERIMENT_CODES),
    "experiment-verdict": frozenset(VERDICT_CODES),
    "diary": frozenset(
        {
            "cramp-episode",
            "day-log",
            "assessment",
            "duration",
            "severity",
            "side",
            "woke-from-sleep",
            "relieved-by",
            "stretched-before-bed",
            "fluid",
            "caffeine",
            "alcohol",
            "exercise",
        }
    ),
}


def _own_codes(section: str) -> frozenset[str] | None:
    if section in OWN_CODES:
        return OWN_CODES[section]
    if section == "assessment-item":  # the Questionnaire's item codes are its linkIds
        from crampcare.assess.questions import questions

        return frozenset(q.link_id for q in questions())
    from crampcare.spec import vocabulary

    codes = vocabulary().get(section)
    return frozenset(codes) if isinstance(codes, dict) else None


def _walk(node: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) for every key of every object under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


def _coding_problem(coding: Mapping[str, Any]) -> str | None:
    system, code = coding.get("system"), coding.get("code")
    if system is None or code is None:
        return None
    if system == SNOMED and code not in KNOWN_SNOMED:
        return f"SNOMED CT code {code!r} is not one crampcare has verified"
    if system == LOINC and code not in KNOWN_LOINC:
        return f"LOINC code {code!r} is not one crampcare knows"
    if system == ATC and not (isinstance(code, str) and 1 <= len(code) <= 7 and code[0].isalpha()):
        return f"{code!r} is not an ATC code"
    if isinstance(system, str) and system.startswith(OWN_PREFIX):
        section = system[len(OWN_PREFIX) :]
        codes = _own_codes(section)
        if codes is None:
            return f"unknown crampcare code system {system!r}"
        if code not in codes:
            return f"unknown code {code!r} in {system}"
    return None


def _model_problems(resource: Mapping[str, Any]) -> list[str]:
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    try:
        model = get_fhir_model_class(str(resource.get("resourceType")))
    except (KeyError, ValueError, AttributeError):
        return [f"resourceType: unknown resource type {resource.get('resourceType')!r}"]
    try:
        model.model_validate(dict(resource))
    except ValidationError as err:
        out = []
        for e in err.errors():
            loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in e["loc"]).replace(
                ".[", "["
            )
            out.append(f"{loc or '(resource)'}: {e['msg']}")
        return out
    except (ValueError, TypeError) as err:  # fhir-core raises these for some malformed input
        return [f"(resource): {err}"]
    return []


def _care_plan_problems(resource: Mapping[str, Any]) -> list[str]:
    """The required codes of a CarePlan the models accept as any string: intent, activity status."""
    problems = []
    intent = resource.get("intent")
    if intent not in CAREPLAN_INTENT:
        problems.append(f"intent: unknown code {intent!r}; one of {', '.join(sorted(CAREPLAN_INTENT))}")
    activities = resource.get("activity")
    for i, activity in enumerate(activities if isinstance(activities, list) else []):
        detail = activity.get("detail") if isinstance(activity, dict) else None
        if isinstance(detail, dict) and detail.get("status") not in ACTIVITY_STATUS:
            problems.append(f"activity[{i}].detail.status: unknown code {detail.get('status')!r}")
    return problems


def shape(node: Any) -> Any:
    """The structure of JSON without its values: keys, list lengths and value types."""
    if isinstance(node, dict):
        return tuple((key, shape(value)) for key, value in node.items())
    if isinstance(node, list):
        return tuple(shape(item) for item in node)
    return type(node).__name__


def resource_problems(resource: Any, *, model: bool = True) -> list[str]:
    """Every problem of one resource, each as ``field: problem`` (empty when valid).

    ``model=False`` leaves out the ``fhir.resources`` model check (the slow part, four fifths of the
    time): for a resource whose :func:`shape` was already checked with the model.
    """
    if not isinstance(resource, dict):
        return ["(resource): must be a JSON object"]
    if not isinstance(resource.get("resourceType"), str):
        return ["resourceType: missing"]
    problems = _model_problems(resource) if model else []
    kind = resource["resourceType"]
    if kind in STATUS:
        status = resource.get("status")
        if status is None:
            problems.append("status: missing")
        elif status not in STATUS[kind]:
            problems.append(f"status: unknown code {status!r}; one of {', '.join(sorted(STATUS[kind]))}")
    if kind == "Patient" and resource.get("gender") not in (None, *ADMINISTRATIVE_GENDER):
        problems.append(f"gender: unknown code {resource['gender']!r}")
    if kind == "CarePlan":
        problems += _care_plan_problems(resource)
    if kind == "Bundle" and resource.get("type") not in BUNDLE_TYPES:
        problems.append(f"type: unknown bundle type {resource.get('type')!r}")
    for path, key, value in _walk(resource, ""):
        where = f"{path}.{key}" if path else key
        if key == "coding" and isinstance(value, list):
            for i, coding in enumerate(value):
                problem = _coding_problem(coding) if isinstance(coding, dict) else None
                if problem:
                    problems.append(f"{where}[{i}].code: {problem}")
        if key == "valueQuantity" and isinstance(value, dict):
            if value.get("system") not in (None, UCUM):
                problems.append(f"{where}.system: units must be UCUM ({UCUM})")
            elif value.get("system") == UCUM and value.get("code") not in UCUM_UNITS:
                problems.append(f"{where}.code: UCUM unit {value.get('code')!r} is not one crampcare uses")
    if kind == "Observation" and resource.get("code") is not None:
        code = resource["code"]
        if isinstance(code, dict) and not code.get("text") and not code.get("coding"):
            problems.append("code: needs text or a coding")
    return sorted(dict.fromkeys(problems), key=problems.index)


def entry_name(index: int, entry: Mapping[str, Any]) -> str:
    """How problems name an entry: ``entry[3] Observation/<id>``; a CarePlan (an experiment) by
    its fullUrl too, the one name a receiver's references use for it."""
    resource = entry["resource"]
    kind, rid = resource.get("resourceType"), resource.get("id")
    if kind == "CarePlan":
        return f"entry[{index}] {entry.get('fullUrl') or ''} (CarePlan/{rid or ''})"
    return f"entry[{index}] {kind}/{rid or entry.get('fullUrl', '')}"


class EntryChecker:
    """The entry checks of :func:`bundle_problems`, one entry at a time, for a bundle that is never
    whole in memory (the streamed export). It keeps each fullUrl (to find duplicates and resolve
    references) and the references not resolved yet, not the entries."""

    def __init__(self, *, model_once_per_shape: bool = False) -> None:
        self.urls: dict[str, int] = {}
        self.pending: list[tuple[int, str, str]] = []  # (entry, path, reference) not seen yet
        # Our exporter writes thousands of resources of a few shapes from records that were
        # validated on the way in; the model check (types, cardinality, primitive formats) then
        # runs once per shape, our own checks (codes, units, statuses) on every resource.
        self.model_once_per_shape = model_once_per_shape
        self.shapes: set[Any] = set()

    def check(self, index: int, entry: Any) -> list[str]:
        """Every problem of one entry (its references are settled by :meth:`finish`)."""
        where = f"entry[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            return [f"{where}.resource: missing"]
        resource = entry["resource"]
        model = True
        if self.model_once_per_shape:
            form = shape(resource)
            model = form not in self.shapes
            self.shapes.add(form)
        problems = [f"{entry_name(index, entry)}: {p}" for p in resource_problems(resource, model=model)]
        url = entry.get("fullUrl")
        if url is not None:
            if url in self.urls:
                problems.append(f"{where}.fullUrl: same as entry[{self.urls[url]}]")
            self.urls[str(url)] = index
        for path, key, value in _walk(resource, ""):
            if (
                key == "reference"
                and isinstance(value, str)
                and value.startswith("urn:uuid:")
                and value not in self.urls
            ):
                self.pending.append((index, path, value))
        return problems

    def finish(self) -> list[str]:
        """The references that point at no entry of the bundle."""
        return [
            f"entry[{i}].resource.{path}.reference: {value} is not in the bundle"
            for i, path, value in self.pending
            if value not in self.urls
        ]


def bundle_problems(data: Any, label: str = "bundle") -> list[str]:
    """Every problem of a ``Bundle``: its own fields, each entry's resource, and its references."""
    if not isinstance(data, dict):
        return [f"{label}: must be a JSON object"]
    if data.get("resourceType") != "Bundle":
        return [f"{label}.resourceType: must be 'Bundle', not {data.get('resourceType')!r}"]
    problems = []
    if data.get("type") not in BUNDLE_TYPES:
        problems.append(f"{label}.type: unknown bundle type {data.get('type')!r}")
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        return [*problems, f"{label}.entry: must be a list"]
    checker = EntryChecker()
    for i, entry in enumerate(entries):
        problems += checker.check(i, entry)
    return problems + checker.finish()


def assert_valid_bundle(data: Any) -> None:
    """Raise ``FhirError`` if the bundle has any problem (for exporters: never write a bad bundle)."""
    from crampcare.fhir.errors import FhirError

    problems = bundle_problems(data)
    if problems:
        raise FhirError(problems)


def checked_entries(entries: Iterable[Any]) -> Iterator[Any]:
    """``entries`` passed on one by one after the checks of :func:`assert_valid_bundle`: raises
    ``FhirError`` before handing on a bad entry, or at the end for a reference to no entry."""
    from crampcare.fhir.errors import FhirError

    checker = EntryChecker(model_once_per_shape=True)
    for i, entry in enumerate(entries):
        problems = checker.check(i, entry)
        if problems:
            raise FhirError(problems)
        yield entry
    problems = checker.finish()
    if problems:
        raise FhirError(problems)


__all__ = ["DIARY_SYSTEM", "assert_valid_bundle", "bundle_problems", "resource_problems"]
