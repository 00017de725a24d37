"""A diary (and optionally the latest assessment) as a FHIR ``Bundle`` of type collection, and back.

:func:`diary_bundle` builds the bundle from plain records; :func:`parse_diary_bundle` reads one
back into records, checking everything first and collecting every problem as
``entry[3] Observation/<id>: component[severity]: must be from 0 to 10, not 11``. Resources that
are not part of a diary (Patient, RiskAssessment, lab Observations...) are counted and skipped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crampcare.fhir.codes import (
    DAY_LOG_CODE,
    DIARY_SYSTEM,
    EPISODE_CODE,
    SNOMED,
    SNOMED_CRAMP_IN_LOWER_LEG,
    own_system,
)
from crampcare.fhir.codesystems import CodeSystemUse
from crampcare.fhir.errors import FhirError
from crampcare.fhir.experiments import (
    ExperimentExport,
    ExperimentRecord,
    experiment_entries,
    is_care_plan,
    is_result,
    parse_care_plan,
)
from crampcare.fhir.medicines import QUININE_CODES, MedicineReader, codes_for
from crampcare.fhir.resources import (
    DAY_LOG_COMPONENTS,
    MedicationRecord,
    condition_resource,
    day_log_observation,
    day_log_url,
    episode_observation,
    episode_url,
    lab_observations,
    medication_statement,
    medication_url,
    patient_resource,
    risk_assessment,
    urn,
)
from crampcare.records import (
    RELIEF_CODES,
    SIDES,
    DayLogRecord,
    EpisodeRecord,
    FieldProblem,
    Today,
    day_log_from_row,
    episode_from_row,
    read,
)
from crampcare.records.values import parse_date

AtcLookup = Callable[[str], tuple[str, str] | None]
MAX_MEDICATION_NAME = 200


@dataclass(frozen=True)
class Assessment:
    """An assessment to put in the bundle: its input, its result and when it was made."""

    input: Mapping[str, Any]
    result: Mapping[str, Any]
    when: str | None = None
    verified_icd10: frozenset[str] = frozenset()
    lab_dates: Mapping[str, str] = field(default_factory=dict)  # lab field -> when the sample was taken


def _entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": full_url, "resource": resource}


def diary_bundle(
    episodes: Iterable[EpisodeRecord],
    day_logs: Iterable[DayLogRecord],
    medications: Sequence[MedicationRecord],
    *,
    person: str = "local",
    atc: AtcLookup | None = None,
    assessment: Assessment | None = None,
    experiments: Sequence[ExperimentExport] = (),
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The diary as a ``Bundle`` (type collection), deterministic for the same records.

    ``today`` decides which experiment blocks are over (their status); default: the local date.
    """
    entries = diary_bundle_entries(
        episodes,
        day_logs,
        medications,
        person=person,
        atc=atc,
        assessment=assessment,
        experiments=experiments,
        today=today,
    )
    return {**BUNDLE_HEAD, "entry": list(entries)}


BUNDLE_HEAD = {"resourceType": "Bundle", "type": "collection"}


def diary_bundle_entries(
    episodes: Iterable[EpisodeRecord],
    day_logs: Iterable[DayLogRecord],
    medications: Sequence[MedicationRecord],
    *,
    person: str = "local",
    atc: AtcLookup | None = None,
    assessment: Assessment | None = None,
    experiments: Sequence[ExperimentExport] = (),
    today: dt.date | None = None,
) -> Iterator[dict[str, Any]]:
    """The entries of :func:`diary_bundle`, one at a time, in the same order.

    Episodes and day logs are read from their iterables as the entries are consumed, so a streamed
    export holds one entry (and the code systems seen so far), never the whole diary.
    """
    patient = urn("patient", person)
    sex = assessment.input.get("sex") if assessment else None
    used = CodeSystemUse()

    def entry(full_url: str, resource: dict[str, Any]) -> dict[str, Any]:
        used.add(resource)
        return _entry(full_url, resource)

    yield entry(patient, patient_resource(patient, sex))
    for r in episodes:
        yield entry(episode_url(r), episode_observation(r, patient))
    for log in day_logs:
        yield entry(day_log_url(log), day_log_observation(log, patient))
    for i, med in enumerate(medications):
        url = medication_url(med, i)
        yield entry(url, medication_statement(med, patient, url, atc(med.name) if atc else None))
    if experiments:
        day = today or dt.date.today()
        for url, resource in experiment_entries(experiments, patient, day):
            yield entry(url, resource)
    if assessment is not None:
        for item in _assessment_entries(assessment, patient):
            yield entry(item["fullUrl"], item["resource"])
    # Our own code systems travel with the data that uses them.
    for system in used.code_systems():
        yield _entry(urn("code-system", system["url"]), system)


