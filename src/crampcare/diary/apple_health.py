"""Apple Health ``export.zip``: daily steps, workout minutes and hours asleep, streamed.

The Health app's "Export All Health Data" writes ``apple_health_export/export.xml`` inside a zip:
a ``<!DOCTYPE HealthData [...]>`` header with a long internal DTD, then one ``<HealthData>`` element
holding millions of ``<Record>`` elements (attributes ``type``, ``sourceName``, ``unit``,
``startDate``, ``endDate`` such as ``2024-03-01 07:12:45 +0100``, ``value``) and ``<Workout>``
elements (``workoutActivityType``, ``duration``, ``durationUnit``, ``startDate``, ``endDate``).

Exports reach gigabytes, so the XML is read straight out of the zip by expat (what
``xml.etree.ElementTree.iterparse`` runs on) with a start-element handler only: no element tree is
ever built, memory holds one small total per day and source, and every problem can name the line
(iterparse cannot tell the line of an element). Entity declarations are refused outright, so a
crafted file cannot expand entities; expat never fetches an external DTD.

Which day a value belongs to: a step record or workout counts on the calendar day it started, in
the person's time zone (``zone``); sleep counts for the night the person woke from, by the diary's
night rule (``nights.night_of`` of its end): sleep 23:30-07:10 belongs to the night of the evening
before. Pure: no database, no network.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.parsers import expat

from crampcare.diary.activity_days import ActivityDay, ActivityFileError, best_per_day, merged_hours
from crampcare.records.nights import night_of

STEPS = "HKQuantityTypeIdentifierStepCount"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
# "Asleep" (before iOS 16) and its stages AsleepUnspecified/Core/Deep/REM are sleep; InBed and
# Awake are not: lying in bed awake is not sleep.
ASLEEP_PREFIX = "HKCategoryValueSleepAnalysisAsleep"
MINUTES_PER_UNIT = {"min": 1.0, "s": 1 / 60, "sec": 1 / 60, "hr": 60.0, "h": 60.0}
MAX_PROBLEMS = 20


def export_member(archive: zipfile.ZipFile) -> str | None:
    """The ``export.xml`` in an Apple Health zip (not ``export_cda.xml``), or None."""
    for name in archive.namelist():
        if name.lower().rsplit("/", 1)[-1] == "export.xml":
            return name
    return None


@dataclass
class _Totals:
    """Running totals while the file streams by: a few numbers per day, whatever the file's size."""

    steps: dict[tuple[dt.date, str], float] = field(default_factory=lambda: defaultdict(float))
    workouts: dict[tuple[dt.date, str], float] = field(default_factory=lambda: defaultdict(float))
    sleep: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    records: int = 0
    problems: list[str] = field(default_factory=list)


_OFFSETS: dict[str, dt.timezone] = {}


def _time(text: str) -> dt.datetime:
    """``2024-03-01 07:12:45 +0100`` as an aware time; sliced by hand, strptime is 10x slower."""
    if len(text) != 25 or text[4] != "-" or text[10] != " " or text[19] != " " or text[20] not in "+-":
        raise ValueError
    offset = _OFFSETS.get(text[20:])
    if offset is None:
        minutes = int(text[21:23]) * 60 + int(text[23:25])
        offset = dt.timezone(dt.timedelta(minutes=-minutes if text[20] == "-" else minutes))
        _OFFSETS[text[20:]] = offset
    return dt.datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        tzinfo=offset,
    )


