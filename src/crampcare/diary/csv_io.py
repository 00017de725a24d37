"""The diary's CSV formats (spec section 2): reading with per-line problems, and writing.

A file is an episode file or a day-log file, told apart by its header: an episode header has
``started_at``, a day-log header has ``date``. Columns may come in any order and be named in
English or Russian (``csv_shapes``); a close misspelling of a known column is an error (it would
otherwise silently drop data), other unknown columns are ignored and listed in the summary; missing
optional columns count as empty cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO, cast

from crampcare.diary.csv_shapes import (
    CellReader,
    HeaderMap,
    NotText,
    header_hint,
    map_header,
    sniff_file,
    zone_name,
)
from crampcare.diary.row_parsers import DayLogRowParser, EpisodeRowParser
from crampcare.records import DAY_LOG_FIELDS, EPISODE_FIELDS, DayLogRecord, EpisodeRecord, FieldProblem, Today

Kind = Literal["episodes", "day_logs"]
Progress = Callable[[int], None]
REQUIRED = {"episodes": ("started_at", "muscle", "side"), "day_logs": ("date",)}
PROGRESS_EVERY = 2000
PREVIEW_ROWS = 5


@dataclass
class ParsedFile:
    """Everything read from one file: its kind, the good records, and every problem as text."""

    kind: Kind | None
    episodes: list[EpisodeRecord] = field(default_factory=list)
    day_logs: list[DayLogRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    # How the file was read, for the import summary and ``diary import --check``.
    encoding: str = "UTF-8"
    delimiter: str = ","
    zone: str | None = None
    localised: int = 0  # started_at times read in ``zone`` because they had no offset
    columns: list[tuple[str, str]] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)


def count_data_lines(path: Path) -> int:
    """A cheap upper bound of the rows in a file, for the progress bar."""
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def _header_problems(label: str, header: list[str], shape: HeaderMap, delimiter: str) -> list[str]:
    kind = shape.kind
    if kind is None:
        return [
            f"{label}:1: header: expected an episode header ({','.join(EPISODE_FIELDS)}) "
            f"or a day-log header ({','.join(DAY_LOG_FIELDS)}); {header_hint(header, delimiter)}"
        ]
    names = [name.strip() for name in header]
    problems = [f"{label}:1: {p}" for p in shape.problems]
    problems += [
        f"{label}:1: header: column {name!r} appears twice"
        for name in sorted(set(names))
        if name and names.count(name) > 1
    ]
    present = set(shape.columns)
    problems += [
        f"{label}:1: header: missing column {name!r}" for name in REQUIRED[kind] if name not in present
    ]
    return problems


def parse_csv_text(
    stream: TextIO,
    label: str,
    today: Today,
    progress: Progress | None = None,
    *,
    zone: dt.tzinfo | None = None,
    delimiter: str = ",",
) -> ParsedFile:
    """Read an episode or day-log CSV from ``stream``; ``label`` names the file in problems.

    Columns are matched by name (``csv_shapes.map_header``) and every row is rewritten into the
    spec's cells (``csv_shapes.CellReader``) before the shared validators read it; times without
    an offset are read in ``zone`` (without one they are refused, with a hint).
    """
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return ParsedFile(kind=None, problems=[f"{label}:1: header: the file is empty"])
    shape = map_header(header)
    kind = cast("Kind | None", shape.kind)
    result = ParsedFile(
        kind=kind,
        problems=_header_problems(label, header, shape, delimiter),
        delimiter=delimiter,
        zone=zone_name(zone) if zone is not None else None,
        columns=shape.mapping(header),
        extras=shape.extras,
    )
    if result.problems or kind is None:
        return result
    fields = EPISODE_FIELDS if kind == "episodes" else DAY_LOG_FIELDS
    to_record = (
        EpisodeRowParser(list(fields), today) if kind == "episodes" else DayLogRowParser(list(fields), today)
    )
    cell_reader = CellReader(shape, fields, zone)
    target: list[Any] = result.episodes if kind == "episodes" else result.day_logs
    width = len(header)
    problems = result.problems
    start = reader.line_num + 1  # the physical line a record starts on (a quoted note may span lines)
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not cells or not any(c.strip() for c in cells):
            continue
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        if len(cells) != width:
            problems.append(f"{label}:{line}: row: has {len(cells)} cells, the header has {width}")
            continue
        if any(c[:1] == "'" for c in cells):
            cells = list(map(restore, cells))
        canonical, early = cell_reader(cells)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append(canonical)
        record = to_record(canonical)
        if isinstance(record, list) or early:
            said = {p.field for p in early}
            found = early + [p for p in record if p.field not in said] if isinstance(record, list) else early
            order = {name: i for i, name in enumerate(fields)}
            found.sort(key=lambda p: order.get(p.field, len(order)))
            problems.extend(f"{label}:{line}: {p.field}: {p.problem}" for p in found)
        else:
            target.append(record)
    if progress is not None:
        progress(result.rows % PROGRESS_EVERY)
    if zone is not None:
        result.localised = cell_reader.offsetless
    if cell_reader.offsetless and zone is None:
        every = (
            "every started_at lacks"
            if cell_reader.offsetless == result.rows
            else (f"{cell_reader.offsetless} started_at times lack")
        )
        problems.append(
            f"{label}: started_at: {every} a UTC offset: give --tz ZONE (e.g. --tz Europe/Moscow) "
            "to read them in that zone, or write the offset (+03:00)"
        )
    return result


def parse_csv_file(
    path: Path, today: Today, progress: Progress | None = None, *, zone: dt.tzinfo | None = None
) -> ParsedFile:
    """Read a CSV file in any accepted shape (``csv_shapes``); unreadable files become one problem
    line instead of an exception."""
    label = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ParsedFile(kind=None, problems=[f"{label}: file: no such file"])
    except IsADirectoryError:
        return ParsedFile(kind=None, problems=[f"{label}: file: is a folder, not a CSV file"])
    try:
        text, encoding, delimiter = sniff_file(raw)
    except NotText as exc:
        return ParsedFile(
            kind=None,
            problems=[
                f"{label}: file: the file is not UTF-8 or Windows-1251 text ({exc}); "
                'save it from the spreadsheet as "CSV UTF-8"'
            ],
        )
    try:
        parsed = parse_csv_text(
            io.StringIO(text, newline=""), label, today, progress, zone=zone, delimiter=delimiter
        )
    except csv.Error as exc:
        return ParsedFile(kind=None, problems=[f"{label}: file: not a readable CSV file ({exc})"])
    parsed.encoding = encoding
    return parsed


def format_number(value: float | None) -> str:
    """Shortest text that reads back as exactly the same float; whole numbers without '.0'."""
    if value is None:
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _int(value: int | None) -> str:
    return "" if value is None else str(value)


def episode_cells(record: EpisodeRecord) -> list[str]:
    return [
        record.started_at.isoformat(),
        _int(record.duration_s),
        record.muscle,
        record.side,
        _int(record.severity),
        _bool(record.woke_from_sleep),
        ";".join(record.relieved_by),
        record.notes,
    ]


def day_log_cells(record: DayLogRecord) -> list[str]:
    return [
        record.date.isoformat(),
        _bool(record.stretched_before_bed),
        format_number(record.fluid_litres),
        format_number(record.caffeine_drinks),
        format_number(record.alcohol_units),
        format_number(record.exercise_minutes),
        record.notes,
    ]


# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula
# (=HYPERLINK(...) can send data away). Such cells are written with a leading apostrophe, which
# spreadsheets show as text; reading takes exactly one apostrophe off again, so export and import
# round-trip every text, including one that itself starts with apostrophes before a trigger.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and _FORMULA.match(cell, 1) else cell


def write_episodes_csv(records: Iterable[EpisodeRecord], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EPISODE_FIELDS)
    writer.writerows(list(map(neutralise, episode_cells(r))) for r in records)


def write_day_logs_csv(records: Iterable[DayLogRecord], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(DAY_LOG_FIELDS)
    writer.writerows(list(map(neutralise, day_log_cells(r))) for r in records)


def problems_text(problems: Iterable[FieldProblem]) -> list[str]:
    return [f"{p.field}: {p.problem}" for p in problems]


__all__ = [
    "ParsedFile",
    "count_data_lines",
    "day_log_cells",
    "episode_cells",
    "format_number",
    "parse_csv_file",
    "parse_csv_text",
    "problems_text",
    "write_day_logs_csv",
    "write_episodes_csv",
]
