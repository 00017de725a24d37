"""Analysis of an N-of-1 experiment on cramp counts (one count per night).

Method (see docs/diary.md for the plain-words version):

- **Rate ratio**: episodes per night on the intervention / per night off it.
- **Posterior**: each condition's nightly rate gets a Jeffreys-like Gamma(0.5, ~0) prior and the
  conjugate Poisson update, Gamma(0.5 + episodes, nights). The ratio of two independent Gamma rates
  is a scaled beta-prime variable, so its credible interval and P(ratio < 1) ("prob_benefit") are
  closed form (peers.md 2.6). Cramps cluster, which makes a plain Poisson posterior too sure of
  itself; we estimate the over-dispersion factor (Pearson chi-square / df, at least 1) and divide
  episodes and nights by it, the usual quasi-likelihood correction, which widens the interval.
- **Randomisation test**: the statistic is the log rate ratio; its null distribution re-draws the
  schedule's own randomisation (each pair's order flipped or not, probability 1/2), exactly by
  enumeration for up to 12 pairs, by Monte Carlo above. Two-sided.
- **Verdict rule** (``VERDICT_RULE``), applied to the intention-to-treat (by-schedule) posterior.
- **Per protocol**: where the day log says what was actually done, nights are regrouped by that and
  analysed again (posterior only: what people do is not randomised, so no randomisation test).
- **Weeks to settle**: for an inconclusive result, simulate further pairs of blocks from the current
  posterior and report the first number of extra weeks after which the verdict would be conclusive
  in at least 80% of simulations.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

PRIOR_SHAPE = 0.5
PRIOR_RATE = 1e-6
HELPS_PROB = 0.95
HARMS_PROB = 0.05
NO_EFFECT_LOW, NO_EFFECT_HIGH = 2 / 3, 3 / 2
NO_EFFECT_PROB = 0.80
EXACT_MAX_PAIRS = 12
MONTE_CARLO_DRAWS = 20_000
SETTLE_POWER = 0.80
SETTLE_MAX_PAIRS = 12
SETTLE_SIMULATIONS = 400

VERDICT_RULE = (
    "inconclusive if fewer nights than one block were observed on or off; otherwise likely_helps if "
    f"the probability that the intervention lowers the cramp rate is at least {HELPS_PROB:.0%}, "
    f"likely_harms if it is at most {HARMS_PROB:.0%}, likely_no_effect if the rate ratio is at least "
    f"{NO_EFFECT_PROB:.0%} likely to lie between {NO_EFFECT_LOW:.2f} and {NO_EFFECT_HIGH:.2f} (less than "
    "a third fewer and less than half more cramps), and inconclusive otherwise."
)
DISCLAIMER = (
    "This is a self-run experiment on one person, not a clinical study. It says what happened to you "
    "during these weeks; talk to a clinician before changing a prescribed medicine."
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class NightObservation:
    """One analysed night: the schedule's assignment, its pair, the cramp count, what was done."""

    date: dt.date
    on: bool
    pair: int
    count: int
    done: bool | None = None  # from the day log; None when not recorded or not recordable


@dataclass(frozen=True, slots=True)
class Counts:
    episodes_on: int
    nights_on: int
    episodes_off: int
    nights_off: int

    @property
    def rate_ratio(self) -> float | None:
        if self.nights_on == 0 or self.nights_off == 0 or self.episodes_off == 0:
            return None
        return (self.episodes_on / self.nights_on) / (self.episodes_off / self.nights_off)


def counts_of(nights: Sequence[NightObservation], by_done: bool = False) -> Counts:
    on = [n for n in nights if (n.done if by_done else n.on)]
    off = [n for n in nights if not (n.done if by_done else n.on)]
    return Counts(sum(n.count for n in on), len(on), sum(n.count for n in off), len(off))


