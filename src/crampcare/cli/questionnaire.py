"""The interactive questionnaire of ``crampcare assess`` on a terminal (Rich prompts).

It walks :func:`crampcare.assess.questions.questions` in order, skipping what does not apply.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.prompt import Confirm, FloatPrompt, IntPrompt, Prompt

from crampcare.assess.questions import Question, enabled, questions, to_input
from crampcare.i18n import Translator, translator
from crampcare.labels import code_label, option_section, vocabulary_label


def _label(code: str, tr: Translator) -> str:
    return vocabulary_label(code, tr, ("findings", "cramp_timing", "cramp_locations", "conditions"))


def _choose_one(q: Question, text: str, tr: Translator, console: Console) -> str | None:
    """Numbered, translated options; the answer is a number (or the code itself)."""
    section = option_section(q.link_id)
    console.print(f"[bold]{escape(text)}[/]")
    for i, code in enumerate(q.options, 1):
        console.print(f"  {i}. {escape(code_label(tr, section, code))}")
    while True:
        raw = Prompt.ask(
            tr("Number") if q.required else tr("Number (Enter to skip)"), default="", show_default=False
        )
        raw = raw.strip()
        if not raw and not q.required:
            return None
        if raw in q.options:
            return raw
        if raw.isdigit() and 1 <= int(raw) <= len(q.options):
            return q.options[int(raw) - 1]
        console.print(f"[red]{tr('Please use the numbers shown.')}[/]")


def _ask_one(q: Question, tr: Translator, console: Console) -> Any:
    text = tr(q.text)
    if q.kind in ("number", "integer"):
        prompt = IntPrompt if q.kind == "integer" else FloatPrompt
        while True:
            raw = Prompt.ask(f"{text} [dim]({tr('Enter to skip')})[/]", default="", show_default=False)
            if raw == "" and not q.required:
                return None
            try:
                value = float(raw) if prompt is FloatPrompt else int(raw)
            except ValueError:
                console.print(f"[red]{tr('Please enter a number.')}[/]")
                continue
            if (q.minimum is not None and value < q.minimum) or (q.maximum is not None and value > q.maximum):
                hint = tr("Please enter a number from {low} to {high}.", low=q.minimum, high=q.maximum)
                console.print(f"[red]{hint}[/]")
                continue
            return value
    if q.kind == "boolean":
        return Confirm.ask(text, default=False)
    if q.kind == "choice":
        return _choose_one(q, text, tr, console)
    if q.kind == "text_list":
        raw = Prompt.ask(
            f"{text} [dim]({tr('comma-separated; Enter to skip')})[/]", default="", show_default=False
        )
        return [part.strip() for part in raw.split(",") if part.strip()]
    console.print(f"[bold]{text}[/]")
    for i, code in enumerate(q.options, 1):
        console.print(f"  {i:2}. {_label(code, tr)}")
    while True:
        raw = Prompt.ask(
            tr("Numbers that apply, separated by spaces (Enter for none)"), default="", show_default=False
        )
        try:
            picked = [q.options[int(n) - 1] for n in raw.replace(",", " ").split()]
        except (ValueError, IndexError):
            console.print(f"[red]{tr('Please use the numbers shown.')}[/]")
            continue
        return picked


def ask(lang: str = "en", console: Console | None = None) -> dict[str, Any]:
    tr = translator(lang)
    out = console or Console()
    out.print(f"[bold]{tr('crampcare: a few questions about your leg cramps. This is not a diagnosis.')}[/]")
    answers: dict[str, Any] = {}
    for q in questions():
        if enabled(q, answers):
            answers[q.link_id] = _ask_one(q, tr, out)
    return to_input(answers)
