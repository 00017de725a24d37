"""Text output of ``experiment analyze`` (CENT-style: design, per-period results, adherence, effect
with interval and p, limits; English or Russian) and of ``experiment plan``."""

from __future__ import annotations

from typing import Any

from crampcare.i18n import ntr, translator
from crampcare.stats.nof1_words import limits, number


def design_line(periods: list[dict[str, Any]], on: str, off: str) -> str:
    """One line of blocks, e.g. ``ON off | off ON | ON off``."""
    return " | ".join(f"{on} {off}" if p["order"] == "on_first" else f"{off} {on}" for p in periods)


def _rate(k: int, n: int, lang: str) -> str:
    return number(k / n, 2, lang) if n else "-"


def print_result(r: dict[str, Any], lang: str, done_known: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    tr = translator(lang)
    console = Console()
    title = tr("Experiment {id}", id=r["id"])
    if r.get("imported"):
        title += " " + tr("(imported: run elsewhere; its schedule was not drawn by crampcare)")
    console.print(f"[bold]{escape(title)}[/bold]")
    planned = r.get("pairs_planned")
    periods = r.get("periods") or []
    console.print(
        ntr(
            "Design: {n} pair of blocks; in each pair the order was drawn at random (a coin flip).",
            "Design: {n} pairs of blocks; in each pair the order was drawn at random (a coin flip).",
            planned if planned is not None else len(periods),
            tr,
        )
    )
    if periods:
        on, off = tr("ON"), tr("off")
        console.print("  " + escape(design_line(periods, on, off)))
        console.print("  " + tr("{on}: nights with it; {off}: nights without it.", on=on, off=off))
    if r.get("nights_washout"):
        console.print(
            tr(
                "Nights left out at the start of blocks (the effect may linger): {n}.",
                n=r["nights_washout"],
            )
        )
    table = Table(title=tr("Results pair by pair"))
    for column in (tr("pair"), tr("with it"), tr("without it"), tr("complete")):
        table.add_column(column)
    for p in periods:
        table.add_row(
            str(p["pair"]),
            ntr(
                "{k} in {n} night ({rate} a night)",
                "{k} in {n} nights ({rate} a night)",
                p["nights_on"],
                tr,
                k=p["episodes_on"],
                rate=_rate(p["episodes_on"], p["nights_on"], lang),
            ),
            ntr(
                "{k} in {n} night ({rate} a night)",
                "{k} in {n} nights ({rate} a night)",
                p["nights_off"],
                tr,
                k=p["episodes_off"],
                rate=_rate(p["episodes_off"], p["nights_off"], lang),
            ),
            tr("yes") if p["complete"] else tr("not yet"),
        )
    console.print(table)
    console.print(escape(adherence_text(r, lang, done_known)))
    console.print(f"[bold]{escape(r['explanation'])}[/bold]")
    console.print(escape(limits(lang)))
    console.print(f"[dim]{escape(r['disclaimer'])}[/dim]")


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


def print_plan(plan: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from crampcare.stats.nof1 import ALPHA, min_p_value

    console = Console()
    rate = plan["baseline_rate"]
    source = {
        "diary": f"your diary's last 8 weeks: {rate:.2f} cramps a night",
        "given": f"as given: {rate:.2f} cramps a night",
        "typical": f"a typical value, {rate:.2f} cramps a night (your diary has too few nights to use)",
    }[plan["baseline_source"]]
    console.print(f"Planning {plan['intervention']}. Cramps without it: {source}.")
    console.print(
        f"Assumed: cramps vary from week to week (SD {plan['week_sd']} on the log scale); the verdict "
        f"needs p <= {ALPHA} and a 95% interval wholly below 1; power = the chance of 'likely helps' when "
        f"the effect is real (target {plan['target_power']:.0%})."
    )
    table = Table(title="Designs")
    for column in (
        "nights a block",
        "washout",
        "effect (rate ratio)",
        "pairs",
        "weeks",
        "power",
        "smallest p",
    ):
        table.add_column(column)
    for d in plan["designs"]:
        found = d["pairs"] is not None and d["power"] is not None
        table.add_row(
            str(d["block_days"]),
            str(d["washout_days"]),
            f"{d['rate_ratio']:.2f} ({round(100 * (1 - d['rate_ratio']))}% fewer)",
            str(d["pairs"]) if found else "more than 26",
            f"{d['weeks']:.0f}" if found else "-",
            f"{d['power']:.0%}" if found else "under 80%",
            f"{d['min_p_value']:.3g}" if found else "-",
        )
    console.print(table)
    console.print("Smallest possible randomisation p by number of pairs (a verdict needs it <= 0.05):")
    console.print(
        "  "
        + ", ".join(
            f"{m}: {min_p_value(m):.3g}{'' if min_p_value(m) <= ALPHA else ' (never a verdict)'}"
            for m in range(2, 9)
        )
    )