def dispersion(nights: Sequence[NightObservation], by_done: bool = False) -> float:
    """Pearson chi-square / df of a two-rate Poisson model, at least 1 (over-dispersion only)."""
    c = counts_of(nights, by_done)
    if c.nights_on == 0 or c.nights_off == 0 or len(nights) <= 2:
        return 1.0
    rate = {True: c.episodes_on / c.nights_on, False: c.episodes_off / c.nights_off}
    chi2 = 0.0
    for n in nights:
        mu = rate[bool(n.done) if by_done else n.on]
        if mu > 0:
            chi2 += (n.count - mu) ** 2 / mu
    return max(1.0, chi2 / (len(nights) - 2))


def _shapes_rates(
    k_on: Any, n_on: Any, k_off: Any, n_off: Any, phi: Any
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Posterior Gamma (shape, rate) of each condition, after the over-dispersion correction."""
    k1, n1, k0, n0, scale = (np.asarray(v, dtype=np.float64) for v in (k_on, n_on, k_off, n_off, phi))
    return (
        PRIOR_SHAPE + k1 / scale,
        PRIOR_RATE + n1 / scale,
        PRIOR_SHAPE + k0 / scale,
        PRIOR_RATE + n0 / scale,
    )


def ratio_cdf(x: float | FloatArray, a_on: Any, b_on: Any, a_off: Any, b_off: Any) -> FloatArray:
    """P(rate_on / rate_off <= x) when rate_c ~ Gamma(a_c, rate=b_c) independently."""
    # rate_on/rate_off = (b_off/b_on) * X/Y with X/Y ~ BetaPrime(a_on, a_off), whose CDF at z is the
    # regularised incomplete beta I(z/(1+z); a_on, a_off) (called directly: scipy.stats is 50x slower).
    z = np.asarray(x) * b_on / b_off
    return np.asarray(special.betainc(a_on, a_off, z / (1 + z)), dtype=np.float64)


def posterior_summary(counts: Counts, phi: float = 1.0) -> dict[str, Any]:
    """Credible interval, median and P(benefit) of the rate ratio, and P(no worthwhile effect)."""
    post = _shapes_rates(counts.episodes_on, counts.nights_on, counts.episodes_off, counts.nights_off, phi)
    a_on, b_on, a_off, b_off = post
    scale = float(b_off / b_on)
    # Quantiles of BetaPrime(a, b) are B/(1-B) for the Beta(a, b) quantiles B.
    beta_q = [float(special.betaincinv(a_on, a_off, q)) for q in (0.025, 0.5, 0.975)]
    low, median, high = (b / (1 - b) * scale if b < 1 else math.inf for b in beta_q)
    prob_benefit = float(ratio_cdf(1.0, *post))
    prob_small = float(ratio_cdf(NO_EFFECT_HIGH, *post) - ratio_cdf(NO_EFFECT_LOW, *post))
    return {"ci95": [low, high], "median": median, "prob_benefit": prob_benefit, "prob_no_effect": prob_small}


def verdict_of(prob_benefit: float, prob_no_effect: float, enough_nights: bool) -> str:
    """The documented verdict rule (``VERDICT_RULE``)."""
    if not enough_nights:
        return "inconclusive"
    if prob_benefit >= HELPS_PROB:
        return "likely_helps"
    if prob_benefit <= HARMS_PROB:
        return "likely_harms"
    if prob_no_effect >= NO_EFFECT_PROB:
        return "likely_no_effect"
    return "inconclusive"


def _pair_totals(nights: Sequence[NightObservation]) -> FloatArray:
    """Per pair: [episodes on, nights on, episodes off, nights off] under the actual schedule."""
    pairs = sorted({n.pair for n in nights})
    index = {p: i for i, p in enumerate(pairs)}
    totals = np.zeros((len(pairs), 4))
    for n in nights:
        col = 0 if n.on else 2
        totals[index[n.pair], col] += n.count
        totals[index[n.pair], col + 1] += 1
    return totals


def _log_ratio(k_on: FloatArray, n_on: FloatArray, k_off: FloatArray, n_off: FloatArray) -> FloatArray:
    # +0.5 keeps the statistic finite when a condition has no cramps; nights 0 -> no information.
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log((k_on + 0.5) / n_on) - np.log((k_off + 0.5) / n_off)
    return np.where((n_on > 0) & (n_off > 0), value, 0.0)


def randomisation_test(nights: Sequence[NightObservation], seed: int = 0) -> float | None:
    """Two-sided p-value of the log rate ratio over the schedule's own randomisation (pair flips)."""
    totals = _pair_totals(nights)
    n_pairs = len(totals)
    if n_pairs == 0:
        return None
    if n_pairs <= EXACT_MAX_PAIRS:
        flips = np.array(list(product((0.0, 1.0), repeat=n_pairs)))
    else:
        rng = np.random.default_rng(seed)
        flips = rng.integers(0, 2, size=(MONTE_CARLO_DRAWS, n_pairs)).astype(np.float64)
    keep = 1.0 - flips
    k_on = keep @ totals[:, 0] + flips @ totals[:, 2]
    n_on = keep @ totals[:, 1] + flips @ totals[:, 3]
    k_off = keep @ totals[:, 2] + flips @ totals[:, 0]
    n_off = keep @ totals[:, 3] + flips @ totals[:, 1]
    null = np.abs(_log_ratio(k_on, n_on, k_off, n_off))
    observed = float(np.abs(_log_ratio(*(totals.sum(axis=0)[i : i + 1] for i in range(4))))[0])
    extreme = int(np.sum(null >= observed - 1e-9))
    if n_pairs <= EXACT_MAX_PAIRS:
        return extreme / len(flips)
    return (extreme + 1) / (len(flips) + 1)


def weeks_to_settle(
    counts: Counts, phi: float, block_nights: int, block_days: int, seed: int = 0
) -> int | None:
    """Extra weeks after which the verdict is conclusive in >= 80% of simulated futures, or None."""
    rng = np.random.default_rng(seed)
    a_on, b_on, a_off, b_off = _shapes_rates(
        counts.episodes_on, counts.nights_on, counts.episodes_off, counts.nights_off, phi
    )
    rate_on = rng.gamma(float(a_on), 1 / float(b_on), size=SETTLE_SIMULATIONS)
    rate_off = rng.gamma(float(a_off), 1 / float(b_off), size=SETTLE_SIMULATIONS)
    for extra_pairs in range(1, SETTLE_MAX_PAIRS + 1):
        extra = extra_pairs * block_nights
        # Clustered cramps: simulate phi-times over-dispersed counts by scaling a Poisson draw.
        k_on = counts.episodes_on + phi * rng.poisson(rate_on * extra / phi)
        k_off = counts.episodes_off + phi * rng.poisson(rate_off * extra / phi)
        post = _shapes_rates(k_on, counts.nights_on + extra, k_off, counts.nights_off + extra, phi)
        benefit = ratio_cdf(1.0, *post)
        small = ratio_cdf(NO_EFFECT_HIGH, *post) - ratio_cdf(NO_EFFECT_LOW, *post)
        conclusive = (benefit >= HELPS_PROB) | (benefit <= HARMS_PROB) | (small >= NO_EFFECT_PROB)
        if conclusive.mean() >= SETTLE_POWER:
            return math.ceil(extra_pairs * 2 * block_days / 7)
    return None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def _arm(counts: Counts, phi: float) -> dict[str, Any]:
    summary = posterior_summary(counts, phi) if counts.nights_on and counts.nights_off else None
    return {
        "nights_on": counts.nights_on,
        "nights_off": counts.nights_off,
        "episodes_on": counts.episodes_on,
        "episodes_off": counts.episodes_off,
        "rate_ratio": _round(counts.rate_ratio, 3),
        "ci95": [_round(v, 3) for v in summary["ci95"]] if summary else None,
        "prob_benefit": _round(summary["prob_benefit"], 3) if summary else None,
        "_prob_no_effect": summary["prob_no_effect"] if summary else 0.0,
    }


def _adherence(nights: Sequence[NightObservation]) -> dict[str, Any]:
    known = [n for n in nights if n.done is not None]
    on_known = [n for n in known if n.on]
    off_known = [n for n in known if not n.on]
    return {
        "nights_recorded": len(known),
        "done_on_on_nights": sum(1 for n in on_known if n.done),
        "on_nights_recorded": len(on_known),
        "done_on_off_nights": sum(1 for n in off_known if n.done),
        "off_nights_recorded": len(off_known),
    }


def analyze(
    nights: Sequence[NightObservation],
    *,
    intervention: str,
    block_days: int,
    washout_days: int = 0,
    label: str | None = None,
    seed: int = 0,
    estimate_weeks: bool = True,
) -> dict[str, Any]:
    """The full result: the spec's fields (by schedule) plus per-protocol, adherence and words."""
    itt_counts = counts_of(nights)
    phi = dispersion(nights)
    itt = _arm(itt_counts, phi)
    block_nights = block_days - washout_days
    enough = itt_counts.nights_on >= block_nights and itt_counts.nights_off >= block_nights
    verdict = verdict_of(itt["prob_benefit"] or 0.5, itt.pop("_prob_no_effect"), enough)
    p_value = randomisation_test(nights, seed) if enough else None
    recorded = [n for n in nights if n.done is not None]
    per_protocol = None
    if recorded:
        pp_counts = counts_of(recorded, by_done=True)
        per_protocol = _arm(pp_counts, dispersion(recorded, by_done=True))
        pp_enough = pp_counts.nights_on >= block_nights and pp_counts.nights_off >= block_nights
        per_protocol["verdict"] = verdict_of(
            per_protocol["prob_benefit"] or 0.5, per_protocol.pop("_prob_no_effect"), pp_enough
        )
    settle = None
    if verdict == "inconclusive" and estimate_weeks:  # the simulation is the slow part
        settle = weeks_to_settle(itt_counts, phi, block_nights, block_days, seed)
    result: dict[str, Any] = {
        "intervention": intervention,
        **itt,
        "p_value": _round(p_value, 4),
        "verdict": verdict,
        "dispersion": round(phi, 3),
        "per_protocol": per_protocol,
        "adherence": _adherence(nights),
        "weeks_to_settle": settle,
        "verdict_rule": VERDICT_RULE,
    }
    result["explanation"] = explain(result, label or intervention.replace("_", " "), enough)
    result["disclaimer"] = DISCLAIMER
    return result


def _percent(x: float) -> str:
    if x > 0.99:
        return "over 99%"
    if x < 0.01:
        return "under 1%"
    return f"{round(100 * x)}%"


def _cramps(n: int) -> str:
    return f"{n} cramp" if n == 1 else f"{n} cramps"


def explain(result: dict[str, Any], label: str, enough: bool) -> str:
    """The result in words a layperson can follow."""
    n_on, n_off = result["nights_on"], result["nights_off"]
    k_on, k_off = result["episodes_on"], result["episodes_off"]
    if not enough:
        return (
            f"Too early to tell: so far {n_on} nights with {label} and {n_off} without. Keep following the "
            "schedule and recording every cramp, including nights without any."
        )
    parts = [
        f"On the {n_on} nights with {label} you had {_cramps(k_on)} ({k_on / n_on:.2f} a night); "
        f"on the {n_off} nights without it, {k_off} ({k_off / n_off:.2f} a night)."
    ]
    ratio, ci, prob = result["rate_ratio"], result["ci95"], result["prob_benefit"]
    if ratio is not None:
        change = "fewer" if ratio < 1 else "more"
        parts.append(
            f"That is {round(100 * abs(1 - ratio))}% {change} cramps with it; allowing for chance, the true "
            f"ratio is probably between {ci[0]:.2f} and {ci[1]:.2f} (1 means no difference)."
        )
    parts.append(f"The chance that {label} lowers your cramps is about {_percent(prob)}.")
    verdict = result["verdict"]
    if verdict == "likely_helps":
        parts.append(f"Verdict: {label} likely helps you.")
    elif verdict == "likely_harms":
        parts.append(f"Verdict: your cramps were likely worse with {label}.")
    elif verdict == "likely_no_effect":
        parts.append(f"Verdict: {label} likely makes little or no difference for you.")
    else:
        weeks = result.get("weeks_to_settle")
        more = (
            f"About {weeks} more weeks on the same schedule would likely settle it."
            if weeks
            else "Even several more months might not settle it: the difference, if any, is small."
        )
        parts.append(f"Verdict: not clear yet. {more}")
    return " ".join(parts)
