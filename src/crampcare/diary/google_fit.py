"""Google Takeout's Fit "Daily activity metrics": daily steps and Move Minutes.

Takeout writes ``Takeout/Fit/Daily activity metrics/`` with two shapes of CSV:

- ``Daily activity metrics.csv``: one row per day, first column ``Date`` (``2024-03-01``), then
  ``Move Minutes count``, ``Calories (kcal)``, ``Distance (m)``, ``Heart Points``, ..., ``Step count``
  and more; a cell is empty when the phone recorded nothing.
- one file per day, named ``2024-03-01.csv``: rows are 15-minute buckets with ``Start time`` and
  ``End time`` (``00:15:00.000+01:00``) and the same measure columns; the day is in the file name.

Columns are found by name (case and spacing ignored), in any order; unknown ones are ignored. Move
Minutes (Google's count of minutes of activity) become exercise minutes. When both shapes cover a
day the daily summary row wins: the buckets of that day would only repeat it. Pure: no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from crampcare.diary.activity_days import ActivityDay, ActivityFileError

SOURCE = "Google Fit"
STEP_COLUMN = "step count"
MOVE_COLUMN = "move minutes count"
DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.csv$", re.IGNORECASE)
Totals = dict[dt.date, tuple[float | None, float | None]]


def _key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().lower().split())


def is_fit_header(header: Iterable[str]) -> bool:
    """Whether a CSV header is a Fit daily-metrics header (a date or time column and a measure)."""
    keys = {_key(h) for h in header}
    return bool(keys & {"date", "start time"}) and bool(keys & {STEP_COLUMN, MOVE_COLUMN})


def _number(cell: str, label: str, line: int, column: str) -> float | None:
    text = cell.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ActivityFileError([f"{label}:{line}: {column}: expected a number, got {cell!r}"]) from None
    if value < 0:
        raise ActivityFileError([f"{label}:{line}: {column}: cannot be negative, got {cell!r}"])
    return value


def _add(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else a + b


def parse_fit_csv(text: str, label: str, file_date: dt.date | None) -> tuple[Totals, bool]:
    """(per-day (steps, move minutes), whether the file is the one-row-per-day summary).

    Raises ``ActivityFileError`` naming ``label``, the line and the column of the first problem.
    """
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if header is None or not is_fit_header(header):
        raise ActivityFileError(
            [
                f"{label}:1: expected Google Fit daily metrics columns (Date or Start time, Step count, "
                f"Move Minutes count), got {', '.join(header or []) or 'an empty file'}"
            ]
        )
    index = {_key(h): i for i, h in enumerate(header)}
    summary = "date" in index
    if not summary and file_date is None:
        raise ActivityFileError(
            [f"{label}: a file of time buckets (Start time) needs its day in the name, like 2024-03-01.csv"]
        )
    totals: Totals = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        if summary:
            raw = cells[index["date"]].strip()
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise ActivityFileError(
                    [f"{label}:{line}: Date: expected a date like 2024-03-01, got {raw!r}"]
                ) from None
        else:
            assert file_date is not None
            day = file_date
        steps = (
            _number(cells[index[STEP_COLUMN]], label, line, "Step count") if STEP_COLUMN in index else None
        )
        moves = (
            _number(cells[index[MOVE_COLUMN]], label, line, "Move Minutes count")
            if MOVE_COLUMN in index
            else None
        )
        old_steps, old_moves = totals.get(day, (None, None))
        totals[day] = (_add(old_steps, steps), _add(old_moves, moves))
    return totals, summary


def _days(summary: Totals, buckets: Totals) -> list[ActivityDay]:
    merged = {**buckets, **summary}  # the daily summary row wins over the same day's buckets
    return [
        ActivityDay(
            date=day,
            steps=None if steps is None else round(steps),
            exercise_minutes=None if moves is None else round(moves, 1),
            source=SOURCE,
        )
        for day, (steps, moves) in sorted(merged.items())
        if steps is not None or moves is not None
    ]


def _read(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ActivityFileError([f"{label}: not UTF-8 text (byte {err.start})"]) from None


def _file_date(name: str) -> dt.date | None:
    match = DAY_FILE.search(name)
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def fit_members(archive: zipfile.ZipFile) -> list[str]:
    """The Fit daily-metrics CSVs of a Takeout zip (any ``Fit/`` folder, Takeout names it per language)."""
    return sorted(n for n in archive.namelist() if "/fit/" in f"/{n.lower()}" and n.lower().endswith(".csv"))


def parse_fit(path: Path) -> tuple[list[ActivityDay], int]:
    """Per-day values from a Takeout zip or one daily-metrics CSV; and the number of rows read."""
    summary: Totals = {}
    buckets: Totals = {}
    files: list[tuple[str, bytes]] = []
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                for name in fit_members(archive):
                    files.append((f"{path}:{name}", archive.read(name)))
        except (zipfile.BadZipFile, EOFError, zlib.error) as err:
            raise ActivityFileError([f"{path}: not a readable zip file ({err})"]) from None
    else:
        files.append((str(path), path.read_bytes()))
    used = 0
    for label, raw in files:
        text = _read(raw, label)
        first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
        if len(files) > 1 and not is_fit_header(first):
            continue  # other Fit CSVs in the same Takeout (not daily metrics)
        totals, is_summary = parse_fit_csv(text, label, _file_date(label))
        target = summary if is_summary else buckets
        for day, values in totals.items():
            old = target.get(day, (None, None))
            target[day] = (_add(old[0], values[0]), _add(old[1], values[1]))
        used += len(totals)
    if not used:
        raise ActivityFileError([f"{path}: no Google Fit daily activity metrics found"])
    return _days(summary, buckets), used
