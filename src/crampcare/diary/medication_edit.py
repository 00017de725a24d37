"""Changing a recorded medicine (name, dose, dates, notes), for the web's medicines page.

Adding and stopping live in ``diary.service`` (shared with the CLI); this adds the edit with the same
checks: a name is required, the stop date is not before the start, the same name from the same date
is not recorded twice, and another person's medicine is "not found".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcare.diary.service import DiaryError, checked
from crampcare.records import MedicationRecord
from crampcare.storage.models import Medication, User


def owned_medication(session: Session, user: User, medication_id: int) -> Medication:
    med = session.get(Medication, medication_id)
    if med is None or med.user_id != user.id:
        raise DiaryError(f"id: no medication {medication_id}")
    return med


def update_medication(
    session: Session,
    user: User,
    medication_id: int,
    *,
    name: str,
    started_on: dt.date,
    stopped_on: dt.date | None,
    dose: str = "",
    notes: str = "",
) -> Medication:
    """Replace a medicine's values, or raise ``DiaryError`` (``field: problem`` lines) changing nothing.

    The values are read by the same medicine record as adding one (``records.Medicine``), so the
    checks and their wording are the same on every page and in the CLI."""
    med = owned_medication(session, user, medication_id)
    record = checked(
        MedicationRecord,
        {"name": name, "dose": dose, "started_on": started_on, "stopped_on": stopped_on, "notes": notes},
    )
    name, dose, notes = record.name, record.dose, record.notes
    clash = session.scalars(
        select(Medication.id).where(
            Medication.user_id == user.id,
            Medication.name == name,
            Medication.started_on == started_on,
            Medication.id != med.id,
        )
    ).first()
    if clash is not None:
        raise DiaryError(f"name: medicine {clash} ({name}) is already recorded from {started_on.isoformat()}")
    med.name, med.dose, med.notes = name, dose, notes
    med.started_on, med.stopped_on = started_on, stopped_on
    session.commit()
    return med
