"""A realistic, seeded demo diary: five months of nights with evening factors, a trip across time
zones, DST, and a finished stretching experiment, so that a newcomer sees every feature at once.

The numbers are made up but plausible: about one cramp every two or three nights, more after
caffeine and alcohol, more in winter, fewer after stretching (the effect the experiment finds).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.stats.schedule import make_schedule

HOME = ZoneInfo("Europe/Berlin")
TRIP = ZoneInfo("America/New_York")
DEMO_NIGHTS = 150
EXPERIMENT_PAIRS = 6
EXPERIMENT_BLOCK_DAYS = 7
STRETCH_EFFECT = 0.4
ADHERENCE = 0.85


@dataclass
class DemoDiary:
    episodes: list[EpisodeRecord] = field(default_factory=list)
    day_logs: list[DayLogRecord] = field(default_factory=list)
    experiment_start: dt.date = dt.date(2026, 1, 1)
    experiment_seed: int = 0


def _night_rate(day: dt.date, log: DayLogRecord | None) -> float:
    winter = 1 + 0.25 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)
    rate = 0.45 * winter
    if log is not None:
        rate *= 1.15 ** (log.caffeine_drinks or 0) * 1.12 ** (log.alcohol_units or 0)
        rate *= STRETCH_EFFECT if log.stretched_before_bed else 1.0
    return rate


def _episode(rng: np.random.Generator, night: dt.date, zone: ZoneInfo) -> EpisodeRecord:
    minutes_after_22 = int(rng.gamma(4.0, 50.0)) % (9 * 60)  # mostly 01:00-04:00
    local = dt.datetime.combine(night, dt.time(22, 0)) + dt.timedelta(minutes=minutes_after_22)
    muscle = str(rng.choice(["calf", "calf", "calf", "calf", "foot", "toes"]))
    relief = tuple(
        str(r)
        for r in rng.choice(["stretch", "walk", "massage"], size=int(rng.integers(0, 3)), replace=False)
    )
    return EpisodeRecord(
        started_at=local.replace(tzinfo=zone),
        muscle=muscle,
        side=str(rng.choice(["left", "right", "left", "both"])),
        duration_s=int(min(rng.lognormal(4.4, 0.6), 1800)),
        severity=int(np.clip(round(rng.normal(6, 1.8)), 1, 10)),
        woke_from_sleep=bool(rng.random() < 0.85),
        relieved_by=relief,
        notes="",
    )


def demo_diary(last_night: dt.date, seed: int = 2026) -> DemoDiary:
    """The demo diary ending on ``last_night``, with a stretching experiment over its last 8 weeks."""
    rng = np.random.default_rng(seed)
    first = last_night - dt.timedelta(days=DEMO_NIGHTS - 1)
    exp_nights = 2 * EXPERIMENT_PAIRS * EXPERIMENT_BLOCK_DAYS
    experiment_start = last_night - dt.timedelta(days=exp_nights - 1)
    schedule = {
        n.date: n.on for n in make_schedule(experiment_start, EXPERIMENT_BLOCK_DAYS, EXPERIMENT_PAIRS, seed)
    }
    trip = {first + dt.timedelta(days=30 + i) for i in range(8)}  # a week in New York
    demo = DemoDiary(experiment_start=experiment_start, experiment_seed=seed)
    for i in range(DEMO_NIGHTS):
        day = first + dt.timedelta(days=i)
        log = None
        if rng.random() < 0.9 or day in schedule:
            planned = schedule.get(day)
            stretched = (
                bool(rng.random() < 0.25) if planned is None else (planned == (rng.random() < ADHERENCE))
            )
            weekend = day.weekday() >= 4
            log = DayLogRecord(
                date=day,
                stretched_before_bed=stretched,
                fluid_litres=round(float(rng.uniform(1.0, 2.5)), 1),
                caffeine_drinks=float(rng.integers(0, 5)),
                alcohol_units=float(rng.integers(0, 4) if weekend else rng.integers(0, 2)),
                exercise_minutes=float(rng.choice([0, 0, 20, 30, 45, 60])),
                notes="trip to New York" if day in trip else "",
            )
            demo.day_logs.append(log)
        zone = TRIP if day in trip else HOME
        for _ in range(rng.poisson(_night_rate(day, log))):
            episode = _episode(rng, day, zone)
            if all(e.key != episode.key for e in demo.episodes[-5:]):
                demo.episodes.append(episode)
    return demo