def _assessment_entries(assessment: Assessment, patient: str) -> list[dict[str, Any]]:
    from crampcare.fhir.questionnaire import input_to_response

    entries = []
    response_url = urn("questionnaire-response", patient, assessment.when)
    response = input_to_response(assessment.input, assessment.when)
    response = {**response, "id": response_url.rsplit(":", 1)[-1], "subject": {"reference": patient}}
    entries.append(_entry(response_url, response))
    for code in assessment.input.get("conditions") or ():
        url = urn("condition", patient, code)
        entries.append(_entry(url, condition_resource(code, patient, url)))
    labs = lab_observations(
        assessment.input.get("labs") or {}, patient, assessment.when, assessment.lab_dates
    )
    entries += [_entry(url, obs) for url, obs in labs]
    result_url = urn("risk-assessment", patient, assessment.when)
    entries.append(
        _entry(
            result_url,
            risk_assessment(
                assessment.result,
                patient,
                result_url,
                basis=[response_url, *(url for url, _ in labs)],
                when=assessment.when,
                verified_icd10=assessment.verified_icd10,
            ),
        )
    )
    return entries


# --- reading a bundle back ----------------------------------------------------------------------


@dataclass
class ParsedDiary:
    episodes: list[EpisodeRecord] = field(default_factory=list)
    day_logs: list[DayLogRecord] = field(default_factory=list)
    medications: list[MedicationRecord] = field(default_factory=list)
    # (where in the bundle, experiment): the place names the entry in later problems
    experiments: list[tuple[str, ExperimentRecord]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


# Our own diary code identifies our episodes; of SNOMED CT only the verified lower-leg concept.
EPISODE_SNOMED = {SNOMED_CRAMP_IN_LOWER_LEG[0]}


def _codes(concept: Any) -> set[tuple[str | None, str | None]]:
    if not isinstance(concept, dict):
        return set()
    return {(c.get("system"), c.get("code")) for c in concept.get("coding") or [] if isinstance(c, dict)}


def _kind(resource: Mapping[str, Any]) -> str | None:
    if resource.get("resourceType") == "MedicationStatement":
        return "medication"
    if resource.get("resourceType") != "Observation":
        return None
    codes = _codes(resource.get("code"))
    if (DIARY_SYSTEM, DAY_LOG_CODE) in codes:
        return "day_log"
    if (DIARY_SYSTEM, EPISODE_CODE) in codes or any(s == SNOMED and c in EPISODE_SNOMED for s, c in codes):
        return "episode"
    return None


class _Problems(list[str]):
    def at(self, where: str, field_: str, problem: str) -> None:
        self.append(f"{where}: {field_}: {problem}")


def _component_code(component: Any) -> str | None:
    for system, code in _codes(component.get("code") if isinstance(component, dict) else None):
        if system == DIARY_SYSTEM:
            return code
    return None


def _components(resource: Mapping[str, Any], where: str, problems: _Problems) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    raw = resource.get("component") or []
    if not isinstance(raw, list):
        problems.at(where, "component", "must be a list")
        return out
    for i, component in enumerate(raw):
        code = _component_code(component)
        if code is None:
            problems.at(where, f"component[{i}].code", f"needs a coding from {DIARY_SYSTEM}")
        elif code in out:
            problems.at(where, f"component[{code}]", "appears twice")
        else:
            out[code] = component
    return out


def _number_cell(component: Mapping[str, Any] | None, unit: str | None) -> str:
    """A quantity or integer component as a text cell for the diary's validators ('' when absent)."""
    if component is None:
        return ""
    if "valueInteger" in component:
        value = component["valueInteger"]
    else:
        quantity = component.get("valueQuantity")
        if not isinstance(quantity, dict):
            raise ValueError("needs valueQuantity or valueInteger")
        if unit is not None and quantity.get("code") not in (unit, None):
            raise ValueError(f"valueQuantity.code: unit must be {unit!r}, not {quantity.get('code')!r}")
        value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"value must be a number, not {value!r}")
    return repr(value) if isinstance(value, float) and not value.is_integer() else _plain(value)


def _plain(value: int | float) -> str:
    return str(int(value)) if isinstance(value, int) or float(value).is_integer() else repr(value)


