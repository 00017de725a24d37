"""N-of-1 self-experiments as FHIR: the plan as a ``CarePlan``, its result as an ``Observation``.

Why a ``CarePlan`` and not ``ResearchStudy`` + ``ResearchSubject``: a crampcare experiment is one
person's own plan of nights on and off something they do at bedtime, with no protocol, sponsor,
site, enrolment or ethics approval that a ResearchStudy describes, and a ResearchStudy would
need a second resource (ResearchSubject) just to say whose it is. A CarePlan has a ``subject``,
a ``period`` and one ``activity`` per block with ``scheduledPeriod`` and ``doNotPerform`` (true
on an 'off' block: the intervention is *not* to be done), which is exactly the schedule; the
result Observation points at it with ``basedOn`` (an Observation may be based on a CarePlan) and
``focus``. The randomisation (seed, block length, pairs, washout, the schedule's SHA-256) and
the imported flag travel in a complex extension, ``nof1-design``, under our own base; an
imported schedule (drawn elsewhere, not by crampcare) is also tagged in ``meta.tag`` on both
resources, so a receiver that ignores extensions still sees it.

Pure functions, no database: :mod:`crampcare.fhir.diary_export` loads and stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crampcare.fhir.codes import BASE, OBSERVATION_CATEGORY, UCUM, own_system
from crampcare.records import ExperimentRecord

EXPERIMENT_SYSTEM = own_system("experiment")
VERDICT_SYSTEM = own_system("experiment-verdict")
DESIGN_EXTENSION = f"{BASE}/StructureDefinition/nof1-design"
BLOCK_EXTENSION = f"{BASE}/StructureDefinition/nof1-block"
RESULT_CODE = "nof1-result"
IMPORTED_TAG = "imported-schedule"
RATIO_UNIT = "{ratio}"
# Displays of our experiment codes (the CodeSystem in the bundle carries them).
EXPERIMENT_CODES: dict[str, str] = {
    "n-of-1": "N-of-1 self-experiment (randomised paired blocks of nights)",
    RESULT_CODE: "Self-experiment result: rate ratio of cramps on versus off nights",
    IMPORTED_TAG: "Schedule drawn outside crampcare (imported); seed and start were not drawn by crampcare",
    "rate-ratio-ci95": "95% interval of the rate ratio",
    "p-value": "Randomisation test p-value (two-sided)",
    "prob-benefit": "Probability that the rate ratio is below 1",
    "verdict": "Verdict",
    "pairs-analysed": "Complete pairs of blocks analysed",
    "pairs-planned": "Pairs of blocks planned",
    "nights-on": "Nights on, analysed",
    "nights-off": "Nights off, analysed",
    "episodes-on": "Cramps on 'on' nights",
    "episodes-off": "Cramps on 'off' nights",
    "rate-ratio-crude": "Rate ratio by schedule, all analysed nights",
}
VERDICT_CODES: dict[str, str] = {
    "likely_helps": "Likely helps",
    "likely_no_effect": "Likely no effect",
    "inconclusive": "Inconclusive",
    "likely_harms": "Likely harms",
}
CAREPLAN_STATUS = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
CAREPLAN_INTENT = frozenset({"proposal", "plan", "order", "option"})
ACTIVITY_STATUS = frozenset(
    {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    }
)


def plan_hash(record: ExperimentRecord) -> str:
    """The same SHA-256 as ``crampcare.experiments.service.schedule_hash`` computes from the rows."""
    return record.digest


def _id(full_url: str) -> str:
    return full_url.rsplit(":", 1)[-1]


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _imported_meta(record: ExperimentRecord) -> dict[str, Any]:
    tag = _coding(EXPERIMENT_SYSTEM, IMPORTED_TAG, EXPERIMENT_CODES[IMPORTED_TAG])
    return {"meta": {"tag": [tag]}} if record.imported else {}


def created_text(when: dt.datetime | None) -> str:
    """A naive UTC time as a FHIR dateTime, to the microsecond if it has one (restored exactly);
    a record without one (read from a JSON export) is dated now."""
    when = when or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return when.isoformat(timespec="microseconds" if when.microsecond else "seconds") + "Z"


def _blocks(record: ExperimentRecord) -> list[tuple[int, int, bool, dt.date, dt.date]]:
    """(block, pair, on, first night, last night) per block, in order."""
    out: list[tuple[int, int, bool, dt.date, dt.date]] = []
    for date, pair, block, on in record.nights:
        if out and out[-1][0] == block:
            out[-1] = (block, pair, on, out[-1][3], date)
        else:
            out.append((block, pair, on, date, date))
    return out


def _activity_status(first: dt.date, last: dt.date, today: dt.date) -> str:
    # A night D is over at noon on D + 1 (crampcare.experiments.service): a block is completed
    # once its last night is before today.
    if last < today:
        return "completed"
    return "in-progress" if first < today else "scheduled"


def care_plan(
    record: ExperimentRecord, patient: str, full_url: str, label: str, today: dt.date
) -> dict[str, Any]:
    """The experiment as a ``CarePlan``: one activity per block, the design in an extension."""
    from crampcare.fhir.questionnaire import option_display

    intervention = _coding(
        own_system("recommendations"),
        record.intervention,
        option_display("recommendations", record.intervention),
    )
    activities = []
    for block, pair, on, first, last in _blocks(record):
        activities.append(
            {
                "detail": {
                    "extension": [
                        {
                            "url": BLOCK_EXTENSION,
                            "extension": [
                                {"url": "pair", "valueInteger": pair},
                                {"url": "block", "valueInteger": block},
                            ],
                        }
                    ],
                    "code": {"coding": [intervention], "text": label},
                    "status": _activity_status(first, last, today),
                    "doNotPerform": not on,
                    "scheduledPeriod": {"start": first.isoformat(), "end": last.isoformat()},
                    "description": f"{'On' if on else 'Off'}: nights {first.isoformat()} to "
                    f"{last.isoformat()} {'with' if on else 'without'} {label}",
                }
            }
        )
    design = [
        {"url": "blockDays", "valueInteger": record.block_days},
        {"url": "pairs", "valueInteger": record.pairs},
        {"url": "washoutDays", "valueInteger": record.washout_days},
        {"url": "seed", "valueInteger": record.seed},
        {"url": "imported", "valueBoolean": bool(record.imported)},
        {"url": "scheduleSha256", "valueString": record.schedule_sha256 or record.digest},
    ]
    who = "drawn elsewhere and imported" if record.imported else "drawn by crampcare"
    return {
        "resourceType": "CarePlan",
        "id": _id(full_url),
        **_imported_meta(record),
        "extension": [{"url": DESIGN_EXTENSION, "extension": design}],
        "status": "completed" if record.end < today else "active",
        "intent": "plan",
        "category": [{"coding": [_coding(EXPERIMENT_SYSTEM, "n-of-1", EXPERIMENT_CODES["n-of-1"])]}],
        "title": f"Self-experiment: {label}",
        "description": (
            f"{record.pairs} pairs of {record.block_days}-night blocks, one block of each pair on "
            f"and one off in random order (schedule {who}); "
            + (
                f"the first {record.washout_days} nights of each block are not analysed."
                if record.washout_days
                else "every night is analysed."
            )
        ),
        "subject": {"reference": patient},
        "period": {"start": record.start.isoformat(), "end": record.end.isoformat()},
        "created": created_text(record.created_at),
        "activity": activities,
    }


def _ratio(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "ratio", "system": UCUM, "code": RATIO_UNIT}


def _component(code: str, value: Mapping[str, Any]) -> dict[str, Any]:
    display = EXPERIMENT_CODES[code]
    return {"code": {"coding": [_coding(EXPERIMENT_SYSTEM, code, display)], "text": display}, **value}


def result_observation(
    record: ExperimentRecord,
    result: Mapping[str, Any],
    patient: str,
    plan_url: str,
    full_url: str,
) -> dict[str, Any]:
    """An ``analyze_experiment`` result as an ``Observation`` based on (and about) the CarePlan.

    The value is the pair model's rate ratio (absent with fewer complete pairs than the model
    needs, then ``dataAbsentReason``); the interval, p-value and verdict are components.
    """
    verdict = str(result["verdict"])
    components = [
        _component(
            "verdict",
            {
                "valueCodeableConcept": {
                    "coding": [_coding(VERDICT_SYSTEM, verdict, VERDICT_CODES[verdict])],
                    "text": VERDICT_CODES[verdict],
                }
            },
        )
    ]
    ci = result.get("ci95")
    if ci and ci[0] is not None and ci[1] is not None:
        components.append(
            _component("rate-ratio-ci95", {"valueRange": {"low": _ratio(ci[0]), "high": _ratio(ci[1])}})
        )
    if result.get("p_value") is not None:
        components.append(
            _component(
                "p-value", {"valueQuantity": {"value": result["p_value"], "system": UCUM, "code": "1"}}
            )
        )
    if result.get("prob_benefit") is not None:
        components.append(
            _component(
                "prob-benefit",
                {"valueQuantity": {"value": result["prob_benefit"], "system": UCUM, "code": "1"}},
            )
        )
    for code, key in (
        ("pairs-analysed", "pairs_analysed"),
        ("pairs-planned", "pairs_planned"),
        ("nights-on", "nights_on"),
        ("nights-off", "nights_off"),
        ("episodes-on", "episodes_on"),
        ("episodes-off", "episodes_off"),
    ):
        if result.get(key) is not None:
            components.append(_component(code, {"valueInteger": int(result[key])}))
    if result.get("rate_ratio") is not None:
        components.append(_component("rate-ratio-crude", {"valueQuantity": _ratio(result["rate_ratio"])}))
    analysed_to = min(record.end, dt.date.fromisoformat(str(result["as_of"])) - dt.timedelta(days=1))
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(full_url),
        **_imported_meta(record),
        "basedOn": [{"reference": plan_url}],
        "status": "final" if analysed_to >= record.end else "preliminary",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [_coding(EXPERIMENT_SYSTEM, RESULT_CODE, EXPERIMENT_CODES[RESULT_CODE])],
            "text": EXPERIMENT_CODES[RESULT_CODE],
        },
        "subject": {"reference": patient},
        "focus": [{"reference": plan_url}],
        "effectivePeriod": {"start": record.start.isoformat(), "end": analysed_to.isoformat()},
        "method": {"text": str(result.get("verdict_rule") or "")},
        "component": components,
    }
    if result.get("rate_ratio_model") is not None:
        resource["valueQuantity"] = _ratio(result["rate_ratio_model"])
    else:
        resource["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "not-applicable",
                }
            ],
            "text": "too few complete pairs of blocks for the pair model",
        }
    notes = [str(result[k]) for k in ("explanation", "disclaimer") if result.get(k)]
    if record.imported:
        notes.insert(0, "Imported schedule: its seed and start were chosen outside crampcare.")
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    return resource


# --- reading a CarePlan back ---------------------------------------------------------------------


def _sub(extension: Mapping[str, Any], where: str, problems: list[str]) -> dict[str, Any]:
    """A complex extension's sub-extension values by url (problems for duplicates)."""
    out: dict[str, Any] = {}
    for sub in extension.get("extension") or []:
        if not isinstance(sub, dict):
            continue
        url = sub.get("url")
        value = next((v for k, v in sub.items() if k.startswith("value")), None)
        if url in out:
            problems.append(f"{where}: extension {url!r} appears twice")
        out[str(url)] = value
    return out


