"""A column-at-a-time fast lane for large, valid episode CSV files.

``diary import`` of 100,000 episodes must stay within a small factor of a bare ``executemany``.
Row-by-row validation in Python costs several function calls per cell; here each *column* is
checked at once (C-level ``map``/``zip`` over the column, and each distinct value of a repetitive
column such as muscle or severity parsed only once, by the very parser functions the row path uses).

The lane only ever *accepts* a file: at the first doubt (a blank or ragged line, an unknown value,
a time out of range...) it returns ``None`` and the caller runs the row-by-row path, which finds and
words every problem as ``FILE:LINE: field: problem``. So both paths accept exactly the same files.

The file is read in chunks of ``CHUNK_ROWS`` lines (``episode_storage_chunks``), so a million-row
import holds one chunk in memory, not the file; the caller writes each chunk inside one transaction
and rolls everything back if a later chunk turns out not to be plainly valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from crampcare.records import EPISODE_FIELDS, SIDES
from crampcare.records.values import (
    EARLIEST,
    FUTURE_SLACK,
    MAX_OFFSET_MIN,
    FieldProblem,
    Today,
    muscles,
    parse_bool,
    parse_duration,
    parse_notes,
    parse_relieved_by,
    parse_severity,
)

_NOON = dt.timedelta(hours=12)
CHUNK_ROWS = 25_000


class NotPlainlyValid(Exception):
    """The file is not plainly valid: let the row-by-row path explain why."""


_Reject = NotPlainlyValid


def _notes_problem(text: str) -> bool:
    try:
        parse_notes(text)
    except FieldProblem:
        return True
    return False


def _by_distinct(column: Sequence[str], parse: Callable[[str], Any]) -> list[Any]:
    """Parse each distinct value once; any problem rejects the file."""
    try:
        parsed = {text: parse(text) for text in set(column)}
    except FieldProblem:
        raise _Reject from None
    return [parsed[text] for text in column]


def _starts(column: Sequence[str], today: Today) -> tuple[list[dt.datetime], list[int], list[dt.date]]:
    """(naive UTC, offset minutes, night) columns, with the same checks as ``parse_started_at``."""
    try:
        aware = list(map(dt.datetime.fromisoformat, column))
    except ValueError:
        raise _Reject from None
    offsets = list(map(dt.datetime.utcoffset, aware))
    distinct = set(offsets)
    if None in distinct:
        raise _Reject
    for offset in distinct:
        seconds = offset.total_seconds()  # type: ignore[union-attr]
        if seconds % 60 or abs(seconds) > MAX_OFFSET_MIN * 60:
            raise _Reject
    local = [a.replace(tzinfo=None) for a in aware]
    utc = list(map(operator.sub, local, offsets))
    latest = today.now + FUTURE_SLACK
    if local and (
        min(local).date() < EARLIEST
        or max(utc) > latest.replace(tzinfo=None) - (latest.utcoffset() or dt.timedelta(0))
        or max(local).date() > latest.date()
    ):
        raise _Reject
    minutes = {o: int(o.total_seconds() // 60) for o in distinct}  # type: ignore[union-attr]
    nights = [(t - _NOON).date() for t in local]
    return utc, [minutes[o] for o in offsets], nights


def _header_ok(header: list[str]) -> bool:
    return (
        "started_at" in header
        and len(set(header)) == len(header)
        and set(header) <= set(EPISODE_FIELDS)
        and {"muscle", "side"} <= set(header)
    )


def _chunk_rows(
    header: list[str], rows: list[list[str]], today: Today, user_id: int
) -> list[tuple[Any, ...]]:
    """Storage tuples of one chunk of data lines; raises ``NotPlainlyValid`` at the first doubt."""
    width = len(header)
    if set(map(len, rows)) != {width}:
        raise _Reject  # blank or ragged lines: the row path reports or skips them with line numbers
    # One C-level pass per column (zip(*rows) would unpack every row as an argument).
    columns = {name: tuple(map(operator.itemgetter(i), rows)) for i, name in enumerate(header)}
    empty = ("",) * len(rows)

    def column(name: str) -> Sequence[str]:
        return columns.get(name, empty)

    utc, offsets, nights = _starts(column("started_at"), today)
    muscle = column("muscle")
    side = column("side")
    if not set(muscle) <= muscles() or not set(side) <= set(SIDES):
        raise _Reject
    duration = _by_distinct(column("duration_s"), parse_duration)
    severity = _by_distinct(column("severity"), parse_severity)
    woke = _by_distinct(column("woke_from_sleep"), lambda t: parse_bool(t, "woke_from_sleep"))
    relieved = _by_distinct(column("relieved_by"), lambda t: ";".join(parse_relieved_by(t)))
    notes = column("notes")
    # Apostrophe-protected formulas and control characters: the row-by-row path handles them.
    if any(n[:1] == "'" or _notes_problem(n) for n in notes):
        raise _Reject
    users = (user_id,) * len(rows)
    return list(
        zip(
            users,
            utc,
            offsets,
            nights,
            duration,
            muscle,
            side,
            severity,
            woke,
            relieved,
            notes,
            strict=True,
        )
    )


def episode_storage_chunks(
    path: Path, today: Today, user_id: int, size: int = CHUNK_ROWS
) -> Iterator[list[tuple[Any, ...]]]:
    """Storage tuples (``service.EPISODE_COLUMNS`` order) of a plainly valid episode CSV, a chunk
    of at most ``size`` lines at a time; raises ``NotPlainlyValid`` (possibly after some chunks)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = [name.strip() for name in next(reader)]
            if not _header_ok(header):
                raise _Reject
            chunks = 0
            while rows := list(itertools.islice(reader, size)):
                chunks += 1
                yield _chunk_rows(header, rows, today, user_id)
            if not chunks:
                raise _Reject  # no data lines: the row path says so
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration):
        raise _Reject from None


def episode_storage_rows(path: Path, today: Today, user_id: int) -> list[tuple[Any, ...]] | None:
    """All storage tuples of a plainly valid episode CSV at once (for tests and small files), else None."""
    try:
        return [row for chunk in episode_storage_chunks(path, today, user_id) for row in chunk]
    except NotPlainlyValid:
        return None
