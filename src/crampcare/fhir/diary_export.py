"""The FHIR diary export and import against the database: the only I/O of ``crampcare.fhir``.

``stream_bundle`` (and ``export_bundle``, its text joined) is the ``fhir`` format of
``crampcare diary export`` and of the web download (registered in ``crampcare.diary.exporters``).
``import_bundle`` checks the whole bundle first and then writes episodes, day logs and medicines in
one transaction: all of it, or (on any problem) nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcare.fhir.bundle import (
    BUNDLE_HEAD,
    Assessment,
    ParsedDiary,
    diary_bundle_entries,
    parse_diary_bundle,
)
from crampcare.fhir.errors import FhirError
from crampcare.fhir.experiments import ExperimentExport, ExperimentRecord, plan_hash
from crampcare.fhir.resources import MedicationRecord
from crampcare.fhir.validate import assert_valid_bundle, checked_entries
from crampcare.storage.models import Experiment, ExperimentNight, Medication, User


def atc_lookup() -> Any:
    """A function name -> (ATC code, ingredient) from the drug catalogue, or ``None`` if it is unusable."""
    try:
        from crampcare.assess.medications import medication_index

        index = medication_index()
    except Exception:  # the knowledge base is invalid: export without ATC codings rather than fail
        return None

    def lookup(name: str) -> tuple[str, str] | None:
        drug = index.match(name)
        return (drug.atc, drug.ingredient) if drug is not None and drug.atc else None

    return lookup


def medication_rows(user: User, records: list[MedicationRecord]) -> list[Medication]:
    """Storage rows for a user's medicine records (the inverse of :func:`medication_records`)."""
    return [
        Medication(
            user_id=user.id,
            name=m.name,
            dose=m.dose,
            started_on=m.started_on,
            stopped_on=m.stopped_on,
            notes=m.notes,
        )
        for m in records
    ]


def medication_records(session: Session, user: User) -> list[MedicationRecord]:
    from crampcare.diary.service import list_medications

    return [
        MedicationRecord(
            name=m.name, started_on=m.started_on, stopped_on=m.stopped_on, dose=m.dose, notes=m.notes
        )
        for m in list_medications(session, user)
    ]


@dataclass(frozen=True)
class LatestAssessment:
    input: dict[str, Any]
    result: dict[str, Any]
    when: str
    verified_icd10: frozenset[str]