def _int(values: Mapping[str, Any], name: str, where: str, problems: list[str]) -> int:
    value = values.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{where}.{name}: missing or not an integer")
        return -1
    return value


def is_care_plan(resource: Mapping[str, Any]) -> bool:
    return resource.get("resourceType") == "CarePlan"


def is_result(resource: Mapping[str, Any]) -> bool:
    if resource.get("resourceType") != "Observation":
        return False
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    return any(
        isinstance(c, dict) and c.get("system") == EXPERIMENT_SYSTEM and c.get("code") == RESULT_CODE
        for c in codings or []
    )


def _date(value: Any, field: str, where: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {field}: must be a date (YYYY-MM-DD), not {value!r}")
        return None


def parse_care_plan(resource: Mapping[str, Any], where: str, problems: list[str]) -> ExperimentRecord | None:
    """The experiment of a crampcare ``CarePlan``, or None (with every problem appended).

    The schedule is read from the blocks as written; it must be 2 x pairs blocks of block_days
    nights from ``period.start``, one 'on' and one 'off' block per pair, and its SHA-256 must be
    the one in the design extension (an edited schedule is refused, not silently re-hashed).
    """
    from crampcare.stats.schedule import check_design

    start_count = len(problems)
    designs = [
        e for e in resource.get("extension") or [] if isinstance(e, dict) and e.get("url") == DESIGN_EXTENSION
    ]
    if len(designs) != 1:
        problems.append(f"{where}: extension: needs exactly one {DESIGN_EXTENSION}")
        return None
    here = f"{where}: extension[nof1-design]"
    design = _sub(designs[0], here, problems)
    block_days = _int(design, "blockDays", here, problems)
    pairs = _int(design, "pairs", here, problems)
    washout = _int(design, "washoutDays", here, problems)
    seed = _int(design, "seed", here, problems)
    imported = design.get("imported")
    if not isinstance(imported, bool):
        problems.append(f"{here}.imported: missing (true or false)")
    declared = design.get("scheduleSha256")
    if not isinstance(declared, str) or len(declared) != 64:
        problems.append(f"{here}.scheduleSha256: missing or not a SHA-256 in hex")
    if len(problems) == start_count:
        problems += [f"{here}.{p}" for p in check_design(block_days, pairs, washout)]
    if not 0 <= seed <= 2**31 - 1:
        problems.append(f"{here}.seed: must be from 0 to {2**31 - 1}, not {seed}")
    period = resource.get("period") if isinstance(resource.get("period"), dict) else {}
    start = _date((period or {}).get("start"), "period.start", where, problems)
    created = None
    try:
        created = dt.datetime.fromisoformat(str(resource.get("created") or "").replace("Z", "+00:00"))
        if created.tzinfo is None:
            raise ValueError
        created = created.astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:
        problems.append(
            f"{where}: created: must be a date-time with its UTC offset, not {resource.get('created')!r}"
        )
    interventions: set[str] = set()
    nights: list[tuple[dt.date, int, int, bool]] = []
    activities = resource.get("activity") or []
    for i, activity in enumerate(activities):
        at = f"{where}: activity[{i}].detail"
        detail = activity.get("detail") if isinstance(activity, dict) else None
        if not isinstance(detail, dict):
            problems.append(f"{at}: missing")
            continue
        codes = [
            c.get("code")
            for c in (detail.get("code") or {}).get("coding") or []
            if isinstance(c, dict) and c.get("system") == own_system("recommendations")
        ]
        if len(codes) != 1:
            problems.append(f"{at}.code: needs one coding from {own_system('recommendations')}")
        else:
            interventions.add(str(codes[0]))
        if not isinstance(detail.get("doNotPerform"), bool):
            problems.append(f"{at}.doNotPerform: missing (false on an 'on' block, true on an 'off' block)")
            continue
        sched = detail.get("scheduledPeriod") if isinstance(detail.get("scheduledPeriod"), dict) else {}
        first = _date(
            (sched or {}).get("start"), f"activity[{i}].detail.scheduledPeriod.start", where, problems
        )
        last = _date((sched or {}).get("end"), f"activity[{i}].detail.scheduledPeriod.end", where, problems)
        if first is None or last is None or block_days < 1 or start is None:
            continue
        if first != start + dt.timedelta(days=i * block_days) or (last - first).days != block_days - 1:
            problems.append(
                f"{at}.scheduledPeriod: block {i + 1} must be nights "
                f"{(start + dt.timedelta(days=i * block_days)).isoformat()} to "
                f"{(start + dt.timedelta(days=(i + 1) * block_days - 1)).isoformat()}"
            )
            continue
        on = not detail["doNotPerform"]
        nights += [(first + dt.timedelta(days=d), i // 2, i, on) for d in range(block_days)]
    if len(interventions) > 1:
        problems.append(
            f"{where}: activity: all blocks must test one intervention, not {sorted(interventions)}"
        )
    if pairs >= 1 and len(activities) != 2 * pairs:
        problems.append(f"{where}: activity: needs {2 * pairs} blocks ({pairs} pairs), not {len(activities)}")
    by_pair: dict[int, set[bool]] = {}
    for _, pair, _, on in nights:
        by_pair.setdefault(pair, set()).add(on)
    for pair, arms in sorted(by_pair.items()):
        if arms != {True, False}:
            problems.append(f"{where}: activity: pair {pair + 1} needs one 'on' and one 'off' block")
    if not interventions:
        problems.append(f"{where}: activity: no intervention")
    if len(problems) > start_count or start is None or created is None:
        return None
    record = ExperimentRecord(
        intervention=next(iter(interventions)),
        start=start,
        block_days=block_days,
        pairs=pairs,
        seed=seed,
        washout_days=washout,
        imported=bool(imported),
        created_at=created,
        schedule_sha256=str(declared),
        schedule=tuple((day, on) for day, _, _, on in nights),
    )
    if plan_hash(record) != declared:
        problems.append(
            f"{here}.scheduleSha256: does not match the design and blocks (the schedule was changed "
            "after it was drawn)"
        )
        return None
    return record


@dataclass(frozen=True)
class ExperimentExport:
    """An experiment to put in the bundle: its record, a label for people, and its result (if any)."""

    record: ExperimentRecord
    label: str
    result: Mapping[str, Any] | None = None


def experiment_entries(
    experiments: Sequence[ExperimentExport], patient: str, today: dt.date
) -> list[tuple[str, dict[str, Any]]]:
    """(fullUrl, resource) for each experiment's CarePlan and, when it has one, its result."""
    from crampcare.fhir.resources import urn

    out = []
    for item in experiments:
        plan_url = urn("experiment", patient, item.record.schedule_sha256)
        out.append((plan_url, care_plan(item.record, patient, plan_url, item.label, today)))
        if item.result is not None:
            result_url = urn("experiment-result", patient, item.record.schedule_sha256)
            out.append(
                (result_url, result_observation(item.record, item.result, patient, plan_url, result_url))
            )
    return out
