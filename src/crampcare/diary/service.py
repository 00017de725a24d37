"""The diary's operations, as plain functions over a SQLAlchemy ``Session`` and a ``User``.

The CLI and the web app both call these. Functions that change data commit before returning (or
roll back and raise), so a caller never sees half an operation. Bad input raises ``DiaryError``
whose ``problems`` are ready to show a person, one line each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from crampcare.diary.csv_io import ParsedFile, parse_csv_file
from crampcare.errors import Problems
from crampcare.records import (
    DayLogRecord,
    EpisodeChanges,
    EpisodeRecord,
    ExperimentRecord,
    FieldProblem,
    MedicationRecord,
    Today,
    day_log_from_row,
    episode_from_row,
    read,
)
from crampcare.records.nights import from_storage, night_of, storage_fields, to_storage
from crampcare.storage.audit import audit, detail_via
from crampcare.storage.bulk import bulk_insert, sqlite_insert_stored, sqlite_storage_form
from crampcare.storage.models import DayLog, Episode, Medication, User
from crampcare.storage.transactions import transaction
from crampcare.storage.versioning import bump_diary_version

INSERT_CHUNK = 5000
# Core tables: bulk inserts through Core skip the ORM unit of work (much faster on 100k rows).
EPISODES: Table = cast(Table, Episode.__table__)
DAY_LOGS: Table = cast(Table, DayLog.__table__)


class DiaryError(Problems):
    """Bad input or an impossible operation; ``problems`` are lines for a person to read."""

    separator = "; "

    @classmethod
    def of(cls, found: Sequence[FieldProblem]) -> DiaryError:
        """The problems of a record, one ``field: problem`` line each (the records' own words)."""
        return cls([f"{p.field}: {p.problem}" for p in found])


M = TypeVar("M", EpisodeRecord, DayLogRecord, MedicationRecord)


def checked(model: type[M], values: Mapping[str, Any], today: Today | None = None) -> M:
    """``values`` (text or typed) read into ``model``, or ``DiaryError`` listing every problem."""
    result = read(model, values, today or Today.current())
    if isinstance(result, list):
        raise DiaryError.of(result)
    return result


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    inserted: int
    updated: int
    # How the file was read (``csv_shapes``); the canonical shape leaves the defaults.
    encoding: str = "UTF-8"
    delimiter: str = ","
    zone: str | None = None
    extras: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()


# --- conversions between records and rows ------------------------------------------------------


def episode_values(user_id: int, record: EpisodeRecord) -> dict[str, Any]:
    """The column values of an ``episodes`` row for ``record``."""
    utc, offset = to_storage(record.started_at)
    return {
        "user_id": user_id,
        "started_at_utc": utc,
        "utc_offset_min": offset,
        "night_date": night_of(record.started_at),
        "duration_s": record.duration_s,
        "muscle": record.muscle,
        "side": record.side,
        "severity": record.severity,
        "woke_from_sleep": record.woke_from_sleep,
        "relieved_by": ";".join(record.relieved_by),
        "notes": record.notes,
    }


def episode_record(row: Any) -> EpisodeRecord:
    """An ``EpisodeRecord`` from an ``Episode`` or a row with the same attribute names (stored
    values were checked on the way in: not read again)."""
    return EpisodeRecord.trusted(
        started_at=from_storage(row.started_at_utc, row.utc_offset_min),
        muscle=row.muscle,
        side=row.side,
        duration_s=row.duration_s,
        severity=row.severity,
        woke_from_sleep=row.woke_from_sleep,
        relieved_by=tuple(row.relieved_by.split(";")) if row.relieved_by else (),
        notes=row.notes,
    )


def day_log_values(user_id: int, record: DayLogRecord) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "date": record.date,
        "stretched_before_bed": record.stretched_before_bed,
        "fluid_litres": record.fluid_litres,
        "caffeine_drinks": record.caffeine_drinks,
        "alcohol_units": record.alcohol_units,
        "exercise_minutes": record.exercise_minutes,
        "notes": record.notes,
    }


