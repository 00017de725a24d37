"""An N-of-1 result in plain words, in English or Russian (through the i18n catalogue).

Every sentence is a whole ``tr("...")`` literal with named placeholders, so that the extractor
finds it and a translator sees the full sentence; numbers are formatted per language (decimal comma
in Russian). No code or key of the result ever reaches the text.
"""

from __future__ import annotations

from typing import Any

from crampcare.i18n import Translator, ntr, translator
from crampcare.stats.nof1 import ALPHA, NO_EFFECT_HIGH, NO_EFFECT_LOW, min_pairs_for_verdict


def number(value: float, digits: int, lang: str) -> str:
    """``value`` with exactly ``digits`` decimals, written as the language writes numbers (Babel)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=lang))


def significant(value: float, lang: str) -> str:
    """Three significant digits (0.25, 0.125, 0.0312), with a decimal comma in Russian."""
    text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "ru" else text


def percent(x: float, lang: str) -> str:
    if x > 0.99:
        return "> 99%"
    if x < 0.01:
        return "< 1%"
    return f"{round(100 * x)}%"


def disclaimer(lang: str = "en") -> str:
    tr = translator(lang)
    return tr(
        "This is a self-run experiment on one person, not a clinical study. It says what happened to you "
        "during these weeks; talk to a clinician before changing a prescribed medicine."
    )


def limits(lang: str = "en") -> str:
    """What one person's trial can and cannot say (CENT: limitations)."""
    tr = translator(lang)
    return tr(
        "What this cannot say: the result is about you, in these weeks, and only about doing it as you "
        "did. Cramps come and go for reasons of their own, so a small effect can hide in a short trial, "
        "and a run of good or bad weeks can look like an effect; the randomised order and the test allow "
        "for that, but cannot remove it. Nobody was blinded: knowing what you did can change how you "
        "sleep and what you record. An effect that lasts beyond its own nights blurs the comparison."
    )


def _verdict_sentence(r: dict[str, Any], label: str, lang: str, tr: Translator) -> str:
    verdict = r["verdict"]
    alpha = number(ALPHA, 2, lang)
    if verdict == "likely_helps":
        return tr(
            "Verdict: {label} likely helps you: the whole interval is below 1 and p is at most {alpha}.",
            label=label,
            alpha=alpha,
        )
    if verdict == "likely_harms":
        return tr(
            "Verdict: your cramps were likely worse with {label}: the whole interval is above 1 and p is "
            "at most {alpha}.",
            label=label,
            alpha=alpha,
        )
    if verdict == "likely_no_effect":
        return tr(
            "Verdict: {label} likely makes little or no difference for you: the whole interval lies "
            "between {low} and {high}.",
            label=label,
            low=number(NO_EFFECT_LOW, 2, lang),
            high=number(NO_EFFECT_HIGH, 2, lang),
        )
    reason = r.get("inconclusive_reason")
    need = min_pairs_for_verdict()
    if reason == "design_cannot_reach_verdict":
        return ntr(
            "Verdict: not clear, and this schedule cannot make it clear: with {n} pair of blocks the "
            "smallest possible p is {min_p}, so it can never reach {alpha}. Pairs a schedule needs for a "
            "verdict: at least {need}.",
            "Verdict: not clear, and this schedule cannot make it clear: with {n} pairs of blocks the "
            "smallest possible p is {min_p}, so it can never reach {alpha}. Pairs a schedule needs for a "
            "verdict: at least {need}.",
            r["pairs_planned"],
            tr,
            min_p=significant(r["min_p_value_planned"], lang),
            alpha=alpha,
            need=need,
        )
    if reason == "more_pairs_needed":
        text = ntr(
            "Verdict: not clear yet: with {n} complete pair the smallest possible p is {min_p}; complete "
            "pairs needed before p can reach {alpha}: at least {need}.",
            "Verdict: not clear yet: with {n} complete pairs the smallest possible p is {min_p}; complete "
            "pairs needed before p can reach {alpha}: at least {need}.",
            r["pairs_analysed"],
            tr,
            min_p=significant(r["min_p_value"], lang),
            need=need,
            alpha=alpha,
        )
    elif reason == "p_above_threshold":
        text = tr(
            "Verdict: not clear: the interval leans one way, but p is above {alpha}, so the luck of the "
            "draw could explain the difference.",
            alpha=alpha,
        )
    elif reason == "interval_includes_no_difference":
        text = tr(
            "Verdict: not clear yet: p is at most {alpha}, but the interval, which also allows for weeks "
            "that are better or worse anyway, still includes no difference.",
            alpha=alpha,
        )
    else:
        text = tr("Verdict: not clear: the interval is too wide to tell a useful effect from none.")
    weeks = r.get("weeks_to_settle")
    if weeks:
        return (
            text
            + " "
            + ntr(
                "About {n} more week on the same schedule would likely settle it.",
                "About {n} more weeks on the same schedule would likely settle it.",
                weeks,
                tr,
            )
        )
    return text + " " + tr("Even several more months might not settle it: the difference, if any, is small.")