def latest_assessment(session: Session, user: User, lang: str = "en") -> LatestAssessment | None:
    """The person's most recent saved assessment, re-run through the engine (``None`` if none/unusable)."""
    try:
        from crampcare.storage.auth_models import SavedAssessment
    except ImportError:  # pragma: no cover - the web tables are not installed
        return None
    row = session.scalars(
        select(SavedAssessment)
        .where(SavedAssessment.user_id == user.id)
        .order_by(SavedAssessment.created_at.desc(), SavedAssessment.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    try:
        data = json.loads(row.input_json)
    except json.JSONDecodeError:
        return None
    return run_assessment(data, row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), lang)


def run_assessment(data: Any, when: str, lang: str = "en") -> LatestAssessment | None:
    """Validate and assess an AssessmentInput (``None`` if invalid or the knowledge base is unusable)."""
    from crampcare.assess import InputError, assess, parse_inputs
    from crampcare.knowledge import load

    try:
        inputs, batch = parse_inputs(data)
        kb = load()
    except (InputError, Exception):
        return None
    if batch:
        return None
    result = assess(inputs[0], lang=lang, kb=kb)
    verified = frozenset(c.icd10 for c in kb.conditions.values() if c.icd10_verified)
    return LatestAssessment(
        input=inputs[0].model_dump(mode="json", exclude_none=True, exclude_defaults=True),
        result=result.to_json(),
        when=when,
        verified_icd10=verified,
    )


def experiment_record(experiment: Experiment) -> ExperimentRecord:
    """A stored experiment as a plain record (the hash recomputed from its rows, not trusted)."""
    from crampcare.diary.experiments import schedule_hash

    return ExperimentRecord(
        intervention=experiment.intervention,
        start=experiment.start_date,
        block_days=experiment.block_days,
        pairs=experiment.pairs,
        seed=experiment.seed,
        washout_days=experiment.washout_days,
        imported=experiment.imported,
        created_at=experiment.created_at,
        schedule_sha256=schedule_hash(experiment),
        nights=tuple((n.date, n.pair_index, n.block_index, n.on) for n in experiment.nights),
    )


def experiment_row(user: User, record: ExperimentRecord) -> Experiment:
    """A storage row (with its nights) for an experiment record (the inverse of the above)."""
    experiment = Experiment(
        user_id=user.id,
        intervention=record.intervention,
        start_date=record.start,
        block_days=record.block_days,
        pairs=record.pairs,
        seed=record.seed,
        washout_days=record.washout_days,
        created_at=record.created_at,
        imported=record.imported,
        schedule_sha256=record.schedule_sha256,
    )
    for date, pair, block, on in record.nights:
        experiment.nights.append(ExperimentNight(date=date, pair_index=pair, block_index=block, on=on))
    return experiment


def experiment_exports(session: Session, user: User, today: dt.date | None = None) -> list[ExperimentExport]:
    """Every experiment with its result over the nights already over (none before its first night)."""
    from crampcare.diary.experiments import analyze_experiment, intervention_label, list_experiments

    today = today or dt.date.today()
    out = []
    for experiment in list_experiments(session, user):
        result = None
        if experiment.start_date < today:
            # No weeks-to-settle simulation: the export stays quick; the verdict does not need it.
            result = analyze_experiment(session, user, experiment, as_of=today, estimate_weeks=False)
        out.append(
            ExperimentExport(
                experiment_record(experiment), intervention_label(experiment.intervention), result
            )
        )
    return out


def build_export(session: Session, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The whole export as one dict (small diaries and tests; the download streams instead)."""
    bundle = {**BUNDLE_HEAD, "entry": list(export_entries(session, user, today))}
    assert_valid_bundle(bundle)  # never hand out a bundle we would not accept ourselves
    return bundle


def export_entries(session: Session, user: User, today: dt.date | None = None) -> Iterator[dict[str, Any]]:
    """The bundle's entries as they are built, episodes and day logs read a batch at a time."""
    from crampcare.diary.service import iter_day_log_records, iter_episode_records

    latest = latest_assessment(session, user)
    return diary_bundle_entries(
        iter_episode_records(session, user),
        iter_day_log_records(session, user),
        medication_records(session, user),
        person=user.name,
        atc=atc_lookup(),
        assessment=Assessment(latest.input, latest.result, latest.when, latest.verified_icd10)
        if latest
        else None,
        experiments=experiment_exports(session, user, today),
        today=today,
    )


def stream_bundle(session: Session, user: User, today: dt.date | None = None) -> Iterator[str]:
    """``crampcare diary export --format fhir`` and the web download: the diary as a FHIR R4
    Bundle in text chunks, the same text as ``json.dumps(build_export(...), ensure_ascii=False,
    indent=2) + "\\n"``, in bounded memory: one batch of rows and one chunk at a time.

    Every entry is checked before it is handed on (``checked_entries``): a bad entry raises
    ``FhirError`` mid-stream, so the CLI removes its partial file and a download is cut short
    (the browser reports it failed) rather than complete with a bundle we would not accept.
    """
    from crampcare.diary.exporters import chunked, json_list

    def pieces() -> Iterator[str]:
        head = "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in BUNDLE_HEAD.items())
        yield "{\n" + head
        yield from json_list("entry", checked_entries(export_entries(session, user, today)))
        yield "\n}\n"

    yield from chunked(pieces())


def export_bundle(session: Session, user: User) -> str:
    """The whole export as text (the streamer joined: the very same bytes)."""
    return "".join(stream_bundle(session, user))


@dataclass(frozen=True)
class ImportSummary:
    episodes: int
    day_logs: int
    medications: int
    skipped: dict[str, int]
    experiments: int = 0


def import_bundle(session: Session, user: User, data: Any) -> ImportSummary:
    """Check the whole bundle, then store its diary in one transaction; raises ``FhirError``."""
    from crampcare.diary.service import import_records

    parsed: ParsedDiary = parse_diary_bundle(data)
    existing = {
        (m.name, m.started_on, m.stopped_on, m.dose, m.notes)
        for m in session.scalars(select(Medication).where(Medication.user_id == user.id))
    }
    new_meds = [
        m for m in parsed.medications if (m.name, m.started_on, m.stopped_on, m.dose, m.notes) not in existing
    ]
    new_experiments = _new_experiments(session, user, parsed.experiments)
    session.add_all(medication_rows(user, new_meds))
    session.add_all([experiment_row(user, e) for e in new_experiments])
    # import_records commits the medicines and experiments together with episodes and day logs,
    # or rolls all back.
    import_records(session, user, parsed.episodes, parsed.day_logs)
    return ImportSummary(
        episodes=len(parsed.episodes),
        day_logs=len(parsed.day_logs),
        medications=len(new_meds),
        skipped=dict(sorted(parsed.skipped.items())),
        experiments=len(new_experiments),
    )


def _new_experiments(
    session: Session, user: User, experiments: list[tuple[str, ExperimentRecord]]
) -> list[ExperimentRecord]:
    """The bundle's experiments not yet stored (same schedule hash = same experiment); raises
    ``FhirError`` naming the entry of any that may not be stored for this person."""
    from crampcare.diary.experiments import _grade_for, list_experiments, schedule_hash, why_untestable

    problems = []
    for where, record in experiments:
        # Never put on a tonight-list what the evidence (or this person's latest assessment)
        # calls harmful for them, however the bundle was made (hazard H-FHX-1).
        why_not = why_untestable(record.intervention, _grade_for(session, user, record.intervention))
        if why_not:
            problems.append(f"{where}: {why_not}")
        if plan_hash(record) != record.schedule_sha256:  # parse_care_plan checked; belt and braces
            problems.append(f"{where}: the schedule does not match its SHA-256")
    if problems:
        raise FhirError(problems)
    stored = {schedule_hash(e) for e in list_experiments(session, user)}
    return [e for _, e in experiments if e.schedule_sha256 not in stored]
