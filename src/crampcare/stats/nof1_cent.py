"""CENT-style report of one N-of-1 experiment, and the plan before it, in English or Russian.

One pure function per piece, shared by every shell: the CLI (``experiment analyze`` and
``experiment plan``), the web experiment page and wizard, and the doctor report (HTML and PDF).
Each returns plain texts and numbers (no markup), so a shell only lays them out: the design
diagram (blocks in order, with and without, washout nights), per-period results, adherence, the
effect in words, and the limits of one person's trial (CENT 2015 items 13-22).
"""

from __future__ import annotations

from typing import Any

from crampcare.i18n import ntr, translator
from crampcare.stats.nof1 import ALPHA, can_reach_verdict, min_p_value
from crampcare.stats.nof1_words import disclaimer, limits, number, significant


def design_line(periods: list[dict[str, Any]], on: str, off: str) -> str:
    """One line of blocks, e.g. ``ON off | off ON | ON off``."""
    return " | ".join(f"{on} {off}" if p["order"] == "on_first" else f"{off} {on}" for p in periods)


def per_night(k: int, n: int, lang: str) -> str:
    """Cramps a night, two decimals ("-" before any night is counted)."""
    return number(k / n, 2, lang) if n else "-"


def imported_note(lang: str) -> str:
    tr = translator(lang)
    return tr(
        "Imported: this experiment was run elsewhere, so crampcare did not draw its schedule and cannot "
        "vouch that it was drawn before the results were known."
    )


def adherence_text(r: dict[str, Any], lang: str, done_known: bool) -> str:
    """How often the schedule was followed, from the day log (CENT: adherence)."""
    tr = translator(lang)
    a = r.get("adherence") or {}
    if not done_known:
        return tr(
            "Adherence: the day log has no entry for this, so whether each night went as planned is not "
            "known; the result compares nights as scheduled."
        )
    if not a.get("nights_recorded"):
        return tr(
            "Adherence: no day log was kept on these nights, so it is not known whether they went as planned."
        )
    # each count agrees with its own noun, so each half is its own plural message
    with_it = ntr(
        "{done} of {n} recorded night meant to be with it",
        "{done} of {n} recorded nights meant to be with it",
        a["on_nights_recorded"],
        tr,
        done=a["done_on_on_nights"],
    )
    without_it = ntr(
        "{done} of {n} recorded night meant to be without it",
        "{done} of {n} recorded nights meant to be without it",
        a["off_nights_recorded"],
        tr,
        done=a["done_on_off_nights"],
    )
    return tr(
        "Adherence (from the day log): done on {with_it}, and on {without_it}. The result compares nights "
        "as scheduled.",
        with_it=with_it,
        without_it=without_it,
    )


def _block_result(r: dict[str, Any], pair: int, on: bool, lang: str) -> tuple[str, str | None]:
    """(cramps in this block so far in words, cramps a night) from the pair's period, if any."""
    tr = translator(lang)
    period = next((p for p in r.get("periods") or [] if p["pair"] == pair), None)
    if period is None:
        return tr("not started yet"), None
    k, n = (
        (period["episodes_on"], period["nights_on"]) if on else (period["episodes_off"], period["nights_off"])
    )
    if not n:
        return tr("not started yet"), None
    rate = per_night(k, n, lang)
    counted = tr(
        "{cramps} in {nights}",
        cramps=ntr("{n} cramp", "{n} cramps", k, tr),
        nights=ntr("{n} night", "{n} nights", n, tr),
    )
    return tr("{counted} ({rate} a night)", counted=counted, rate=rate), rate


