"""Randomised paired-block schedules for an N-of-1 experiment.

The design (peers.md 2.6, AHRQ N-of-1 guide): ``pairs`` pairs of blocks of ``block_days`` nights;
within each pair one block is 'on' the intervention and the other 'off', and which comes first is
drawn at random, independently for each pair, with probability 1/2, from a NumPy generator seeded
with ``seed``. The same scheme is what the randomisation test re-draws (``nof1.randomisation_test``),
so the test's p-value is exact for this design. The first ``washout_days`` nights of every block
are kept in the schedule but left out of the analysis, for interventions whose effect lingers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

MAX_BLOCK_DAYS = 60
MAX_PAIRS = 26


@dataclass(frozen=True, slots=True)
class ScheduledNight:
    date: dt.date
    on: bool
    pair: int  # 0-based pair number
    block: int  # 0-based block number over the whole experiment
    washout: bool = False


def first_block_on(pairs: int, seed: int) -> list[bool]:
    """For each pair, whether its first block is the 'on' one (the only random part of the design)."""
    rng = np.random.default_rng(seed)
    return [bool(x) for x in rng.integers(0, 2, size=pairs)]


def check_design(block_days: int, pairs: int, washout_days: int = 0) -> list[str]:
    """Problems with a design, as ``field: problem`` lines (empty when fine)."""
    problems = []
    if not 1 <= block_days <= MAX_BLOCK_DAYS:
        problems.append(f"block_days: must be from 1 to {MAX_BLOCK_DAYS}, not {block_days}")
    if not 1 <= pairs <= MAX_PAIRS:
        problems.append(f"pairs: must be from 1 to {MAX_PAIRS}, not {pairs}")
    if not 0 <= washout_days < max(block_days, 1):
        problems.append(f"washout_days: must be from 0 to block_days - 1, not {washout_days}")
    return problems


def make_schedule(
    start: dt.date, block_days: int, pairs: int, seed: int, washout_days: int = 0
) -> list[ScheduledNight]:
    """One entry per night from ``start``: 2 x ``pairs`` blocks of ``block_days`` nights."""
    problems = check_design(block_days, pairs, washout_days)
    if problems:
        raise ValueError("; ".join(problems))
    nights = []
    for pair, first_on in enumerate(first_block_on(pairs, seed)):
        for position in (0, 1):
            on = first_on if position == 0 else not first_on
            block = 2 * pair + position
            for day in range(block_days):
                nights.append(
                    ScheduledNight(
                        date=start + dt.timedelta(days=block * block_days + day),
                        on=on,
                        pair=pair,
                        block=block,
                        washout=day < washout_days,
                    )
                )
    return nights