def _bool_cell(component: Mapping[str, Any] | None) -> str:
    if component is None:
        return ""
    value = component.get("valueBoolean")
    if not isinstance(value, bool):
        raise ValueError("needs valueBoolean true or false")
    return "true" if value else "false"


def _cell(problems: _Problems, where: str, name: str, read: Callable[[], str]) -> str:
    try:
        return read()
    except ValueError as err:
        problems.at(where, f"component[{name}]", str(err))
        return ""


def _notes(resource: Mapping[str, Any]) -> str:
    notes = resource.get("note") or []
    return "\n".join(str(n.get("text", "")) for n in notes if isinstance(n, dict))


def _own_code(concept: Any, section: str) -> str:
    codes = [c for s, c in _codes(concept) if s == own_system(section)]
    return codes[0] if len(codes) == 1 and codes[0] else ""


def _parse_episode(
    resource: Mapping[str, Any], where: str, today: Today, problems: _Problems
) -> EpisodeRecord | None:
    start = len(problems)
    parts = _components(resource, where, problems)
    side = parts.get("side")
    relief = parts.get("relieved-by")
    relief_codes = [
        c
        for s, c in _ordered_codes(relief.get("valueCodeableConcept") if relief else None)
        if s == own_system("relief")
    ]
    cells = {
        "started_at": str(resource.get("effectiveDateTime") or ""),
        "duration_s": _cell(problems, where, "duration", lambda: _number_cell(parts.get("duration"), "s")),
        "muscle": _own_code(resource.get("bodySite"), "cramp_locations"),
        "side": _own_code(side.get("valueCodeableConcept") if side else None, "side"),
        "severity": _cell(problems, where, "severity", lambda: _number_cell(parts.get("severity"), None)),
        "woke_from_sleep": _cell(
            problems, where, "woke-from-sleep", lambda: _bool_cell(parts.get("woke-from-sleep"))
        ),
        "relieved_by": ";".join(str(c) for c in relief_codes),
        "notes": _notes(resource),
    }
    names = {
        "started_at": "effectiveDateTime",
        "muscle": f"bodySite (a coding from {own_system('cramp_locations')})",
        "side": f"component[side] (a coding from {own_system('side')}: {'|'.join(SIDES)})",
        "relieved_by": f"component[relieved-by] ({'|'.join(RELIEF_CODES)})",
    }
    result = episode_from_row(cells, today)
    if isinstance(result, list):
        for p in result:
            problems.at(where, names.get(p.field, f"component[{p.field}]"), p.problem)
        return None
    return result if len(problems) == start else None


def _ordered_codes(concept: Any) -> list[tuple[str | None, str | None]]:
    if not isinstance(concept, dict):
        return []
    return [(c.get("system"), c.get("code")) for c in concept.get("coding") or [] if isinstance(c, dict)]


def _parse_day_log(
    resource: Mapping[str, Any], where: str, today: Today, problems: _Problems
) -> DayLogRecord | None:
    start = len(problems)
    parts = _components(resource, where, problems)
    unknown = sorted(set(parts) - set(DAY_LOG_COMPONENTS))
    for code in unknown:
        problems.at(where, f"component[{code}]", "unknown day-log component")
    cells: dict[str, str] = {"date": str(resource.get("effectiveDateTime") or ""), "notes": _notes(resource)}
    for code, (name, _, unit) in DAY_LOG_COMPONENTS.items():
        component = parts.get(code)
        if unit is None:
            cells[name] = _cell(problems, where, code, lambda c=component: _bool_cell(c))  # type: ignore[misc]
        else:
            cells[name] = _cell(problems, where, code, lambda c=component, u=unit[1]: _number_cell(c, u))  # type: ignore[misc]
    result = day_log_from_row(cells, today)
    if isinstance(result, list):
        for p in result:
            field_ = "effectiveDateTime" if p.field == "date" else f"component[{p.field}]"
            problems.at(where, field_, p.problem)
        return None
    return result if len(problems) == start else None


def _medicine_reader(data: Mapping[str, Any]) -> MedicineReader:
    """Reads medicines by text, display, RxNorm or ATC code, and ``medicationReference`` to a
    contained Medication or one elsewhere in the bundle."""
    from crampcare.knowledge import KnowledgeError, load

    try:
        codes = codes_for(load())
    except KnowledgeError:
        codes = QUININE_CODES
    return MedicineReader(codes, [data])


