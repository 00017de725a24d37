"""The diary as one JSON document (``diary export --format json``) and reading it back.

Importing a JSON export reuses the CSV validation: every item is turned into the same text cells,
so the rules (and the error messages, with ``FILE:episodes[3]: field: problem`` locations) are
identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crampcare.diary.csv_io import ParsedFile, day_log_cells, episode_cells
from crampcare.records import (
    DAY_LOG_FIELDS,
    EPISODE_FIELDS,
    MEDICATION_FIELDS,
    DayLogRecord,
    EpisodeRecord,
    ExperimentRecord,
    MedicationRecord,
    read,
)
from crampcare.records.values import EARLIEST, Today

FORMAT_NAME = "crampcare-diary"
LATEST_START = dt.date(2100, 12, 31)  # far enough for any plan, and no date arithmetic overflows
FORMAT_VERSION = 1


def episode_json(record: EpisodeRecord) -> dict[str, Any]:
    return {
        "started_at": record.started_at.isoformat(),
        "night": record.night.isoformat(),
        "duration_s": record.duration_s,
        "muscle": record.muscle,
        "side": record.side,
        "severity": record.severity,
        "woke_from_sleep": record.woke_from_sleep,
        "relieved_by": list(record.relieved_by),
        "notes": record.notes,
    }


def day_log_json(record: DayLogRecord) -> dict[str, Any]:
    return {
        "date": record.date.isoformat(),
        "stretched_before_bed": record.stretched_before_bed,
        "fluid_litres": record.fluid_litres,
        "caffeine_drinks": record.caffeine_drinks,
        "alcohol_units": record.alcohol_units,
        "exercise_minutes": record.exercise_minutes,
        "notes": record.notes,
    }


def diary_document(
    episodes: Sequence[EpisodeRecord],
    day_logs: Sequence[DayLogRecord],
    medications: Sequence[dict[str, Any]] = (),
    experiments: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "episodes": [episode_json(r) for r in episodes],
        "day_logs": [day_log_json(r) for r in day_logs],
        "medications": list(medications),
        "experiments": list(experiments),
    }


def medication_json(record: MedicationRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "dose": record.dose,
        "started_on": record.started_on.isoformat(),
        "stopped_on": record.stopped_on.isoformat() if record.stopped_on else None,
        "notes": record.notes,
    }


@dataclass
class ParsedDiary(ParsedFile):
    """A whole JSON export: the episodes and day logs plus medicines and experiments."""

    medications: list[MedicationRecord] = field(default_factory=list)
    experiments: list[ExperimentRecord] = field(default_factory=list)


def _fields(item: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The record's fields of a JSON object, typed as they are: the record reads them (no text
    round trip); other keys are not read."""
    return {name: item[name] for name in names if name in item}


def parse_medications(items: Any, label: str, today: Today) -> tuple[list[MedicationRecord], list[str]]:
    """The ``medications`` list of an export (``label`` names it in problems)."""
    if not isinstance(items, list):
        return [], [f"{label}: must be a list"]
    records: list[MedicationRecord] = []
    problems: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"{label}[{index}]: item: must be an object")
            continue
        record = read(MedicationRecord, _fields(item, MEDICATION_FIELDS), today)
        if isinstance(record, list):
            problems.extend(f"{label}[{index}]: {p.field}: {p.problem}" for p in record)
        else:
            records.append(record)
    return records, problems


def _whole(item: dict[str, Any], name: str, problems: list[str], where: str) -> int:
    value = item.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"{where}: {name}: must be a whole number, not {value!r}")
        return 0
    return value


