"""Diary exporters by format name: ``diary export --format NAME`` looks the name up here.

Each exporter takes an open session and a user and returns the whole document as text. A new
format registers itself below with ``register_exporter`` (plain imports, so mypy checks them).

CSV and JSON also exist as *streamers* (``get_streamer``): generators of text chunks that read the
rows from the database a batch at a time, so a diary of any length is exported in bounded memory.
The text exporters are the streamers joined, so both give the very same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from crampcare.storage.models import User

Exporter = Callable[[Session, User], str]
Streamer = Callable[[Session, User], Iterator[str]]

EXPORTERS: dict[str, Exporter] = {}
STREAMERS: dict[str, Streamer] = {}
CHUNK_CHARS = 16 * 1024  # text handed on at a time: large enough for few writes, small in memory


def register_exporter(name: str, exporter: Exporter, streamer: Streamer | None = None) -> None:
    EXPORTERS[name] = exporter
    if streamer is not None:
        STREAMERS[name] = streamer


def get_exporter(name: str) -> Exporter | None:
    return EXPORTERS.get(name)


def get_streamer(name: str) -> Streamer | None:
    """The streaming form of a format, or None (the caller then uses the text exporter)."""
    return STREAMERS.get(name)


def available_formats() -> list[str]:
    return sorted(EXPORTERS)


def chunked(pieces: Iterable[str], size: int = CHUNK_CHARS) -> Iterator[str]:
    """``pieces`` joined into chunks of about ``size`` characters."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def _csv_lines(header: Iterable[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text of the header and rows (formula cells neutralised), one piece per row."""
    from crampcare.diary.csv_io import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    yield out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow(list(map(neutralise, row)))
        yield out.getvalue()


def stream_csv(session: Session, user: User, what: str = "episodes") -> Iterator[str]:
    """The CSV of episodes (or ``day_logs``) in chunks; the same text as ``write_episodes_csv``."""
    from crampcare.diary.csv_io import day_log_cells, episode_cells
    from crampcare.diary.service import iter_day_log_records, iter_episode_records
    from crampcare.records import DAY_LOG_FIELDS, EPISODE_FIELDS

    if what == "day_logs":
        lines = _csv_lines(DAY_LOG_FIELDS, map(day_log_cells, iter_day_log_records(session, user)))
    else:
        lines = _csv_lines(EPISODE_FIELDS, map(episode_cells, iter_episode_records(session, user)))
    yield from chunked(lines)


def export_csv(session: Session, user: User, what: str = "episodes") -> str:
    return "".join(stream_csv(session, user, what))


def json_list(key: str, items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """``"key": [...]`` exactly as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it one
    level down, one piece per item. JSON strings never hold a raw line break, so indenting every
    line of an item's own dump by four spaces nests it correctly."""
    yield f"  {json.dumps(key)}: ["
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ("\n    " if first else ",\n    ") + text
        first = False
    yield "]" if first else "\n  ]"


def _json_pieces(session: Session, user: User) -> Iterator[str]:
    from crampcare.diary.json_io import (
        FORMAT_NAME,
        FORMAT_VERSION,
        day_log_json,
        episode_json,
        medication_json,
    )
    from crampcare.diary.service import (
        iter_day_log_records,
        iter_episode_records,
        list_medications,
        medication_record,
    )
    from crampcare.experiments.service import experiment_plan, list_experiments

    # The same keys in the same order as json_io.diary_document.
    yield f'{{\n  "format": {json.dumps(FORMAT_NAME)},\n  "version": {json.dumps(FORMAT_VERSION)},\n'
    yield from json_list("episodes", map(episode_json, iter_episode_records(session, user)))
    yield ",\n"
    yield from json_list("day_logs", map(day_log_json, iter_day_log_records(session, user)))
    yield ",\n"
    medications = (medication_json(medication_record(m)) for m in list_medications(session, user))
    yield from json_list("medications", medications)
    yield ",\n"
    yield from json_list("experiments", (experiment_plan(e) for e in list_experiments(session, user)))
    yield "\n}\n"


def stream_json(session: Session, user: User) -> Iterator[str]:
    """The whole diary as JSON in chunks; the same text as ``json.dumps(diary_document(...),
    ensure_ascii=False, indent=2) + "\\n"``."""
    yield from chunked(_json_pieces(session, user))


def export_json(session: Session, user: User) -> str:
    return "".join(stream_json(session, user))


def export_fhir(session: Session, user: User) -> str:
    """The diary as a FHIR R4 Bundle (``crampcare.fhir.diary_export``)."""
    # Imported on use: the FHIR models take a while to load, and CSV and JSON never need them.
    from crampcare.fhir.diary_export import export_bundle

    return export_bundle(session, user)


def stream_fhir(session: Session, user: User) -> Iterator[str]:
    """The FHIR Bundle in chunks, built and checked an entry at a time (the same text)."""
    from crampcare.fhir.diary_export import stream_bundle

    yield from stream_bundle(session, user)


register_exporter("csv", export_csv, stream_csv)
register_exporter("json", export_json, stream_json)
register_exporter("fhir", export_fhir, stream_fhir)
