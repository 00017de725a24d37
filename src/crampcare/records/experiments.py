"""An N-of-1 experiment as a record: its design, seed and every scheduled night.

One record for every format: the JSON export and the FHIR CarePlan both read into it, and the diary
service restores it one way (``crampcare.experiments.service.restore_experiments``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from pydantic import BaseModel, ConfigDict


class Experiment(BaseModel):
    """A drawn schedule: ``schedule`` holds every night as (date, on), in order.

    ``imported``, ``created_at`` and ``schedule_sha256`` are what a FHIR CarePlan carries besides the
    plan; a JSON export leaves them out (``None``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intervention: str
    start: dt.date
    block_days: int
    pairs: int
    seed: int
    washout_days: int
    schedule: tuple[tuple[dt.date, bool], ...]
    imported: bool | None = None
    created_at: dt.datetime | None = None  # naive UTC
    schedule_sha256: str | None = None

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=2 * self.pairs * self.block_days - 1)

    @property
    def nights(self) -> tuple[tuple[dt.date, int, int, bool], ...]:
        """(date, pair, block, on) for each night: blocks of ``block_days`` nights, two per pair."""
        size = self.block_days
        return tuple((day, i // size // 2, i // size, on) for i, (day, on) in enumerate(self.schedule))

    @property
    def digest(self) -> str:
        """The SHA-256 of the plan (``plan_digest``), computed, never taken from a file."""
        return plan_digest(
            self.intervention,
            self.start,
            self.block_days,
            self.pairs,
            self.seed,
            self.washout_days,
            list(self.schedule),
        )


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
