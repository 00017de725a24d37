"""Design before data: simulated operating characteristics of the N-of-1 analysis, and the plan.

Nights are simulated as Poisson counts whose log rate varies from calendar week to week (normal,
SD ``week_sd``) and from night to night as a stationary AR(1) process (correlation ``ar_rho``
between neighbouring nights, SD ``ar_sd``); the intervention multiplies the rate by ``ratio`` on its
nights. Each simulated experiment is analysed exactly as a real one (``nof1.pair_model``,
``nof1.sign_flip_p``, ``nof1.verdict_codes``), vectorised over simulations with NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crampcare.stats.nof1 import (
    min_p_value,
    min_pairs_for_verdict,
    pair_log_ratios,
    pair_model,
    sign_flip_p,
    verdict_codes,
)
from crampcare.stats.schedule import MAX_PAIRS

TARGET_POWER = 0.80
EFFECTS = (0.72, 0.5)  # quinine's average effect (Cochrane CD005044, ~28% fewer cramps) and a halving
TYPICAL_RATE = 0.5  # cramps a night assumed when the person's diary has none to go by (stated as such)
PLANNING_WEEK_SD = 0.4  # week-to-week SD of the log rate assumed in planning (the demo diary shows 0.38)
BLOCK_OPTIONS = (4, 7, 14)
PLAN_SIMULATIONS = 800
BATCH = 500  # simulations analysed at once (the exact test holds a batch x 2^pairs matrix)
MONTE_CARLO_DRAWS = 2000  # sign patterns for designs over 12 pairs (simulations only)


@dataclass(frozen=True, slots=True)
class Noise:
    """How the nightly cramp rate wanders when nothing is done."""

    week_sd: float = 0.0
    ar_rho: float = 0.0
    ar_sd: float = 0.0


def simulate_pairs(
    rng: np.random.Generator,
    sims: int,
    pairs: int,
    block_days: int,
    base: float,
    ratio: float,
    noise: Noise,
) -> tuple[NDArray[np.float64], ...]:
    """Per simulated experiment and pair: cramps and nights on, cramps and nights off."""
    nights = 2 * pairs * block_days
    on_first = rng.integers(0, 2, size=(sims, pairs)).astype(bool)
    block = np.arange(nights) // block_days
    first_block = block % 2 == 0
    on = np.where(first_block[None, :], on_first[:, block // 2], ~on_first[:, block // 2])
    log_rate = np.full((sims, nights), math.log(base))
    if noise.week_sd:
        weeks = rng.normal(0.0, noise.week_sd, size=(sims, (nights + 6) // 7))
        log_rate += weeks[:, np.arange(nights) // 7] - noise.week_sd**2 / 2
    if noise.ar_sd:
        x = rng.normal(0.0, noise.ar_sd, size=sims)
        innovation = noise.ar_sd * math.sqrt(1 - noise.ar_rho**2)
        shocks = rng.normal(0.0, innovation, size=(sims, nights))
        for t in range(nights):  # a loop over nights, vectorised over simulations
            x = noise.ar_rho * x + shocks[:, t] if t else x
            log_rate[:, t] += x - noise.ar_sd**2 / 2
    counts = rng.poisson(np.exp(log_rate) * np.where(on, ratio, 1.0))
    blocks = counts.reshape(sims, 2 * pairs, block_days).sum(axis=2).astype(np.float64)
    first, second = blocks[:, 0::2], blocks[:, 1::2]
    k_on = np.where(on_first, first, second)
    k_off = np.where(on_first, second, first)
    n = np.full((sims, pairs), float(block_days))
    return k_on, n, k_off, n


def verdicts(
    rng: np.random.Generator,
    sims: int,
    pairs: int,
    block_days: int,
    base: float,
    ratio: float,
    noise: Noise,
) -> NDArray[np.str_]:
    """The verdict of each of ``sims`` simulated experiments (every draw counts; none is skipped)."""
    out = []
    for start in range(0, sims, BATCH):
        size = min(BATCH, sims - start)
        d, v = pair_log_ratios(*simulate_pairs(rng, size, pairs, block_days, base, ratio, noise))
        fit = pair_model(d, v)
        p = sign_flip_p(d, seed=int(rng.integers(2**31)), draws=MONTE_CARLO_DRAWS)
        out.append(verdict_codes(fit["low"], fit["high"], p))
    return np.concatenate(out)


def power(
    pairs: int,
    block_days: int,
    base: float,
    ratio: float,
    noise: Noise = Noise(PLANNING_WEEK_SD),
    sims: int = PLAN_SIMULATIONS,
    seed: int = 0,
) -> float:
    """P(likely_helps) for a design; 0 when the design can never reach a verdict."""
    if min_p_value(pairs) > 0.05 or pairs < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    return float(np.mean(verdicts(rng, sims, pairs, block_days, base, ratio, noise) == "likely_helps"))


@dataclass(frozen=True, slots=True)
class DesignRow:
    block_days: int
    pairs: int | None  # None: no number of pairs up to the maximum reaches the target power
    ratio: float
    power: float | None
    min_p: float | None
    weeks: float | None


def pairs_for_power(
    block_days: int,
    base: float,
    ratio: float,
    noise: Noise = Noise(PLANNING_WEEK_SD),
    seed: int = 0,
    washout: int = 0,
) -> DesignRow:
    """The fewest pairs of ``block_days`` nights that find ``ratio`` with >= 80% power."""
    analysed = block_days - washout

    def row(m: int, value: float) -> DesignRow:
        return DesignRow(block_days, m, ratio, value, min_p_value(m), 2 * m * block_days / 7)

    # Common random numbers (one seed for every design) keep the power curve close to monotone,
    # so a bisection between the first design that can reach a verdict and the largest one works.
    low, high = min_pairs_for_verdict(), MAX_PAIRS
    best = power(high, analysed, base, ratio, noise, seed=seed)
    if best < TARGET_POWER:
        return DesignRow(block_days, None, ratio, None, None, None)
    found = row(high, best)
    while low < high:
        mid = (low + high) // 2
        value = power(mid, analysed, base, ratio, noise, seed=seed)
        if value >= TARGET_POWER:
            found, high = row(mid, value), mid
        else:
            low = mid + 1
    return found


def plan(
    base: float,
    block_days: int | None = None,
    pairs: int | None = None,
    noise: Noise = Noise(PLANNING_WEEK_SD),
    washout: Callable[[int], int] = lambda days: 0,
) -> dict[str, Any]:
    """The designs that reach 80% power for each effect, or the power of one chosen design.

    ``washout(block_days)`` is the number of nights left out at each block's start (not analysed)."""
    blocks = (block_days,) if block_days else BLOCK_OPTIONS
    rows: list[DesignRow] = []
    for days in blocks:
        analysed = max(days - washout(days), 1)
        for ratio in EFFECTS:
            if pairs is not None:
                value = power(pairs, analysed, base, ratio, noise)
                rows.append(DesignRow(days, pairs, ratio, value, min_p_value(pairs), 2 * pairs * days / 7))
            else:
                rows.append(pairs_for_power(days, base, ratio, noise, washout=days - analysed))
    return {
        "baseline_rate": base,
        "week_sd": noise.week_sd,
        "target_power": TARGET_POWER,
        "min_pairs_for_verdict": min_pairs_for_verdict(),
        "designs": [
            {
                "block_days": r.block_days,
                "pairs": r.pairs,
                "rate_ratio": r.ratio,
                "power": None if r.power is None else round(r.power, 3),
                "min_p_value": None if r.min_p is None else float(f"{r.min_p:.3g}"),
                "weeks": None if r.weeks is None else round(r.weeks, 1),
                "washout_days": washout(r.block_days),
            }
            for r in rows
        ],
    }
