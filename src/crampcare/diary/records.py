"""Plain records of the diary, independent of the database: what stats and exporters consume."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from crampcare.diary.nights import night_of

EPISODE_FIELDS = (
    "started_at",
    "duration_s",
    "muscle",
    "side",
    "severity",
    "woke_from_sleep",
    "relieved_by",
    "notes",
)
DAY_LOG_FIELDS = (
    "date",
    "stretched_before_bed",
    "fluid_litres",
    "caffeine_drinks",
    "alcohol_units",
    "exercise_minutes",
    "notes",
)
# The evening factors a day log records, as used by the regression (column name -> plain label).
DAY_LOG_FACTORS = {
    "stretched_before_bed": "stretched before bed",
    "fluid_litres": "fluid (litres)",
    "caffeine_drinks": "caffeine (drinks)",
    "alcohol_units": "alcohol (units)",
    "exercise_minutes": "exercise (minutes)",
}
SIDES = ("left", "right", "both")
RELIEF_CODES = ("stretch", "walk", "massage", "heat", "other")


class EpisodeRecord(NamedTuple):
    """One cramp. ``started_at`` is timezone-aware, in the offset it was recorded with.

    A NamedTuple rather than a frozen dataclass: as immutable, and several times cheaper to build,
    which matters for 100,000-row imports.
    """

    started_at: dt.datetime
    muscle: str
    side: str
    duration_s: int | None = None
    severity: int | None = None
    woke_from_sleep: bool | None = None
    relieved_by: tuple[str, ...] = ()
    notes: str = ""

    @property
    def night(self) -> dt.date:
        return night_of(self.started_at)

    @property
    def key(self) -> tuple[dt.datetime, str, str]:
        """What identifies an episode (spec): the instant it started, muscle and side."""
        return (self.started_at.astimezone(dt.UTC), self.muscle, self.side)


class DayLogRecord(NamedTuple):
    """What was done on ``date``; it describes the evening before the night of ``date``.

    ``None`` means not recorded, which is different from zero.
    """

    date: dt.date
    stretched_before_bed: bool | None = None
    fluid_litres: float | None = None
    caffeine_drinks: float | None = None
    alcohol_units: float | None = None
    exercise_minutes: float | None = None
    notes: str = ""


MEDICATION_FIELDS = ("name", "dose", "started_on", "stopped_on", "notes")


class MedicationRecord(NamedTuple):
    """A medicine taken from ``started_on`` (to ``stopped_on``, ``None`` while still taken).

    ``name`` and ``started_on`` identify it: importing the same medicine again updates it."""

    name: str
    started_on: dt.date
    stopped_on: dt.date | None = None
    dose: str = ""
    notes: str = ""


class ExperimentRecord(NamedTuple):
    """An N-of-1 experiment as exported: its design, seed and every scheduled night (date, on)."""

    intervention: str
    start: dt.date
    block_days: int
    pairs: int
    seed: int
    washout_days: int
    schedule: tuple[tuple[dt.date, bool], ...]


def plan_digest(
    intervention: str,
    start: dt.date,
    block_days: int,
    pairs: int,
    seed: int,
    washout_days: int,
    nights: list[tuple[dt.date, bool]],
) -> str:
    """SHA-256 of an experiment's plan (design, seed, start, every night's on/off): one definition
    for the database row, the JSON export and the FHIR CarePlan, so a later edit is detectable."""
    import hashlib
    import json

    plan = {
        "intervention": intervention,
        "start": start.isoformat(),
        "block_days": block_days,
        "pairs": pairs,
        "seed": seed,
        "washout_days": washout_days,
        "nights": [[day.isoformat(), on] for day, on in nights],
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()
