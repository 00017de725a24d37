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
from crampcare.fhir.experiments import ExperimentExport
from crampcare.fhir.validate import assert_valid_bundle, checked_entries
from crampcare.records import ExperimentRecord, MedicationRecord
from crampcare.storage.models import Experiment, Medication, User


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
    """Storage rows for a user's medicine records (the inverse of ``service.medication_records``)."""
    return [Medication(user_id=user.id, **m.model_dump()) for m in records]


def experiment_record(experiment: Experiment) -> ExperimentRecord:
    """A stored experiment as a plain record (the hash recomputed from its rows, not trusted)."""
    from crampcare.experiments.service import schedule_hash

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
        schedule=tuple((n.date, n.on) for n in experiment.nights),
    )


def experiment_exports(session: Session, user: User, today: dt.date | None = None) -> list[ExperimentExport]:
    """Every experiment with its result over the nights already over (none before its first night)."""
    from crampcare.experiments.service import analyze_experiment, intervention_label, list_experiments

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
    from crampcare.diary.assessments import latest_assessment
    from crampcare.diary.service import iter_day_log_records, iter_episode_records, medication_records

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
    from crampcare.diary.service import DiaryError
    from crampcare.experiments.service import restore_experiments

    # The one restore path of every format: checked as the JSON import checks them (never what
    # the evidence calls harmful for this person, hazard H-FHX-1), stored as the bundle says.
    try:
        new_experiments, _ = restore_experiments(
            session, user, [e for _, e in parsed.experiments], places=[w for w, _ in parsed.experiments]
        )
    except DiaryError as err:
        session.rollback()
        raise FhirError(err.problems) from None
    session.add_all(medication_rows(user, new_meds))
    # import_records commits the medicines and experiments together with episodes and day logs,
    # or rolls all back.
    import_records(session, user, parsed.episodes, parsed.day_logs)
    return ImportSummary(
        episodes=len(parsed.episodes),
        day_logs=len(parsed.day_logs),
        medications=len(new_meds),
        skipped=dict(sorted(parsed.skipped.items())),
        experiments=new_experiments,
    )
