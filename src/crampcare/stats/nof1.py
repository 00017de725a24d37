"""Analysis of an N-of-1 experiment on cramp counts (one count per night), with the pair as the unit.

Method (docs/nof1.md has the long version and the simulated operating characteristics):

- **Unit of analysis: the pair of blocks.** Cramps cluster in bad weeks (week-to-week variation of
  the nightly rate) and bad spells (nights are autocorrelated), so nights are not independent and a
  night-level model is too sure of itself (issue 15: 9-14% false "likely helps" instead of 5%). Each
  *complete* pair j (both its blocks over) gives one number, its log rate ratio
  ``d_j = log((k_on + 0.5) / n_on) - log((k_off + 0.5) / n_off)``; whatever varies from week to
  week is in the spread of the d_j.
- **Random-effects model of the pairs**: ``d_j ~ N(log RR, v_j + tau^2)``. The variance of one pair
  is estimated by the sample variance of the d_j, but never below the Poisson variance
  ``mean(1/(k_on + 0.5) + 1/(k_off + 0.5))`` (tau^2 >= 0: pairs cannot agree better than chance
  allows; this also keeps a diary without cramps from looking certain). The 95% interval of the rate
  ratio is ``exp(mean d +- t_{0.975, m-1} * se)``; ``prob_benefit`` is P(log RR < 0) under the
  matching t posterior (flat prior on log RR).
- **Randomisation test**: the statistic is the sum of the d_j; under "no effect" each pair's order
  was a fair coin, which flips the sign of its d_j, so the exact null distribution is all 2^m sign
  patterns (enumerated up to 12 pairs, Monte Carlo above). Two-sided. With m pairs the smallest
  possible p is 2 / 2^m: 0.25 for 3 pairs, 0.125 for 4, 0.0625 for 5, 0.03125 for 6.
- **Verdict rule** (``VERDICT_RULE``): one level (5%, two-sided) for the interval and the p-value, so
  the verdict, the interval and the p always tell the same story.
- **Per protocol**: where the day log says what was actually done, nights are regrouped by that
  (descriptive counts only: what people do is not randomised).
- **Weeks to settle**: for an inconclusive result, simulate further pairs from the current estimate
  and report the extra weeks after which the verdict would be conclusive in >= 80% of simulations.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

ALPHA = 0.05  # two-sided level of both the interval (95%) and the randomisation test
NO_EFFECT_LOW, NO_EFFECT_HIGH = 0.8, 1.25  # "no worthwhile effect": under 20% fewer, 25% more cramps
MIN_PAIRS = 2  # the spread of the pairs needs at least two of them
EXACT_MAX_PAIRS = 12
MONTE_CARLO_DRAWS = 20_000
SETTLE_POWER = 0.80
SETTLE_MAX_PAIRS = 12
SETTLE_SIMULATIONS = 400
VERDICTS = ("likely_helps", "likely_no_effect", "inconclusive", "likely_harms")

VERDICT_RULE = (
    f"The unit is the pair of blocks. inconclusive if fewer than {MIN_PAIRS} pairs are complete; "
    f"likely_helps if the 95% interval of the rate ratio lies wholly below 1 and the two-sided "
    f"randomisation p is at most {ALPHA}; likely_harms if the interval lies wholly above 1 and p is "
    f"at most {ALPHA}; likely_no_effect if the interval lies wholly between {NO_EFFECT_LOW:.2f} and "
    f"{NO_EFFECT_HIGH:.2f} (under 20% fewer and under 25% more cramps); inconclusive otherwise. A design "
    f"whose smallest possible p (2 / 2^pairs) is above {ALPHA} can never say likely_helps or likely_harms."
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


# --- the design ------------------------------------------------------------------------------------


def min_p_value(pairs: int) -> float:
    """The smallest two-sided randomisation p a design with ``pairs`` pairs can ever give."""
    return min(1.0, 2.0 / 2.0**pairs) if pairs > 0 else 1.0


def can_reach_verdict(pairs: int) -> bool:
    """Whether a design can ever say likely_helps or likely_harms (its smallest p is small enough)."""
    return pairs >= MIN_PAIRS and min_p_value(pairs) <= ALPHA


def min_pairs_for_verdict() -> int:
    return next(m for m in range(1, 64) if can_reach_verdict(m))


# --- the pair-level model (vectorised: leading axes are simulations) --------------------------------


def pair_log_ratios(k_on: Any, n_on: Any, k_off: Any, n_off: Any) -> tuple[FloatArray, FloatArray]:
    """Each pair's log rate ratio and its Poisson variance (0.5 keeps zero counts finite)."""
    k1, n1, k0, n0 = (np.asarray(v, dtype=np.float64) for v in (k_on, n_on, k_off, n_off))
    d = np.log((k1 + 0.5) / n1) - np.log((k0 + 0.5) / n0)
    v = 1.0 / (k1 + 0.5) + 1.0 / (k0 + 0.5)
    return d, v


