"""A readable, colourful summary of an assessment for the terminal (``--format text``).

Colour is never the only signal: the triage level is spelled out and evidence grades have words.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from crampcare.assess.models import AssessmentResult
from crampcare.i18n import translator
from crampcare.i18n.labels import condition_label, feature_label, test_label
from crampcare.knowledge import load

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold black on yellow",
    "routine": "bold white on blue",
    "self_care": "bold black on green",
}
LEVEL_LABEL = {
    "emergency": "EMERGENCY: call the emergency number now",
    "urgent": "URGENT: be seen today",
    "routine": "ROUTINE: book a GP appointment",
    "self_care": "SELF-CARE: look after it at home",
}
GRADE_LABEL = {
    "recommended": "Recommended",
    "possibly_helpful": "Possibly helpful",
    "insufficient_evidence": "Insufficient evidence",
    "not_recommended": "Not recommended",
}
GRADE_STYLE = {
    "recommended": "green",
    "possibly_helpful": "cyan",
    "insufficient_evidence": "yellow",
    "not_recommended": "red",
}


def render(
    result: AssessmentResult, lang: str = "en", title: str | None = None, console: Console | None = None
) -> None:
    tr = translator(lang)
    kb = load()
    out = console or Console(emoji=False, highlight=False)
    level = result.triage.level
    heading = tr(LEVEL_LABEL[level]) + (f"  {title}" if title else "")
    out.print(
        Panel(
            "\n".join(f"- {escape(r)}" for r in result.triage.reasons),
            title=heading,
            style=LEVEL_STYLE[level],
        )
    )
    if result.red_flags:
        out.print(f"[bold red]{tr('Warning signs')}[/]")
        for flag in result.red_flags:
            out.print(f"  [red]![/] {escape(flag.message)}")
    if result.differential:
        table = Table(title=tr("What it could be"), show_lines=False)
        table.add_column(tr("Condition"))
        table.add_column(tr("Likelihood"), justify="right")
        table.add_column(tr("For"))
        table.add_column(tr("Against"))
        for d in result.differential:
            table.add_row(
                escape(condition_label(kb, d.condition, tr)),
                f"{d.probability:.0%}",
                escape("; ".join(feature_label(kb, f, tr) for f in d.supporting)),
                escape("; ".join(feature_label(kb, f, tr) for f in d.against)),
            )
        out.print(table)
    if result.contributing_factors:
        out.print(f"[bold]{tr('What may contribute')}[/]")
        for f in result.contributing_factors:
            out.print(f"  - {escape(f.id)}: {escape(f.detail)}")
    if result.medication_review:
        out.print(f"[bold]{tr('Your medicines')}[/]")
        for m in result.medication_review:
            mark = {"known": "[red]*[/]", "possible": "[yellow]?[/]", "none": " "}[m.cramp_association]
            out.print(f"  {mark} {escape(m.input)} -> {escape(m.ingredient)}: {escape(m.note)}")
    if result.unrecognised_medications:
        unknown = escape(", ".join(result.unrecognised_medications))
        out.print(f"  {tr('Not recognised (ask a pharmacist)')}: {unknown}")
    if result.recommendations:
        out.print(f"[bold]{tr('What to do')}[/]")
        for r in result.recommendations:
            badge = f"[{GRADE_STYLE[r.evidence]}][{tr(GRADE_LABEL[r.evidence])}][/]"
            out.print(f"  {badge} {escape(r.text)} [dim]({escape(', '.join(r.sources))})[/]")
    if result.tests_to_discuss:
        out.print(f"[bold]{tr('Tests to discuss with your doctor')}[/]")
        for t in result.tests_to_discuss:
            out.print(f"  - {escape(test_label(kb, t.test, tr))}: {escape(t.reason)}")
    out.print(f"[dim]{escape(result.disclaimer)}[/]")
