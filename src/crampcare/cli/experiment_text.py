"""Text output of ``experiment analyze`` (CENT-style: design, per-period results, adherence, effect
with interval and p, limits) and of ``experiment plan``, in English or Russian.

The wording is :mod:`crampcare.stats.nof1_cent` (shared with the web page and the doctor report);
this module only lays it out for a terminal.
"""

from __future__ import annotations

from typing import Any

from crampcare.i18n import translator
from crampcare.stats.nof1_cent import cent_report, design_line, plan_report


def print_result(r: dict[str, Any], lang: str, done_known: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    tr = translator(lang)
    view = cent_report(r, lang, done_known)
    console = Console()
    console.print(f"[bold]{escape(tr('Experiment {id}', id=r['id']))}[/bold]")
    if view["imported"]:
        console.print(escape(view["imported"]))
    console.print(escape(view["design"]))
    periods = r.get("periods") or []
    if periods:
        console.print("  " + escape(design_line(periods, view["on"], view["off"])))
        console.print("  " + escape(view["legend"]))
    if view["washout"]:
        console.print(escape(view["washout"]))
    table = Table(title=view["periods_title"])
    for column in view["columns"]:
        table.add_column(column)
    for row in view["periods"]:
        table.add_row(str(row["pair"]), row["with_it"], row["without_it"], row["complete"])
    console.print(table)
    console.print(escape(view["adherence"]))
    console.print(f"[bold]{escape(view['effect'])}[/bold]")
    console.print(escape(view["limits"]))
    console.print(f"[dim]{escape(view['disclaimer'])}[/dim]")


def print_plan(plan: dict[str, Any], label: str, lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    view = plan_report(plan, label, lang)
    console = Console()
    console.print(escape(view["heading"]))
    console.print(escape(view["assumptions"]))
    table = Table(title=view["title"])
    for column in view["columns"]:
        table.add_column(column)
    for row in view["rows"]:
        table.add_row(
            row["block_days"],
            row["washout"],
            row["effect"],
            row["pairs"],
            row["weeks"],
            row["power"],
            row["min_p"],
        )
    console.print(table)
    console.print(escape(view["smallest_title"]))
    console.print("  " + escape(", ".join(view["smallest"])))