def _cramps_in_nights(tr: Translator, cramps: int, nights: int) -> str:
    """ "3 cramps in 1 night": each count agrees with its own noun (Russian "21 судорога за 5 ночей")."""
    return tr(
        "{cramps} in {nights}",
        cramps=ntr("{n} cramp", "{n} cramps", cramps, tr),
        nights=ntr("{n} night", "{n} nights", nights, tr),
    )


def explain(r: dict[str, Any], label: str, lang: str = "en") -> str:
    """The result in words a layperson can follow."""
    tr = translator(lang)
    n_on, n_off, k_on, k_off = r["nights_on"], r["nights_off"], r["episodes_on"], r["episodes_off"]
    if r["ci95"] is None:
        text = tr(
            "Too early to tell: complete pairs of blocks so far: {done}; the analysis needs at least 2. "
            "So far: with {label}, {with_it}; without it, {without_it}. Keep following the schedule and "
            "recording every cramp, including nights without any.",
            done=r["pairs_analysed"],
            label=label,
            with_it=_cramps_in_nights(tr, k_on, n_on),
            without_it=_cramps_in_nights(tr, k_off, n_off),
        )
        if r.get("inconclusive_reason") == "too_few_pairs_so_far" and r.get("pairs_planned") is not None:
            from crampcare.stats.nof1 import can_reach_verdict

            if not can_reach_verdict(r["pairs_planned"]):
                text += " " + _verdict_sentence(
                    {**r, "verdict": "inconclusive", "inconclusive_reason": "design_cannot_reach_verdict"},
                    label,
                    lang,
                    tr,
                )
        return text
    parts = [
        tr(
            "Cramps recorded with {label}: {with_it} ({rate_on} a night); without it: {without_it} "
            "({rate_off} a night).",
            label=label,
            with_it=_cramps_in_nights(tr, k_on, n_on),
            rate_on=number(k_on / n_on, 2, lang),
            without_it=_cramps_in_nights(tr, k_off, n_off),
            rate_off=number(k_off / n_off, 2, lang),
        )
    ]
    ratio = r["rate_ratio_model"]
    low, high = r["ci95"]
    change = round(100 * abs(1 - ratio))
    compare = dict(
        pairs=ntr("{n} complete pair", "{n} complete pairs", r["pairs_analysed"], tr),
        pct=change,
        ratio=number(ratio, 2, lang),
        low=number(low, 2, lang),
        high=number(high, 2, lang),
    )
    if ratio < 1:
        parts.append(
            tr(
                "Comparing the two blocks of each pair ({pairs}), you had about {pct}% fewer "
                "cramps with it (a ratio of {ratio}); allowing for chance and for weeks that are better or "
                "worse anyway, the true ratio is probably between {low} and {high} (1 means no difference).",
                **compare,
            )
        )
    else:
        parts.append(
            tr(
                "Comparing the two blocks of each pair ({pairs}), you had about {pct}% more "
                "cramps with it (a ratio of {ratio}); allowing for chance and for weeks that are better or "
                "worse anyway, the true ratio is probably between {low} and {high} (1 means no difference).",
                **compare,
            )
        )
    parts.append(
        tr(
            "If it made no difference at all, the luck of the coin flips that ordered the blocks would give "
            "a difference at least this large in {share} of schedules (randomisation test, p = {p}).",
            share=percent(r["p_value"], lang),
            p=number(r["p_value"], 3, lang),
        )
    )
    parts.append(_verdict_sentence(r, label, lang, tr))
    return " ".join(parts)
