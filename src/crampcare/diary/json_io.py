"""The diary as one JSON document (``diary export --format json``) and reading it back.

Importing a JSON export reuses the CSV validation: every item is turned into the same text cells,
so the rules (and the error messages, with ``FILE:episodes[3]: field: problem`` locations) are
identical.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crampcare.diary.csv_io import ParsedFile, day_log_cells, episode_cells
from crampcare.diary.records import DAY_LOG_FIELDS, EPISODE_FIELDS, DayLogRecord, EpisodeRecord
from crampcare.diary.validation import Today, day_log_from_row, episode_from_row

FORMAT_NAME = "crampcare-diary"
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def parse_json_document(data: Any, label: str, today: Today) -> ParsedFile:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        return ParsedFile(kind=None, problems=[f"{label}: format: not a crampcare diary export"])
    result = ParsedFile(kind="episodes")
    for section, fields, parse in (
        ("episodes", EPISODE_FIELDS, episode_from_row),
        ("day_logs", DAY_LOG_FIELDS, day_log_from_row),
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
            record = parse({name: _cell(item.get(name)) for name in fields}, today)
            if isinstance(record, list):
                result.problems.extend(f"{label}:{section}[{index}]: {p.field}: {p.problem}" for p in record)
            elif isinstance(record, EpisodeRecord):
                result.episodes.append(record)
            else:
                result.day_logs.append(record)
    return result


def parse_json_file(path: Path, today: Today) -> ParsedFile:
    label = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ParsedFile(kind=None, problems=[f"{label}: file: no such file"])
    except UnicodeDecodeError as exc:
        return ParsedFile(kind=None, problems=[f"{label}: file: not UTF-8 text (byte {exc.start})"])
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return ParsedFile(
            kind=None, problems=[f"{label}:{exc.lineno}: file: not valid JSON ({where}: {exc.msg})"]
        )
    except RecursionError:
        return ParsedFile(kind=None, problems=[f"{label}: file: JSON nested too deeply to be a diary"])
    return parse_json_document(data, label, today)


__all__ = ["day_log_cells", "diary_document", "episode_cells", "parse_json_document", "parse_json_file"]