def pair_model(d: Any, v: Any) -> dict[str, FloatArray]:
    """Estimate, 95% interval and P(benefit) from pair log ratios ``d`` (last axis: pairs, >= 2)."""
    d, v = np.asarray(d, dtype=np.float64), np.asarray(v, dtype=np.float64)
    m = d.shape[-1]
    mean = d.mean(axis=-1)
    poisson = v.mean(axis=-1)
    between = np.maximum(d.var(axis=-1, ddof=1) - poisson, 0.0)  # tau^2, method of moments
    var = poisson + between  # = max(sample variance, Poisson variance)
    se = np.sqrt(var / m)
    # t with m - 1 degrees of freedom (Hartung-Knapp style): conservative when the weeks hardly
    # differ, close to 95% when they do (simulated coverage in docs/nof1.md). A Satterthwaite df,
    # which treats the Poisson part as known, covered only 88-93% with large week-to-week swings.
    df = m - 1
    q = float(sps.t.ppf(1 - ALPHA / 2, df))
    return {
        "log_ratio": mean,
        "se": se,
        "low": np.exp(mean - q * se),
        "high": np.exp(mean + q * se),
        "prob_benefit": np.asarray(sps.t.cdf(-mean / se, df), dtype=np.float64),
    }


@cache
def _all_signs(m: int) -> FloatArray:
    return np.array(list(product((1.0, -1.0), repeat=m)))


def sign_flip_p(d: Any, seed: int = 0, draws: int = MONTE_CARLO_DRAWS) -> FloatArray:
    """Two-sided randomisation p of sum(d) over the pair-order coin flips (last axis: pairs)."""
    d = np.asarray(d, dtype=np.float64)
    m = d.shape[-1]
    if m <= EXACT_MAX_PAIRS:
        signs = _all_signs(m)
    else:
        signs = np.random.default_rng(seed).choice((1.0, -1.0), size=(draws, m))
        signs[0] = 1.0  # the observed order is one of the draws: p is never below 1/draws
    observed = np.abs(d.sum(axis=-1))
    null = np.abs(d @ signs.T)
    # A relative tolerance: sign patterns that give the same |sum| must count as ties.
    extreme = null >= observed[..., None] - 1e-9 * (1 + observed[..., None])
    return np.asarray(extreme.mean(axis=-1), dtype=np.float64)


def verdict_codes(low: Any, high: Any, p: Any) -> NDArray[np.str_]:
    """The verdict rule (``VERDICT_RULE``) for complete analyses of at least ``MIN_PAIRS`` pairs."""
    low, high, p = (np.asarray(x, dtype=np.float64) for x in (low, high, p))
    out = np.full(low.shape, "inconclusive", dtype=object)
    out[(low >= NO_EFFECT_LOW) & (high <= NO_EFFECT_HIGH)] = "likely_no_effect"
    out[(high < 1) & (p <= ALPHA)] = "likely_helps"
    out[(low > 1) & (p <= ALPHA)] = "likely_harms"
    return np.asarray(out, dtype=np.str_)


def verdict_of(low: float, high: float, p: float, pairs: int) -> str:
    """The verdict of one analysis (``pairs`` complete pairs)."""
    if pairs < MIN_PAIRS:
        return "inconclusive"
    return str(verdict_codes(low, high, p))


# --- one experiment ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """One pair of blocks: its order and what happened in each block."""

    pair: int
    on_first: bool
    nights_on: int
    episodes_on: int
    nights_off: int
    episodes_off: int
    complete: bool

    @property
    def rate_on(self) -> float | None:
        return self.episodes_on / self.nights_on if self.nights_on else None

    @property
    def rate_off(self) -> float | None:
        return self.episodes_off / self.nights_off if self.nights_off else None