def _handler(
    totals: _Totals, zone: dt.tzinfo, where: Callable[[], str]
) -> Callable[[str, dict[str, str]], None]:
    def problem(text: str) -> None:
        if len(totals.problems) < MAX_PROBLEMS:
            totals.problems.append(f"{where()}: {text}")

    def times(attrs: dict[str, str]) -> tuple[dt.datetime, dt.datetime] | None:
        try:
            start, end = _time(attrs["startDate"]), _time(attrs["endDate"])
        except (KeyError, ValueError):
            problem(
                "startDate/endDate: expected a time like 2024-03-01 07:12:45 +0100, got "
                f"{attrs.get('startDate')!r}/{attrs.get('endDate')!r}"
            )
            return None
        if end < start:
            problem(f"endDate {attrs['endDate']!r} is before startDate {attrs['startDate']!r}")
            return None
        return start, end

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "Record":
            kind = attrs.get("type")
            if kind != STEPS and kind != SLEEP:
                return  # heart rate, energy, ...: most of a real export, skipped at once
            span = times(attrs)
            if span is None:
                return
            source = attrs.get("sourceName", "")
            totals.records += 1
            if kind == STEPS:
                try:
                    value = float(attrs["value"])
                except (KeyError, ValueError):
                    problem(f"value: expected a number of steps, got {attrs.get('value')!r}")
                    return
                if value < 0:
                    problem(f"value: steps cannot be negative, got {attrs['value']!r}")
                    return
                totals.steps[span[0].astimezone(zone).date(), source] += value
            elif attrs.get("value", "").startswith(ASLEEP_PREFIX):
                a, b = span
                totals.sleep[night_of(b.astimezone(zone))].append((a, b))
        elif name == "Workout":
            span = times(attrs)
            if span is None:
                return
            totals.records += 1
            minutes = _workout_minutes(attrs, span)
            if minutes is None:
                problem(f"duration: expected a number, got {attrs.get('duration')!r}")
                return
            totals.workouts[span[0].astimezone(zone).date(), attrs.get("sourceName", "")] += minutes

    return start


def _workout_minutes(attrs: dict[str, str], span: tuple[dt.datetime, dt.datetime]) -> float | None:
    """A workout's ``duration`` in minutes; the start-to-end time when the export has none."""
    raw = attrs.get("duration")
    if raw is None:
        return (span[1] - span[0]).total_seconds() / 60
    try:
        return float(raw) * MINUTES_PER_UNIT.get(attrs.get("durationUnit", "min"), 1.0)
    except ValueError:
        return None


def _refuse_entities(*_args: object) -> None:
    raise ValueError("the file declares XML entities, which an Apple Health export never does")


def parse_export_xml(stream: IO[bytes], label: str, zone: dt.tzinfo) -> tuple[list[ActivityDay], int]:
    """Per-day values and the number of records used, from an ``export.xml`` byte stream.

    Raises ``ActivityFileError`` naming ``label`` and the line of every problem (all or nothing).
    """
    parser = expat.ParserCreate()
    totals = _Totals()
    parser.buffer_text = True
    parser.EntityDeclHandler = _refuse_entities
    parser.StartElementHandler = _handler(totals, zone, lambda: f"{label}:{parser.CurrentLineNumber}")
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as err:
        raise ActivityFileError(
            [f"{label}:{err.lineno}: not readable as XML ({expat.errors.messages[err.code]})"]
        ) from None
    except ValueError as err:
        raise ActivityFileError([f"{label}:{parser.CurrentLineNumber}: {err}"]) from None
    if totals.problems:
        raise ActivityFileError(totals.problems)
    return _days(totals), totals.records


def _days(totals: _Totals) -> list[ActivityDay]:
    steps = best_per_day(totals.steps)
    workouts = best_per_day(totals.workouts)
    sleep = {night: merged_hours(spans) for night, spans in totals.sleep.items()}
    days = []
    for day in sorted({*steps, *workouts, *sleep}):
        sources = sorted({pick[1] for pick in (steps.get(day), workouts.get(day)) if pick is not None})
        days.append(
            ActivityDay(
                date=day,
                steps=round(steps[day][0]) if day in steps else None,
                exercise_minutes=round(workouts[day][0], 1) if day in workouts else None,
                sleep_hours=round(sleep[day], 2) if day in sleep else None,
                source="Apple Health" + (f": {', '.join(sources)}" if sources else ""),
            )
        )
    return days


def parse_apple_zip(path: Path, zone: dt.tzinfo) -> tuple[list[ActivityDay], int]:
    """Per-day values from an Apple Health ``export.zip`` (or a bare ``export.xml``), unextracted."""
    if path.suffix.lower() == ".xml":
        with path.open("rb") as fh:
            return parse_export_xml(fh, str(path), zone)
    try:
        with zipfile.ZipFile(path) as archive:
            member = export_member(archive)
            if member is None:
                raise ActivityFileError(
                    [
                        f"{path}: neither an Apple Health export (apple_health_export/export.xml) nor a "
                        "Google Takeout with Fit daily activity metrics (Takeout/Fit/Daily activity metrics/)"
                    ]
                )
            with archive.open(member) as fh:
                return parse_export_xml(fh, f"{path}:{member}", zone)
    except (zipfile.BadZipFile, EOFError, zlib.error) as err:
        raise ActivityFileError([f"{path}: not a readable zip file ({err})"]) from None