def _iso_date(value: Any, name: str, problems: list[str], where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(f"{where}: {name}: must be a date like 2026-11-20, not {value!r}")
        return dt.date.min


def experiment_from_json(item: Any, where: str) -> ExperimentRecord | list[str]:
    """An exported experiment plan (``experiment_plan``) read back, or its problems. The design is
    checked when it is restored (``experiments.restore_experiments``)."""
    if not isinstance(item, dict):
        return [f"{where}: item: must be an object"]
    problems: list[str] = []
    intervention = item.get("intervention")
    if not isinstance(intervention, str) or not intervention:
        problems.append(f"{where}: intervention: must be a recommendation code, not {intervention!r}")
    start = _iso_date(item.get("start"), "start", problems, where)
    if start != dt.date.min and not EARLIEST <= start <= LATEST_START:
        problems.append(f"{where}: start: must be from {EARLIEST.isoformat()} to {LATEST_START.isoformat()}")
    design = {n: _whole(item, n, problems, where) for n in ("block_days", "pairs", "seed", "washout_days")}
    schedule: list[tuple[dt.date, bool]] = []
    nights = item.get("schedule")
    if not isinstance(nights, list):
        problems.append(f"{where}: schedule: must be a list of nights")
        nights = []
    for index, night in enumerate(nights):
        here = f"{where}.schedule[{index}]"
        if not isinstance(night, dict) or not isinstance(night.get("on"), bool):
            problems.append(f"{here}: night: must be an object with a date and on (true or false)")
            continue
        schedule.append((_iso_date(night.get("date"), "date", problems, here), night["on"]))
    if problems:
        return problems
    return ExperimentRecord(intervention=str(intervention), start=start, schedule=tuple(schedule), **design)


def parse_json_document(data: Any, label: str, today: Today) -> ParsedDiary:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        return ParsedDiary(kind=None, problems=[f"{label}: format: not a crampcare diary export"])
    result = ParsedDiary(kind="episodes")
    for section, fields, model in (
        ("episodes", EPISODE_FIELDS, EpisodeRecord),
        ("day_logs", DAY_LOG_FIELDS, DayLogRecord),
    ):
        items = data.get(section, [])
        if not isinstance(items, list):
            result.problems.append(f"{label}: {section}: must be a list")
            continue
        for index, item in enumerate(items):
            result.rows += 1
            if not isinstance(item, dict):
                result.problems.append(f"{label}:{section}[{index}]: item: must be an object")
                continue
            record = read(model, _fields(item, fields), today)
            if isinstance(record, list):
                result.problems.extend(f"{label}:{section}[{index}]: {p.field}: {p.problem}" for p in record)
            elif isinstance(record, EpisodeRecord):
                result.episodes.append(record)
            elif isinstance(record, DayLogRecord):
                result.day_logs.append(record)
    medications = data.get("medications", [])
    result.rows += len(medications) if isinstance(medications, list) else 0
    result.medications, problems = parse_medications(medications, f"{label}:medications", today)
    result.problems.extend(problems)
    experiments = data.get("experiments", [])
    if not isinstance(experiments, list):
        result.problems.append(f"{label}: experiments: must be a list")
        experiments = []
    for index, item in enumerate(experiments):
        result.rows += 1
        experiment = experiment_from_json(item, f"{label}:experiments[{index}]")
        if isinstance(experiment, list):
            result.problems.extend(experiment)
        else:
            result.experiments.append(experiment)
    return result


def read_json_data(path: Path) -> tuple[Any, list[str]]:
    """The parsed JSON of a file, or the problem reading it as one line naming the file."""
    label = str(path)
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except FileNotFoundError:
        return None, [f"{label}: file: no such file"]
    except IsADirectoryError:
        return None, [f"{label}: file: is a folder, not a file"]
    except UnicodeDecodeError as exc:
        return None, [f"{label}: file: not UTF-8 text (byte {exc.start})"]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return None, [f"{label}:{exc.lineno}: file: not valid JSON ({where}: {exc.msg})"]
    except RecursionError:
        return None, [f"{label}: file: JSON nested too deeply to be a diary"]


def parse_json_file(path: Path, today: Today) -> ParsedDiary:
    data, problems = read_json_data(path)
    if problems:
        return ParsedDiary(kind=None, problems=problems)
    return parse_json_document(data, str(path), today)


__all__ = [
    "ParsedDiary",
    "day_log_cells",
    "diary_document",
    "episode_cells",
    "medication_json",
    "parse_json_document",
    "parse_json_file",
]