def periods_of(nights: Sequence[NightObservation], block_nights: int) -> list[Period]:
    """Per pair: totals by schedule; complete when both blocks have all their analysed nights."""
    by_pair: dict[int, list[NightObservation]] = {}
    for n in sorted(nights, key=lambda n: n.date):
        by_pair.setdefault(n.pair, []).append(n)
    out = []
    for pair, group in sorted(by_pair.items()):
        on = [n for n in group if n.on]
        off = [n for n in group if not n.on]
        out.append(
            Period(
                pair=pair,
                on_first=group[0].on,
                nights_on=len(on),
                episodes_on=sum(n.count for n in on),
                nights_off=len(off),
                episodes_off=sum(n.count for n in off),
                complete=len(on) >= block_nights and len(off) >= block_nights,
            )
        )
    return out


def model_of(periods: Sequence[Period], seed: int = 0) -> dict[str, Any] | None:
    """The pair model and randomisation p over the complete pairs, or None if there are too few."""
    done = [p for p in periods if p.complete]
    if len(done) < MIN_PAIRS:
        return None
    d, v = pair_log_ratios(
        [p.episodes_on for p in done],
        [p.nights_on for p in done],
        [p.episodes_off for p in done],
        [p.nights_off for p in done],
    )
    fit = pair_model(d, v)
    p_value = float(sign_flip_p(d, seed))
    low, high = float(fit["low"]), float(fit["high"])
    return {
        "pairs": len(done),
        "ratio": math.exp(float(fit["log_ratio"])),
        "low": low,
        "high": high,
        "prob_benefit": float(fit["prob_benefit"]),
        "p_value": p_value,
        "verdict": verdict_of(low, high, p_value, len(done)),
    }


def why_inconclusive(model: dict[str, Any] | None, planned_pairs: int | None) -> str | None:
    """A code for why an analysis is inconclusive (None when it is not): explained in words later."""
    if model is None:
        return "too_few_pairs_so_far"
    if model["verdict"] != "inconclusive":
        return None
    if planned_pairs is not None and not can_reach_verdict(planned_pairs):
        return "design_cannot_reach_verdict"
    if not can_reach_verdict(model["pairs"]):
        return "more_pairs_needed"
    if model["p_value"] > ALPHA and (model["high"] < 1 or model["low"] > 1):
        return "p_above_threshold"
    if model["p_value"] <= ALPHA:
        return "interval_includes_no_difference"
    return "interval_too_wide"


def weeks_to_settle(
    periods: Sequence[Period], block_nights: int, block_days: int, seed: int = 0
) -> int | None:
    """Extra weeks after which the verdict is conclusive in >= 80% of simulated futures, or None."""
    done = [p for p in periods if p.complete]
    if not done:
        return None
    rng = np.random.default_rng(seed)
    k_on = np.array([p.episodes_on for p in done], dtype=np.float64)
    k_off = np.array([p.episodes_off for p in done], dtype=np.float64)
    n_on = np.array([p.nights_on for p in done], dtype=np.float64)
    n_off = np.array([p.nights_off for p in done], dtype=np.float64)
    d, v = pair_log_ratios(k_on, n_on, k_off, n_off)
    spread = math.sqrt(max(float(d.var(ddof=1)) if len(d) > 1 else 0.0, float(v.mean())))
    # Future pairs: the effect drawn around today's estimate, the off-rate from today's off nights.
    effect = rng.normal(float(d.mean()), spread / math.sqrt(len(d)), size=SETTLE_SIMULATIONS)
    rate_off = (k_off.sum() + 0.5) / n_off.sum()
    week_sd = math.sqrt(max(spread**2 - float(v.mean()), 0.0) / 2)
    base_d = np.broadcast_to(d, (SETTLE_SIMULATIONS, len(d)))
    base_v = np.broadcast_to(v, (SETTLE_SIMULATIONS, len(d)))
    extra_d, extra_v = np.empty((SETTLE_SIMULATIONS, 0)), np.empty((SETTLE_SIMULATIONS, 0))
    for extra_pairs in range(1, SETTLE_MAX_PAIRS + 1):
        size = (SETTLE_SIMULATIONS, 1)
        mu_off = rate_off * block_nights * np.exp(rng.normal(0, week_sd, size))
        mu_on = rate_off * block_nights * np.exp(effect[:, None] + rng.normal(0, week_sd, size))
        d1, v1 = pair_log_ratios(rng.poisson(mu_on), block_nights, rng.poisson(mu_off), block_nights)
        extra_d, extra_v = np.hstack([extra_d, d1]), np.hstack([extra_v, v1])
        all_d, all_v = np.hstack([base_d, extra_d]), np.hstack([base_v, extra_v])
        fit = pair_model(all_d, all_v)
        verdicts = verdict_codes(fit["low"], fit["high"], sign_flip_p(all_d, seed, draws=2000))
        if np.mean(verdicts != "inconclusive") >= SETTLE_POWER:
            return math.ceil(extra_pairs * 2 * block_days / 7)
    return None


