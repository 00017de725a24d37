# ruff: noqa: E501  (the published header and attribute lines are kept verbatim)
"""Phone exports built from the formats' published shapes, streamed into a tmp folder, with the
per-day values a correct import must find (tests/test_activity_import.py, benchmarks/phone_import.py).

Apple Health ("Export All Health Data"): ``apple_health_export/export.xml`` in a zip, a
``<!DOCTYPE HealthData [...]>`` internal DTD, ``<Record type= sourceName= unit= startDate= endDate=
value=>`` with times like ``2024-03-01 07:12:45 +0100``, ``<Workout duration= durationUnit="min">``
with ``WorkoutStatistics`` children, ``HKCategoryTypeIdentifierSleepAnalysis`` records with values
``HKCategoryValueSleepAnalysisInBed``, ``...AsleepCore``, ``...AsleepDeep``, ``...AsleepREM``,
``...Awake`` (iOS 16+) and ``...Asleep`` (earlier). Google Takeout: ``Takeout/Fit/Daily activity
metrics/Daily activity metrics.csv`` (one row per ``Date``) and per-day ``YYYY-MM-DD.csv`` files of
15-minute buckets (``Start time``, ``End time``).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

APPLE_DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type                 CDATA #REQUIRED
  startDate            CDATA #REQUIRED
  endDate              CDATA #REQUIRED
  average              CDATA #IMPLIED
  minimum              CDATA #IMPLIED
  maximum              CDATA #IMPLIED
  sum                  CDATA #IMPLIED
  unit                 CDATA #IMPLIED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2025-03-02 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1958-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""
IPHONE = "Anna\u2019s iPhone"
WATCH = "Anna\u2019s Apple\u00a0Watch"
AUTOSLEEP = "AutoSleep"
IPHONE_DEVICE = "&lt;&lt;HKDevice: 0x283f8c1e0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:17.3&gt;"
WATCH_DEVICE = "&lt;&lt;HKDevice: 0x283f8c2d0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.3&gt;"
ZONE = ZoneInfo("Europe/Berlin")
START = dt.date(2024, 3, 1)


@dataclass(frozen=True)
class Expected:
    steps: int | None
    exercise_minutes: float | None
    sleep_hours: float | None


def _t(day: dt.date, hour: float) -> str:
    """Local time ``hour`` hours after midnight of ``day`` in ZONE, as Apple writes it."""
    # Elapsed (UTC) arithmetic: hours of sleep stay exact across the DST nights of March and October.
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=ZONE).astimezone(dt.UTC)
    return (midnight + dt.timedelta(hours=hour)).astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S %z")


def _record(kind: str, source: str, device: str, unit: str | None, start: str, end: str, value: str) -> str:
    unit_attr = f' unit="{unit}"' if unit else ""
    return (
        f' <Record type="{kind}" sourceName="{source}" sourceVersion="17.3" device="{device}"{unit_attr}'
        f' creationDate="{end}" startDate="{start}" endDate="{end}" value="{value}"/>\n'
    )


def _steps(day: dt.date, source: str, device: str, total: int, parts: int) -> Iterator[str]:
    share, rest = divmod(total, parts)
    for i in range(parts):
        start = 8 + i * 12 / parts
        value = share + (rest if i == parts - 1 else 0)
        yield _record(
            "HKQuantityTypeIdentifierStepCount",
            source,
            device,
            "count",
            _t(day, start),
            _t(day, start + 0.4),
            str(value),
        )


def _sleep(night: dt.date, source: str, value: str, start_h: float, end_h: float) -> str:
    """Sleep on ``night`` (the evening's date) from start_h to end_h hours after that evening's midnight."""
    stage = f"HKCategoryValueSleepAnalysis{value}"
    return (
        _record(
            "HKCategoryTypeIdentifierSleepAnalysis",
            source,
            WATCH_DEVICE,
            None,
            _t(night, start_h),
            _t(night, end_h),
            stage,
        )[:-3]
        + '>\n  <MetadataEntry key="HKTimeZone" value="Europe/Berlin"/>\n </Record>\n'
    )


def _workout(day: dt.date, source: str, minutes: int) -> str:
    start, end = _t(day, 18), _t(day, 18 + minutes / 60)
    return (
        f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="{minutes}" durationUnit="min"'
        f' sourceName="{source}" sourceVersion="10.3" device="{WATCH_DEVICE}" creationDate="{end}"'
        f' startDate="{start}" endDate="{end}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        f'  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="{start}" endDate="{end}"'
        ' sum="180.5" unit="kcal"/>\n </Workout>\n'
    )


def apple_day(i: int, day: dt.date) -> tuple[list[str], Expected]:
    """The records of day ``i`` and what a correct import finds for it.

    Steps: the iPhone and the Watch both count (most days the iPhone more, every 7th day the Watch):
    the day is the larger source, not the sum. Workouts every other day, every 10th day also
    mirrored by a second app (same walk: counted once). Sleep: in bed 22:30-07:00 (not sleep), Watch
    stages Core/Deep/REM with 10 minutes Awake, every 3rd night AutoSleep overlapping; every 5th
    night short (00:30-05:00), which starts after midnight yet belongs to the evening before.
    """
    phone = 6000 + (i * 737) % 12000
    watch = phone + 900 if i % 7 == 0 else int(phone * 0.85)
    lines = [*_steps(day, IPHONE, IPHONE_DEVICE, phone, 6), *_steps(day, WATCH, WATCH_DEVICE, watch, 4)]
    minutes: float | None = None
    if i % 2 == 0:
        minutes = 20 + i % 50
        lines.append(_workout(day, WATCH, int(minutes)))
        if i % 10 == 0:
            lines.append(_workout(day, "Strava", int(minutes)))
    lines.append(_sleep(day, IPHONE, "InBed", 22.5, 31))
    if i % 5 == 0:
        lines.append(_sleep(day, WATCH, "AsleepCore", 24.5, 29))
        hours = 4.5
    else:
        lines += [
            _sleep(day, WATCH, "AsleepCore", 23, 25),
            _sleep(day, WATCH, "AsleepDeep", 25, 26),
            _sleep(day, WATCH, "AsleepREM", 26, 27),
            _sleep(day, WATCH, "Awake", 27, 27 + 1 / 6),
            _sleep(day, WATCH, "AsleepCore", 27 + 1 / 6, 30.5),
        ]
        hours = 4 + 3 + 1 / 3
        if i % 3 == 0:
            lines.append(_sleep(day, AUTOSLEEP, "Asleep", 23 + 1 / 6, 30 + 2 / 3))
            hours = 7 + 2 / 3  # union 23:00-06:40
    return lines, Expected(max(phone, watch), minutes, round(hours, 2))


FILLER = (
    ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="{w}" sourceVersion="10.3" device="{d}"'
    ' unit="count/min" creationDate="{t}" startDate="{t}" endDate="{t}" value="{v}">\n'
    '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n'
)


def write_apple_export(
    path: Path, days: int = 366, filler_per_day: int = 0, level: int = 6
) -> dict[dt.date, Expected]:
    """Write an Apple Health export.zip of ``days`` days (streamed: never held in memory); ``filler_per_day``
    heart-rate records per day pad it to a realistic size (most of a real export is heart rate)."""
    expected: dict[dt.date, Expected] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>\n")
        with archive.open("apple_health_export/export.xml", "w", force_zip64=True) as out:
            _write_xml(out, days, filler_per_day, expected)
    return expected


def _write_xml(out: IO[bytes], days: int, filler_per_day: int, expected: dict[dt.date, Expected]) -> None:
    out.write(APPLE_DTD.encode())
    for i in range(days):
        day = START + dt.timedelta(days=i)
        lines, expected[day] = apple_day(i, day)
        out.write("".join(lines).encode())
        if filler_per_day:
            chunk = []
            for k in range(filler_per_day):
                stamp = _t(day, 24 * k / filler_per_day)
                chunk.append(FILLER.format(w=WATCH, d=WATCH_DEVICE, t=stamp, v=60 + k % 40))
                if len(chunk) == 2000:
                    out.write("".join(chunk).encode())
                    chunk.clear()
            out.write("".join(chunk).encode())
    out.write(b"</HealthData>\n")


FIT_HEADER = (
    "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,"
    "Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Low latitude (deg),"
    "Low longitude (deg),High latitude (deg),High longitude (deg),Average speed (m/s),"
    "Max speed (m/s),Min speed (m/s),Step count,Average weight (kg),Max weight (kg),Min weight (kg),"
    "Walking duration (ms),Running duration (ms)"
)
FIT_BUCKET_HEADER = "Start time,End time" + FIT_HEADER.removeprefix("Date")


def _fit_row(first: str, moves: int | None, steps: int | None) -> str:
    m = "" if moves is None else str(moves)
    s = "" if steps is None else str(steps)
    return f"{first},{m},1650.2,{(steps or 0) * 0.7:.1f},{m},{m},,,,,,,,1.2,2.1,0.4,{s},,,,{(moves or 0) * 60000},\n"


def write_takeout(path: Path, days: int = 366, bucket_days: int = 14) -> dict[dt.date, Expected]:
    """A Takeout zip: the daily summary for ``days`` days (every 9th day without data: empty cells),
    and per-day bucket files for the ``bucket_days`` days after them (no summary row for those)."""
    expected: dict[dt.date, Expected] = {}
    folder = "Takeout/Fit/Daily activity metrics/"
    rows = [FIT_HEADER + "\n"]
    for i in range(days):
        day = START + dt.timedelta(days=i)
        if i % 9 == 4:
            rows.append(_fit_row(day.isoformat(), None, None))
            continue
        steps, moves = 3000 + (i * 911) % 15000, 10 + i % 80
        rows.append(_fit_row(day.isoformat(), moves, steps))
        expected[day] = Expected(steps, float(moves), None)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(folder + "Daily activity metrics.csv", "".join(rows))
        for j in range(bucket_days):
            day = START + dt.timedelta(days=days + j)
            lines = [FIT_BUCKET_HEADER + "\n"]
            steps = moves = 0
            for b in range(96):
                t0 = dt.time(b // 4, 15 * (b % 4)).strftime("%H:%M:%S.000+01:00")
                t1 = (
                    dt.datetime.combine(day, dt.time(b // 4, 15 * (b % 4))) + dt.timedelta(minutes=15)
                ).strftime("%H:%M:%S.000+01:00")
                active = 32 <= b < 80 and b % 3 == 0
                s, m = (250 + j, 5) if active else (None, None)
                steps += s or 0
                moves += m or 0
                lines.append(_fit_row(f"{t0},{t1}", m, s))
            archive.writestr(f"{folder}{day.isoformat()}.csv", "".join(lines))
            expected[day] = Expected(steps, float(moves), None)
        archive.writestr("Takeout/Fit/All Sessions/2024-03-01T08_00_00+01_00_WALKING.json", "{}")
        archive.writestr("Takeout/archive_browser.html", "<html></html>")
    return expected