def design_blocks(r: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The design diagram: every block in order (from ``r['blocks']``), with and without, washout
    nights, and the cramps counted in it so far; ``text`` describes the block in one sentence."""
    tr = translator(lang)
    washout = int(r.get("washout_days") or 0)
    out = []
    for index, b in enumerate(r.get("blocks") or [], start=1):
        counted, rate = _block_result(r, b["pair"], b["on"], lang)
        what = tr("with it") if b["on"] else tr("without it")
        text = tr(
            "Block {block} (pair {pair}), {start} to {end}: {what}.",
            block=index,
            pair=b["pair"],
            start=b["start"],
            end=b["end"],
            what=what,
        )
        if washout:
            text += " " + ntr(
                "Its first {n} night is left out (the effect may linger).",
                "Its first {n} nights are left out (the effect may linger).",
                min(washout, b["nights"]),
                tr,
            )
        out.append(
            {
                "block": index,
                "pair": b["pair"],
                "on": b["on"],
                "what": what,
                "start": b["start"],
                "end": b["end"],
                "nights": b["nights"],
                "washout": min(washout, b["nights"]),
                "washout_text": ntr(
                    "first {n} night left out", "first {n} nights left out", min(washout, b["nights"]), tr
                )
                if washout
                else None,
                "counted": counted,
                "rate": rate,
                "text": text + " " + counted + ".",
            }
        )
    return out


def period_rows(r: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Per-period results: each pair's block with and block without, in words."""
    tr = translator(lang)
    return [
        {
            "pair": p["pair"],
            "with_it": ntr(
                "{k} in {n} night ({rate} a night)",
                "{k} in {n} nights ({rate} a night)",
                p["nights_on"],
                tr,
                k=p["episodes_on"],
                rate=per_night(p["episodes_on"], p["nights_on"], lang),
            ),
            "without_it": ntr(
                "{k} in {n} night ({rate} a night)",
                "{k} in {n} nights ({rate} a night)",
                p["nights_off"],
                tr,
                k=p["episodes_off"],
                rate=per_night(p["episodes_off"], p["nights_off"], lang),
            ),
            "complete": tr("yes") if p["complete"] else tr("not yet"),
        }
        for p in r.get("periods") or []
    ]


def cent_report(r: dict[str, Any], lang: str, done_known: bool) -> dict[str, Any]:
    """Everything a CENT-style report shows, as texts in ``lang`` (``r``: ``analyze_experiment``'s
    result computed in the same language, so that its ``explanation`` matches)."""
    tr = translator(lang)
    planned = r.get("pairs_planned")
    pairs = planned if planned is not None else len(r.get("periods") or [])
    washout = r.get("nights_washout") or 0
    return {
        "imported": imported_note(lang) if r.get("imported") else None,
        "design": ntr(
            "Design: {n} pair of blocks; in each pair the order was drawn at random (a coin flip).",
            "Design: {n} pairs of blocks; in each pair the order was drawn at random (a coin flip).",
            pairs,
            tr,
        ),
        "on": tr("ON"),
        "off": tr("off"),
        "legend": tr("{on}: nights with it; {off}: nights without it.", on=tr("ON"), off=tr("off")),
        "washout": tr(
            "Nights left out at the start of blocks (the effect may linger): {n}.",
            n=washout,
        )
        if washout
        else None,
        "blocks": design_blocks(r, lang),
        "diagram_label": tr("The schedule, block by block"),
        "periods_title": tr("Results pair by pair"),
        "columns": [tr("pair"), tr("with it"), tr("without it"), tr("complete")],
        "periods": period_rows(r, lang),
        "adherence": adherence_text(r, lang, done_known),
        "effect": r["explanation"],
        "limits": limits(lang),
        "disclaimer": disclaimer(lang),
    }


# --- Design before data ----------------------------------------------------------------------------


def _percent(x: float) -> str:
    return f"{round(100 * x)}%"


def plan_report(plan: dict[str, Any], label: str, lang: str) -> dict[str, Any]:
    """``experiment plan`` in words: the baseline, the assumptions, one row per design, and the
    smallest possible p by number of pairs."""
    tr = translator(lang)
    rate = number(plan["baseline_rate"], 2, lang)
    source = plan.get("baseline_source", "given")
    if source == "diary":
        baseline = tr("your diary's last 8 weeks: {rate} cramps a night", rate=rate)
    elif source == "typical":
        baseline = tr(
            "a typical value, {rate} cramps a night (your diary has too few nights to use)", rate=rate
        )
    else:
        baseline = tr("as given: {rate} cramps a night", rate=rate)
    rows = []
    for d in plan["designs"]:
        found = d["pairs"] is not None and d["power"] is not None
        ratio = d["rate_ratio"]
        rows.append(
            {
                "block_days": str(d["block_days"]),
                "washout": str(d["washout_days"]),
                "effect": tr(
                    "{ratio} ({pct}% fewer)", ratio=number(ratio, 2, lang), pct=round(100 * (1 - ratio))
                ),
                "pairs": str(d["pairs"]) if found else tr("more than {n}", n=26),
                "weeks": f"{d['weeks']:.0f}" if found else "-",
                "power": _percent(d["power"])
                if found
                else tr("under {pct}", pct=_percent(plan["target_power"])),
                "min_p": significant(d["min_p_value"], lang) if found else "-",
                "reaches_target": found and d["power"] >= plan["target_power"],
            }
        )
    smallest = []
    for m in range(2, 9):
        p = significant(min_p_value(m), lang)
        smallest.append(p if can_reach_verdict(m) else tr("{p} (never a verdict)", p=p))
    return {
        "heading": tr("Planning {label}. Cramps without it: {baseline}.", label=label, baseline=baseline),
        "assumptions": tr(
            "Assumed: cramps vary from week to week (SD {sd} on the log scale); the verdict needs p at "
            "most {alpha} and a 95% interval wholly below 1; power is the chance of 'likely helps' when "
            "the effect is real (target {target}).",
            sd=number(plan["week_sd"], 1, lang),
            alpha=number(ALPHA, 2, lang),
            target=_percent(plan["target_power"]),
        ),
        "title": tr("Designs"),
        "columns": [
            tr("nights a block"),
            tr("washout"),
            tr("effect (rate ratio)"),
            tr("pairs"),
            tr("weeks"),
            tr("power"),
            tr("smallest p"),
        ],
        "rows": rows,
        "smallest_title": tr(
            "Smallest possible randomisation p by number of pairs (a verdict needs it at most {alpha}):",
            alpha=number(ALPHA, 2, lang),
        ),
        "smallest": [f"{m}: {text}" for m, text in zip(range(2, 9), smallest, strict=True)],
    }


def chosen_design_text(plan: dict[str, Any], lang: str) -> str:
    """The power of the one design chosen (``nof1_power.plan(base, block_days, pairs)``)."""
    tr = translator(lang)
    by_effect = {d["rate_ratio"]: d for d in plan["designs"]}
    small, large = by_effect[0.72], by_effect[0.5]
    return tr(
        "Your design, {pairs} pairs of {days} nights ({weeks} weeks): if it really cuts your cramps by "
        "28% (quinine's average effect), the chance of the verdict 'likely helps' is {small}; if it "
        "halves them, {large}. The smallest possible p is {min_p}.",
        pairs=small["pairs"],
        days=small["block_days"],
        weeks=f"{small['weeks']:.0f}",
        small=_percent(small["power"] or 0.0),
        large=_percent(large["power"] or 0.0),
        min_p=significant(small["min_p_value"], lang),
    )


def design_check_text(kind: str, values: dict[str, Any], label: str, lang: str) -> str:
    """A design warning (``experiments.service.design_checks``) in plain words."""
    tr = translator(lang)
    if kind == "no_verdict":
        need = values["need_pairs"]
        return tr(
            "This schedule cannot reach a verdict: with {pairs} pairs of blocks the smallest possible "
            "randomisation p is {min_p}, never {alpha} or less, so the answer can only be 'not clear'. "
            "With {need} pairs of {days} nights ({weeks} weeks) it can.",
            pairs=values["pairs"],
            min_p=significant(values["min_p"], lang),
            alpha=number(ALPHA, 2, lang),
            need=need,
            days=values["block_days"],
            weeks=round(2 * need * values["block_days"] / 7),
        )
    if kind == "washout_short":
        return tr(
            "The effect of {label} may linger about {carry} nights after a change, but only {washout} "
            "nights at the start of each block are left out: the blocks will blur into each other.",
            label=label,
            carry=values["carryover"],
            washout=values["washout_days"],
        )
    return tr(
        "The effect of {label} may linger about {carry} nights, as long as a whole block of {days} "
        "nights: choose blocks of {longer} nights or more.",
        label=label,
        carry=values["carryover"],
        days=values["block_days"],
        longer=2 * values["carryover"],
    )


def untestable_text(kind: str, label: str, lang: str) -> str:
    """Why an intervention cannot be tested on oneself (``experiments.service.untestable_kind``)."""
    tr = translator(lang)
    if kind == "not_nightly":
        return tr(
            "{label}: this is an action or a check-up, not something to switch on and off by night.",
            label=label,
        )
    if kind == "not_recommended_for_you":
        return tr(
            "{label}: not recommended for you in your latest assessment, so it cannot be tested on yourself.",
            label=label,
        )
    if kind == "not_recommended":
        return tr(
            "{label}: the evidence says it is not recommended, so it cannot be tested on yourself.",
            label=label,
        )
    return tr("This is not one of the things crampcare knows how to test.")


def overlap_text(label: str, start: str, end: str, lang: str) -> str:
    """Another experiment runs on some of the same nights."""
    tr = translator(lang)
    return tr(
        "Your experiment on {label} ({start} to {end}) runs on some of the same nights: the two results "
        "will be harder to tell apart.",
        label=label,
        start=start,
        end=end,
    )