def _sig(value: float) -> float:
    """Three significant digits (a smallest p of 2 / 2^20 must not print as 0)."""
    return float(f"{value:.3g}")


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


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


def _counts_dict(counts: Counts) -> dict[str, Any]:
    return {
        "nights_on": counts.nights_on,
        "nights_off": counts.nights_off,
        "episodes_on": counts.episodes_on,
        "episodes_off": counts.episodes_off,
        "rate_ratio": _round(counts.rate_ratio, 3),
    }


def analyze(
    nights: Sequence[NightObservation],
    *,
    intervention: str,
    block_days: int,
    washout_days: int = 0,
    planned_pairs: int | None = None,
    label: str | None = None,
    seed: int = 0,
    estimate_weeks: bool = True,
    lang: str = "en",
) -> dict[str, Any]:
    """The full result: the spec's fields (by schedule, pair model) plus periods, adherence, words.

    ``nights_on`` ... ``rate_ratio`` describe every analysed night so far; ``ci95``, ``prob_benefit``,
    ``p_value`` and ``verdict`` come from the complete pairs (``pairs_analysed``) only.
    """
    block_nights = block_days - washout_days
    periods = periods_of(nights, block_nights)
    model = model_of(periods, seed)
    verdict = model["verdict"] if model else "inconclusive"
    reason = why_inconclusive(model, planned_pairs)
    recorded = [n for n in nights if n.done is not None]
    per_protocol = _counts_dict(counts_of(recorded, by_done=True)) if recorded else None
    settle = None
    if verdict == "inconclusive" and estimate_weeks and reason != "design_cannot_reach_verdict":
        settle = weeks_to_settle(periods, block_nights, block_days, seed)
    pairs_done = model["pairs"] if model else sum(p.complete for p in periods)
    result: dict[str, Any] = {
        "intervention": intervention,
        **_counts_dict(counts_of(nights)),
        "ci95": [_round(model["low"], 3), _round(model["high"], 3)] if model else None,
        "prob_benefit": _round(model["prob_benefit"], 3) if model else None,
        "p_value": _round(model["p_value"], 4) if model else None,
        "verdict": verdict,
        "rate_ratio_model": _round(model["ratio"], 3) if model else None,
        "inconclusive_reason": reason,
        "pairs_analysed": pairs_done,
        "pairs_planned": planned_pairs,
        "min_p_value": _sig(min_p_value(pairs_done)),
        "min_p_value_planned": None if planned_pairs is None else _sig(min_p_value(planned_pairs)),
        "alpha": ALPHA,
        "no_effect_band": [NO_EFFECT_LOW, NO_EFFECT_HIGH],
        "periods": [
            {
                "pair": p.pair + 1,
                "order": "on_first" if p.on_first else "off_first",
                "nights_on": p.nights_on,
                "episodes_on": p.episodes_on,
                "nights_off": p.nights_off,
                "episodes_off": p.episodes_off,
                "complete": p.complete,
            }
            for p in periods
        ],
        "per_protocol": per_protocol,
        "adherence": _adherence(nights),
        "weeks_to_settle": settle,
        "verdict_rule": VERDICT_RULE,
    }
    from crampcare.stats.nof1_words import disclaimer, explain

    result["explanation"] = explain(result, label or intervention.replace("_", " "), lang)
    result["disclaimer"] = disclaimer(lang)
    return result
