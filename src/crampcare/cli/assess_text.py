"""A readable summary of an assessment for the terminal (``--format text``).

Written for someone frightened at 3 a.m.: the triage box and the things to do now come first, then
the rest (see :mod:`crampcare.present`). Colour is never the only signal: the triage level is
spelled out and evidence grades have words. No codes and no citation keys: references are numbered
and listed by a short name at the end.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from crampcare.assess.models import AssessmentInput, AssessmentResult
from crampcare.i18n import translator
from crampcare.present import Item, present

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold black on yellow",
    "routine": "bold white on blue",
    "self_care": "bold black on green",
}
GRADE_STYLE = {
    "recommended": "green",
    "possibly_helpful": "cyan",
    "insufficient_evidence": "yellow",
    "not_recommended": "red",
}


def _refs(item: Item) -> str:
    return f" [dim]\\[{', '.join(str(n) for n in item.refs)}][/]" if item.refs else ""


def render(
    result: AssessmentResult,
    lang: str = "en",
    title: str | None = None,
    console: Console | None = None,
    inp: AssessmentInput | None = None,
) -> None:
    tr = translator(lang)
    view = present(result, inp, lang)
    out = console or Console(emoji=False, highlight=False)
    heading = view.heading.upper() + (f"  {title}" if title else "")
    box = [f"- {escape(r)}" for r in view.reasons]
    if view.emergency_numbers:
        box.insert(0, escape(tr("Call {numbers} now.", numbers=view.emergency_numbers)))
    out.print(Panel("\n".join(box), title=escape(heading), style=LEVEL_STYLE[view.level]))
    if view.actions:
        out.print(f"[bold]{tr('What to do now')}[/]")
        for i, item in enumerate(view.actions, 1):
            out.print(f"  {i}. {escape(item.text)}{_refs(item)}")
    if view.warnings:
        out.print(f"[bold yellow]{tr('Please check your answers')}[/]")
        for w in view.warnings:
            out.print(f"  ! {escape(w)}")
    if view.why:
        out.print(f"[bold red]{tr('Warning signs')}[/]")
        for w in view.why:
            out.print(f"  [red]![/] {escape(w)}")
    out.print(f"[bold]{tr('What it could be')}[/]")
    if view.nothing_reported:
        out.print(f"  {escape(view.nothing_reported)}")
    for c in view.differential:
        out.print(f"  - {escape(c.name)}: [bold]{escape(c.likelihood)}[/]")
        if c.supporting:
            out.print(f"      {tr('Points towards it:')} {escape('; '.join(c.supporting))}")
        if c.against:
            out.print(f"      {tr('Points against it:')} {escape('; '.join(c.against))}")
    if view.factors:
        out.print(f"[bold]{tr('What may contribute')}[/]")
        for f in view.factors:
            out.print(f"  - {escape(f)}")
    if view.medicines or view.unrecognised:
        out.print(f"[bold]{tr('Your medicines')}[/]")
        for m in view.medicines:
            mark = {"known": "[red]*[/]", "possible": "[yellow]?[/]", "none": "-"}[m.association_code]
            name = f"{m.input} ({m.ingredient})" if m.ingredient else m.input
            out.print(f"  {mark} {escape(name)} - {escape(m.association)}. {escape(m.note)}")
        for name in view.unrecognised:
            unknown = tr("not recognised; ask your pharmacist whether it can cause cramps.")
            out.print(f"  ? {escape(name)}: {unknown}")
    if view.advice:
        out.print(f"[bold]{tr('Advice')}[/]")
        for item in view.advice:
            badge = f"[{GRADE_STYLE[item.grade_code]}]\\[{escape(item.grade)}][/]"
            out.print(f"  {badge} {escape(item.text)}{_refs(item)}")
    if view.tests:
        out.print(f"[bold]{tr('Tests to discuss with your doctor')}[/]")
        for name, reason in view.tests:
            out.print(f"  - {escape(name)}: {escape(reason)}")
    if view.sources:
        out.print(f"[bold]{tr('Sources')}[/]")
        for s in view.sources:
            out.print(f"  [dim]{s.number}. {escape(s.short)}[/]")
    out.print(f"[dim]{escape(view.disclaimer)}[/]")