def _parse_medication(
    resource: Mapping[str, Any],
    where: str,
    today: Today,
    problems: _Problems,
    reader: MedicineReader | None = None,
) -> MedicationRecord | None:
    start = len(problems)
    name = (reader or MedicineReader(QUININE_CODES)).read(resource).name.strip()
    if not name:
        problems.at(where, "medicationCodeableConcept.text", "missing (the medicine's name)")
    elif len(name) > MAX_MEDICATION_NAME:
        problems.at(where, "medicationCodeableConcept.text", f"longer than {MAX_MEDICATION_NAME} characters")
    raw_period = resource.get("effectivePeriod")
    period: dict[str, Any] = raw_period if isinstance(raw_period, dict) else {}
    started = stopped = None
    if not period.get("start"):
        problems.at(where, "effectivePeriod.start", "missing (the date the medicine was started)")
    else:
        try:
            started = parse_date(str(period["start"]), today, field="effectivePeriod.start")
        except FieldProblem as err:
            problems.at(where, err.field, err.problem)
    if period.get("end"):
        try:
            stopped = parse_date(str(period["end"]), today, field="effectivePeriod.end")
        except FieldProblem as err:
            problems.at(where, err.field, err.problem)
    if started and stopped and stopped < started:
        problems.at(where, "effectivePeriod.end", "before effectivePeriod.start")
    dosage = resource.get("dosage") or []
    dose = str(dosage[0].get("text") or "") if dosage and isinstance(dosage[0], dict) else ""
    if len(problems) > start or started is None:
        return None
    # The record's own readers check the rest (a dose or note that is not plain text, say); their
    # problems are named by the resource's paths.
    record = read(
        MedicationRecord,
        {"name": name, "started_on": started, "stopped_on": stopped, "dose": dose, "notes": _notes(resource)},
        today,
    )
    if isinstance(record, list):
        for found in record:
            problems.at(where, MEDICATION_PATHS.get(found.field, found.field), found.problem)
        return None
    return record


MEDICATION_PATHS = {
    "name": "medicationCodeableConcept.text",
    "dose": "dosage[0].text",
    "started_on": "effectivePeriod.start",
    "stopped_on": "effectivePeriod.end",
    "notes": "note",
}


def parse_diary_bundle(data: Any, today: Today | None = None) -> ParsedDiary:
    """Every diary record of a ``Bundle``; raises ``FhirError`` listing every problem (nothing partial)."""
    from crampcare.fhir.validate import bundle_problems, entry_name

    today = today or Today.current()
    problems = _Problems(bundle_problems(data))
    if problems:
        raise FhirError(problems)
    parsed = ParsedDiary()
    reader = _medicine_reader(data)
    for i, entry in enumerate(data.get("entry") or []):
        resource = entry["resource"]
        where = f"entry[{i}] {resource.get('resourceType')}/{resource.get('id') or entry.get('fullUrl', '')}"
        kind = _kind(resource)
        if kind == "episode":
            episode = _parse_episode(resource, where, today, problems)
            if episode is not None:
                parsed.episodes.append(episode)
        elif kind == "day_log":
            log = _parse_day_log(resource, where, today, problems)
            if log is not None:
                parsed.day_logs.append(log)
        elif kind == "medication":
            med = _parse_medication(resource, where, today, problems, reader)
            if med is not None:
                parsed.medications.append(med)
        elif is_care_plan(resource):
            named = entry_name(i, entry)
            experiment = parse_care_plan(resource, named, problems)
            if experiment is not None:
                parsed.experiments.append((named, experiment))
        elif is_result(resource):  # an experiment's result is recomputed from the diary, not stored
            pass
        elif resource.get("resourceType") != "CodeSystem":  # terminology, not data: not "skipped"
            parsed.skipped[str(resource.get("resourceType"))] += 1
    dates = Counter(d.date for d in parsed.day_logs)
    problems += [f"bundle: two day logs for {d.isoformat()}" for d, n in sorted(dates.items()) if n > 1]
    keys = Counter(e.key for e in parsed.episodes)
    problems += [
        f"bundle: two episodes start at {k[0].isoformat()} in {k[1]} ({k[2]})"
        for k, n in keys.items()
        if n > 1
    ]
    plans = Counter(e.schedule_sha256 for _, e in parsed.experiments)
    problems += [f"bundle: two CarePlans with the schedule {h}" for h, n in plans.items() if n > 1]
    if problems:
        raise FhirError(problems)
    return parsed