def day_log_record(row: Any) -> DayLogRecord:
    return DayLogRecord.trusted(
        date=row.date,
        stretched_before_bed=row.stretched_before_bed,
        fluid_litres=row.fluid_litres,
        caffeine_drinks=row.caffeine_drinks,
        alcohol_units=row.alcohol_units,
        exercise_minutes=row.exercise_minutes,
        notes=row.notes,
    )


# --- episodes ----------------------------------------------------------------------------------


def _episodes_query(user: User, date_from: dt.date | None, date_to: dt.date | None) -> Select[Episode]:
    query = select(Episode).where(Episode.user_id == user.id)
    if date_from is not None:
        query = query.where(Episode.night_date >= date_from)
    if date_to is not None:
        query = query.where(Episode.night_date <= date_to)
    return query.order_by(Episode.started_at_utc, Episode.id)


def list_episodes(
    session: Session, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Episode]:
    """The user's episodes whose night is within [date_from, date_to], oldest first."""
    return list(session.scalars(_episodes_query(user, date_from, date_to)))


def episode_records(
    session: Session, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[EpisodeRecord]:
    """Like ``list_episodes`` but as plain records, loaded without ORM objects (fast for stats)."""
    columns = [c for c in EPISODES.c if c.name not in ("id", "user_id", "night_date")]
    query = _episodes_query(user, date_from, date_to).with_only_columns(*columns)
    return [episode_record(row) for row in session.execute(query)]


EXPORT_BATCH = 500


def iter_episode_records(session: Session, user: User, batch: int = EXPORT_BATCH) -> Iterator[EpisodeRecord]:
    """Every episode, oldest first, read ``batch`` rows at a time (a server-side cursor on
    PostgreSQL): an export of any length holds only one batch in memory."""
    columns = [c for c in EPISODES.c if c.name not in ("id", "user_id", "night_date")]
    query = _episodes_query(user, None, None).with_only_columns(*columns)
    # Core, not ORM, execution: the ORM would hold a second copy of every batch.
    for row in session.connection().execute(query.execution_options(yield_per=batch)):
        yield episode_record(row)


def iter_day_log_records(session: Session, user: User, batch: int = EXPORT_BATCH) -> Iterator[DayLogRecord]:
    """Every day log, by date, read ``batch`` rows at a time (see ``iter_episode_records``)."""
    columns = [c for c in DAY_LOGS.c if c.name not in ("id", "user_id")]
    query = select(*columns).where(DayLog.user_id == user.id).order_by(DayLog.date)
    for row in session.connection().execute(query.execution_options(yield_per=batch)):
        yield day_log_record(row)


def get_episode(session: Session, user: User, episode_id: int) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None or episode.user_id != user.id:
        raise DiaryError(f"id: no episode {episode_id}")
    return episode


def _find_episode(session: Session, user: User, record: EpisodeRecord) -> Episode | None:
    utc, _ = to_storage(record.started_at)
    query = select(Episode).where(
        Episode.user_id == user.id,
        Episode.started_at_utc == utc,
        Episode.muscle == record.muscle,
        Episode.side == record.side,
    )
    return session.scalars(query).one_or_none()


def add_episode(session: Session, user: User, record: EpisodeRecord) -> Episode:
    """Store a new episode; an episode with the same start, muscle and side is refused."""
    with transaction(session):
        existing = _find_episode(session, user, record)
        if existing is not None:
            raise DiaryError(
                f"started_at: episode {existing.id} already starts then in the same muscle and side; "
                "edit it instead (diary edit)"
            )
        episode = Episode(**episode_values(user.id, record))
        session.add(episode)
    return episode


def episode_from_cells(cells: Mapping[str, str], today: Today | None = None) -> EpisodeRecord:
    """Validate text cells (CSV column names) into a record, or raise ``DiaryError`` naming fields."""
    result = episode_from_row(cells, today or Today.current())
    if isinstance(result, list):
        raise DiaryError.of(result)
    return result


def edit_episode(
    session: Session,
    user: User,
    episode_id: int,
    changes: EpisodeChanges | Mapping[str, Any],
    today: Today | None = None,
) -> Episode:
    """Change some fields of an episode (``EpisodeChanges``, or values typed or as text); the
    others keep their values. The merged episode is checked as a whole (e.g. not in the future)."""
    with transaction(session):
        episode = get_episode(session, user, episode_id)
        if isinstance(changes, EpisodeChanges):
            changes = {name: getattr(changes, name) for name in changes.model_fields_set}
        stored = episode_record(episode).model_dump()
        record = checked(EpisodeRecord, {**stored, **changes}, today)
        clash = _find_episode(session, user, record)
        if clash is not None and clash.id != episode.id:
            raise DiaryError(
                f"started_at: episode {clash.id} already starts then in the same muscle and side"
            )
        for name, value in episode_values(user.id, record).items():
            setattr(episode, name, value)
    return episode


def delete_episode(
    session: Session, user: User, episode_id: int, *, via: str = "", address: str = ""
) -> None:
    """Delete one of the user's episodes and record it in the audit log (``via``: the shell, e.g. ``api``)."""
    with transaction(session):
        session.delete(get_episode(session, user, episode_id))
    audit(session, user.name, "episode_deleted", detail_via(str(episode_id), via), address)


# --- day logs ----------------------------------------------------------------------------------


def list_day_logs(
    session: Session, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[DayLog]:
    query = select(DayLog).where(DayLog.user_id == user.id)
    if date_from is not None:
        query = query.where(DayLog.date >= date_from)
    if date_to is not None:
        query = query.where(DayLog.date <= date_to)
    return list(session.scalars(query.order_by(DayLog.date)))


def day_log_records(
    session: Session, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[DayLogRecord]:
    """The user's day logs as plain records, loaded without ORM objects (fast for stats)."""
    columns = [c for c in DAY_LOGS.c if c.name not in ("id", "user_id")]
    query = select(*columns).where(DayLog.user_id == user.id)
    if date_from is not None:
        query = query.where(DayLog.date >= date_from)
    if date_to is not None:
        query = query.where(DayLog.date <= date_to)
    return [day_log_record(row) for row in session.execute(query.order_by(DayLog.date))]


def get_day_log(session: Session, user: User, day: dt.date) -> DayLog | None:
    return session.scalars(select(DayLog).where(DayLog.user_id == user.id, DayLog.date == day)).one_or_none()


def set_day_log(
    session: Session, user: User, cells: Mapping[str, str], *, merge: bool = True, today: Today | None = None
) -> DayLog:
    """Record a day (text cells as in the CSV; ``date`` required).

    With ``merge`` (the CLI's ``diary day``) cells not given keep their stored values, so a person
    can add caffeine in the morning and alcohol at night; without it the row is replaced, as a
    second CSV row for the same date does.
    """
    today = today or Today.current()
    with transaction(session):
        given = day_log_from_row({"date": "", **cells}, today)
        if isinstance(given, list):
            raise DiaryError.of(given)
        existing = get_day_log(session, user, given.date)
        record = given
        if merge and existing is not None:
            # Merge the records, not their text: fields not given keep their stored values.
            stored = day_log_record(existing).model_dump()
            record = checked(DayLogRecord, {**stored, **given.model_dump(include=set(cells))}, today)
        return _store_day_log(session, user, record, existing)


def save_day_log(session: Session, user: User, record: DayLogRecord) -> DayLog:
    """Store ``record`` for its date, replacing what was recorded for that date."""
    with transaction(session):
        return _store_day_log(session, user, record, get_day_log(session, user, record.date))


def _store_day_log(session: Session, user: User, record: DayLogRecord, existing: DayLog | None) -> DayLog:
    """Write without committing: the caller's transaction commits (or rolls back) it."""
    values = day_log_values(user.id, record)
    if existing is None:
        existing = DayLog(**values)
        session.add(existing)
    else:
        for name, value in values.items():
            setattr(existing, name, value)
    session.flush()
    return existing


def delete_day_log(session: Session, user: User, day: dt.date, *, via: str = "", address: str = "") -> None:
    """Delete the user's day log of ``day`` and record it in the audit log."""
    with transaction(session):
        existing = get_day_log(session, user, day)
        if existing is None:
            raise DiaryError(f"date: no day log for {day.isoformat()}")
        session.delete(existing)
    audit(session, user.name, "day_log_deleted", detail_via(day.isoformat(), via), address)


# --- medications -------------------------------------------------------------------------------


def medication_from_cells(cells: Mapping[str, str], today: Today | None = None) -> MedicationRecord:
    """Validate text cells (``name,dose,started_on,stopped_on,notes``) or raise ``DiaryError``."""
    return checked(
        MedicationRecord, {name: cells.get(name) or "" for name in MedicationRecord.model_fields}, today
    )


def _find_medication(session: Session, user: User, name: str, started_on: dt.date) -> Medication | None:
    query = select(Medication).where(
        Medication.user_id == user.id, Medication.name == name, Medication.started_on == started_on
    )
    return session.scalars(query.order_by(Medication.id).limit(1)).first()


def add_medication(
    session: Session,
    user: User,
    name: str,
    started_on: dt.date,
    stopped_on: dt.date | None = None,
    dose: str = "",
    notes: str = "",
) -> Medication:
    """Store a medicine; the same name from the same date twice is refused (stop or edit that one)."""
    record = checked(
        MedicationRecord,
        {"name": name, "dose": dose, "started_on": started_on, "stopped_on": stopped_on, "notes": notes},
    )
    return save_medication(session, user, record)


def save_medication(session: Session, user: User, record: MedicationRecord) -> Medication:
    """``add_medication`` for a record already read."""
    name, started_on = record.name, record.started_on
    existing = _find_medication(session, user, name, started_on)
    if existing is not None:
        raise DiaryError(
            f"name: medicine {existing.id} ({existing.name}) is already recorded from "
            f"{started_on.isoformat()}"
        )
    med = Medication(user_id=user.id, **record.model_dump())
    session.add(med)
    session.commit()
    return med


def medication_record(med: Medication) -> MedicationRecord:
    return MedicationRecord.trusted(
        name=med.name, started_on=med.started_on, stopped_on=med.stopped_on, dose=med.dose, notes=med.notes
    )


def medication_records(session: Session, user: User) -> list[MedicationRecord]:
    """The user's medicines as records, oldest first (what the report and exports show)."""
    return [medication_record(m) for m in list_medications(session, user)]


def _write_medications(session: Session, user: User, records: Sequence[MedicationRecord]) -> tuple[int, int]:
    """Upsert medicines keyed on (name, started_on), without committing; (inserted, matched).

    A later record with the same key replaces an earlier one; a stored one whose values are equal
    is left alone, so importing the same file twice changes nothing."""
    by_key = {(r.name, r.started_on): r for r in records}
    stored = {
        (m.name, m.started_on): m
        for m in session.scalars(
            select(Medication).where(Medication.user_id == user.id).order_by(Medication.id.desc())
        )
    }
    new = 0
    for key, record in by_key.items():
        med = stored.get(key)
        if med is None:
            session.add(Medication(user_id=user.id, **record.model_dump()))
            new += 1
        elif medication_record(med) != record:
            med.dose, med.stopped_on, med.notes = record.dose, record.stopped_on, record.notes
    session.flush()
    return new, len(by_key) - new


def import_medications(session: Session, user: User, records: Sequence[MedicationRecord]) -> tuple[int, int]:
    """Upsert medicines in one transaction (all or none); (inserted, updated)."""
    with transaction(session):
        counts = _write_medications(session, user, records)
    return counts


def list_medications(session: Session, user: User, on_date: dt.date | None = None) -> list[Medication]:
    """The user's medications; with ``on_date`` only those taken on that date."""
    query = select(Medication).where(Medication.user_id == user.id)
    if on_date is not None:
        query = query.where(Medication.started_on <= on_date).where(
            (Medication.stopped_on.is_(None)) | (Medication.stopped_on >= on_date)
        )
    return list(session.scalars(query.order_by(Medication.started_on, Medication.id)))


def stop_medication(session: Session, user: User, medication_id: int, stopped_on: dt.date) -> Medication:
    med = session.get(Medication, medication_id)
    if med is None or med.user_id != user.id:
        raise DiaryError(f"id: no medication {medication_id}")
    if stopped_on < med.started_on:
        raise DiaryError(
            f"stopped_on: {stopped_on.isoformat()} is before the medicine was started "
            f"({med.started_on.isoformat()})"
        )
    med.stopped_on = stopped_on
    session.commit()
    return med


# --- bulk import -------------------------------------------------------------------------------


def _chunks(rows: list[dict[str, Any]], size: int = INSERT_CHUNK) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


EPISODE_COLUMNS = (
    "user_id",
    "started_at_utc",
    "utc_offset_min",
    "night_date",
    "duration_s",
    "muscle",
    "side",
    "severity",
    "woke_from_sleep",
    "relieved_by",
    "notes",
)


def _episode_row(user_id: int, r: EpisodeRecord) -> tuple[Any, ...]:
    """``episode_values`` as a tuple in ``EPISODE_COLUMNS`` order (no dict per row: 100k-row imports)."""
    utc, offset, night = storage_fields(r.started_at)
    relieved = ";".join(r.relieved_by)
    return (
        user_id,
        utc,
        offset,
        night,
        r.duration_s,
        r.muscle,
        r.side,
        r.severity,
        r.woke_from_sleep,
        relieved,
        r.notes,
    )


def _write_episodes(
    session: Session, user: User, records: Sequence[EpisodeRecord], progress: Callable[[int], None] | None
) -> tuple[int, int]:
    user_id = user.id  # read once: an ORM attribute access per row costs real time on 100k rows
    return _write_episode_rows(session, user, [_episode_row(user_id, r) for r in records], progress)


def _write_episode_rows(
    session: Session, user: User, rows: Sequence[tuple[Any, ...]], progress: Callable[[int], None] | None
) -> tuple[int, int]:
    """Upsert storage tuples (``EPISODE_COLUMNS`` order); (inserted, updated).

    ``updated`` counts the rows that matched a stored episode (as before); of those only the ones
    whose values differ are written, so re-importing an unchanged file writes nothing at all and
    leaves the diary version alone.
    """
    conn = session.connection()
    # On SQLite rows are compared in the form they are stored in (text times, 0/1 booleans), read
    # raw: converting a stored row back to Python objects costs more than the comparison itself.
    sqlite = conn.dialect.name == "sqlite"
    forms = sqlite_storage_form(conn, EPISODES, EPISODE_COLUMNS, rows) if sqlite else list(rows)
    # Keyed on (UTC start, muscle, side); the last row wins for a key repeated in the file.
    by_key = {(form[1], form[5], form[6]): (row, form) for row, form in zip(rows, forms, strict=True)}
    existing: dict[tuple[Any, str, str], tuple[int, tuple[Any, ...]]] = {}
    if by_key:
        low = min(k[0] for k in by_key)
        high = max(k[0] for k in by_key)
        if sqlite:
            names = ", ".join(EPISODE_COLUMNS[1:])
            # The DBAPI cursor's fetchall builds every row in C (a SQLAlchemy result fetches one by one).
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            raw = cursor.execute(
                f"SELECT id, {names} FROM episodes WHERE user_id = ? AND started_at_utc >= ? "
                "AND started_at_utc <= ?",
                (user.id, low, high),
            ).fetchall()
        else:
            stored = [EPISODES.c[name] for name in EPISODE_COLUMNS[1:]]
            raw = conn.execute(
                select(EPISODES.c.id, *stored).where(
                    EPISODES.c.user_id == user.id,
                    EPISODES.c.started_at_utc >= low,
                    EPISODES.c.started_at_utc <= high,
                )
            ).all()
        existing = {(r[1], r[5], r[6]): (r[0], tuple(r[1:])) for r in raw}
    new: list[tuple[Any, ...]] = []
    changed: list[dict[str, Any]] = []
    for key, (row, form) in by_key.items():
        found = existing.get(key)
        if found is None:
            new.append(form)
        elif found[1] != form[1:]:
            changed.append({**dict(zip(EPISODE_COLUMNS, row, strict=True)), "id": found[0]})
    matched = len(by_key) - len(new)
    for start in range(0, len(new), INSERT_CHUNK):
        chunk = new[start : start + INSERT_CHUNK]
        if sqlite:
            sqlite_insert_stored(conn, EPISODES, EPISODE_COLUMNS, chunk)
        else:
            bulk_insert(conn, EPISODES, EPISODE_COLUMNS, chunk)
        if progress is not None:
            progress(len(chunk))
    for batch in _chunks(changed):
        session.execute(update(Episode), batch)
    if progress is not None and matched:
        progress(matched)
    if new or changed:
        bump_diary_version(session, [user.id])
    return len(new), matched


def _write_day_logs(
    session: Session, user: User, records: Sequence[DayLogRecord], progress: Callable[[int], None] | None
) -> tuple[int, int]:
    by_date = {r.date: day_log_values(user.id, r) for r in records}  # a later row replaces an earlier one
    # A date range rather than IN (...): a ten-year file would exceed the bound-parameter limits.
    names = [c.name for c in DAY_LOGS.c if c.name != "id"]
    query = select(DAY_LOGS.c.id, *(DAY_LOGS.c[name] for name in names)).where(
        DAY_LOGS.c.user_id == user.id, DAY_LOGS.c.date >= min(by_date), DAY_LOGS.c.date <= max(by_date)
    )
    existing: dict[dt.date, tuple[int, dict[str, Any]]] = {
        row.date: (row.id, {name: row._mapping[name] for name in names}) for row in session.execute(query)
    }
    new = [v for d, v in by_date.items() if d not in existing]
    # Only rows whose values differ are written (an unchanged re-import writes nothing).
    changed = [
        {**v, "id": existing[d][0]} for d, v in by_date.items() if d in existing and existing[d][1] != v
    ]
    if new:
        session.connection().execute(insert(DAY_LOGS), new)
    if changed:
        session.execute(update(DayLog), changed)
    if new or changed:
        bump_diary_version(session, [user.id])
    if progress is not None:
        progress(len(records))
    return len(new), len(by_date) - len(new)


def import_records(
    session: Session,
    user: User,
    episodes: Sequence[EpisodeRecord] = (),
    day_logs: Sequence[DayLogRecord] = (),
    progress: Callable[[int], None] | None = None,
    medications: Sequence[MedicationRecord] = (),
    experiments: Sequence[ExperimentRecord] = (),
    label: str = "",
) -> tuple[int, int]:
    """Upsert records in one transaction: all are stored, or (on any error) none. (inserted, updated)

    Experiments are restored as imported ones (``experiments.restore_experiments``); problems with
    them raise ``DiaryError`` whose lines start with ``label``."""
    with transaction(session):
        new_e, changed_e = _write_episodes(session, user, episodes, progress)
        new_d, changed_d = _write_day_logs(session, user, day_logs, progress) if day_logs else (0, 0)
        new_m, changed_m = _write_medications(session, user, medications) if medications else (0, 0)
        new_x, changed_x = (0, 0)
        if experiments:
            from crampcare.experiments.service import restore_experiments

            new_x, changed_x = restore_experiments(session, user, experiments, label)
    return new_e + new_d + new_m + new_x, changed_e + changed_d + changed_m + changed_x


def read_import_file(
    path: Path,
    today: Today | None = None,
    progress: Callable[[int], None] | None = None,
    zone: dt.tzinfo | None = None,
) -> ParsedFile:
    """Read (never write) a file as ``import_file`` would: the records, every problem, and how the
    file was read (encoding, delimiter, zone, column mapping, the first rows); for ``--check``."""
    today = today or Today.current()
    if path.suffix.lower() == ".json":
        from crampcare.diary.json_io import parse_json_file

        return parse_json_file(path, today)
    return parse_csv_file(path, today, progress, zone=zone)


def import_file(
    session: Session,
    user: User,
    path: Path,
    today: Today | None = None,
    progress: Callable[[int], None] | None = None,
    zone: dt.tzinfo | None = None,
) -> ImportResult:
    """Import an episode or day-log CSV (or a ``diary export --format json`` file), all or nothing.

    Raises ``DiaryError`` listing every bad row as ``FILE:LINE: field: problem``; nothing is written
    then. Re-importing the same file changes nothing (episodes are matched on start, muscle, side).
    ``progress`` is called with a number of rows done, first while reading, then while writing.
    CSV files saved by spreadsheets (``csv_shapes``: Windows-1251, ``;``, Russian names...) take
    the row-by-row path; times without a UTC offset are read in ``zone``, refused without one.
    """
    today = today or Today.current()
    phone = _import_phone_export(session, user, path, zone)
    if phone is not None:
        return phone
    if path.suffix.lower() != ".json":
        fast = _import_fast(session, user, path, today, progress)
        if fast is not None:
            return fast
    if path.suffix.lower() == ".json":
        from crampcare.diary.json_io import parse_json_file

        document = parse_json_file(path, today)
        if document.problems:
            raise DiaryError(document.problems)
        inserted, updated = import_records(
            session,
            user,
            document.episodes,
            document.day_logs,
            progress,
            medications=document.medications,
            experiments=document.experiments,
            label=str(path),
        )
        rows = document.rows
        # "diary": a JSON export holds every kind of record (the CLI says "records")
        return ImportResult(kind="diary", rows=rows, inserted=inserted, updated=updated)
    parsed = read_import_file(path, today, progress, zone)
    if parsed.problems:
        raise DiaryError(parsed.problems)
    inserted, updated = import_records(session, user, parsed.episodes, parsed.day_logs, progress)
    return ImportResult(
        kind=parsed.kind or "diary",
        rows=parsed.rows,
        inserted=inserted,
        updated=updated,
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        zone=parsed.zone if parsed.localised else None,
        extras=tuple(parsed.extras),
        renamed=tuple((name, to) for name, to in parsed.columns if name.strip() != to),
    )


def _import_phone_export(
    session: Session, user: User, path: Path, zone: dt.tzinfo | None
) -> ImportResult | None:
    """An Apple Health or Google Fit export (``diary.activity``) into ``activity_days``; None for
    anything else. Times in the export carry offsets and are placed in the person's ``zone``."""
    from crampcare.diary import activity
    from crampcare.diary.activity_days import ActivityFileError
    from crampcare.diary.csv_shapes import machine_zone

    fmt = activity.detect(path)
    if fmt is None:
        return None
    zone = zone or machine_zone()
    try:
        read, inserted, updated = activity.import_activity(session, user, path, zone, fmt)
    except ActivityFileError as err:
        raise DiaryError(err.problems) from None
    return ImportResult(
        kind="activity", rows=len(read.days), inserted=inserted, updated=updated, zone=str(zone)
    )


def _import_fast(
    session: Session, user: User, path: Path, today: Today, progress: Callable[[int], None] | None
) -> ImportResult | None:
    """The column-wise lane for a plainly valid episode CSV (``fast_import``); None to use the row path.

    The file is read, checked and written a chunk at a time inside one transaction, so memory stays
    bounded whatever its length; a chunk that is not plainly valid rolls back what was written and
    hands the whole file to the row path, which explains the problems.
    """
    from crampcare.diary.fast_import import NotPlainlyValid, episode_storage_chunks

    rows = inserted = updated = 0
    try:
        for chunk in episode_storage_chunks(path, today, user.id):
            rows += len(chunk)
            if progress is not None:
                progress(len(chunk))  # this chunk is read
            new, matched = _write_episode_rows(session, user, chunk, progress)
            inserted, updated = inserted + new, updated + matched
        session.commit()
    except NotPlainlyValid:
        session.rollback()
        return None
    except BaseException:
        session.rollback()
        raise
    with path.open("rb") as fh:
        bom = fh.read(3) == b"\xef\xbb\xbf"
    return ImportResult(
        kind="episodes",
        rows=rows,
        inserted=inserted,
        updated=updated,
        encoding="UTF-8 with BOM" if bom else "UTF-8",
    )


def delete_all(session: Session, user: User) -> None:
    """Erase the user's diary (episodes, day logs, medications), keeping the account."""
    for model in (Episode, DayLog, Medication):
        session.execute(delete(model).where(model.user_id == user.id))
    bump_diary_version(session, [user.id])
    session.commit()


# --- statistics ----------------------------------------------------------------------------------


def diary_summary(
    session: Session,
    user: User,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    models: bool = True,
) -> dict[str, Any]:
    """``crampcare stats`` for nights (and day logs) within [date_from, date_to].

    Computed from SQL aggregates and cached under the user's diary version (``stats.sql_summary``);
    ``models=False`` leaves out the regressions (trend, seasonality, factors) for pages that only
    show counts.
    """
    from crampcare.stats.sql_summary import cached_summary

    return cached_summary(session, user, date_from, date_to, models=models)
