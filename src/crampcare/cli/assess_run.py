"""What ``crampcare assess`` does, without Typer: ``cli.main`` calls it directly for plain options,
so a one-case run does not pay for building a command-line app (see ``cli.__init__``)."""

from __future__ import annotations

import json
import sys
from typing import Any

from crampcare.cli.errors import fail, read_json


def _mentions_fhir(data: Any) -> bool:
    items = data if isinstance(data, list) else [data]
    return any(isinstance(item, dict) and "resourceType" in item for item in items)


def _from_fhir(data: Any) -> Any:
    """A FHIR ``QuestionnaireResponse`` (alone or in a batch) becomes AssessmentInput JSON."""
    from crampcare.fhir.questionnaire import inputs_from_fhir

    return inputs_from_fhir(data)


def run_assess(input_: str | None, fmt: str, lang: str) -> None:
    """Assess the input (a file, ``-`` or, on a terminal, the questionnaire) and print the results."""
    from crampcare.i18n import LANGUAGES

    if fmt not in ("json", "text"):
        raise fail(f"--format: must be json or text, not {fmt!r}")
    if lang not in LANGUAGES:
        raise fail(f"--lang: must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    if input_ is None and sys.stdin.isatty():
        from crampcare.cli.questionnaire import ask

        data: Any = ask(lang)
        fmt = "text" if fmt == "json" and sys.stdout.isatty() else fmt
    else:
        data = read_json(input_ or "-", "input")
        if _mentions_fhir(data):  # import the FHIR layer only when it is needed
            data = _from_fhir(data)

    from crampcare.assess import assess as run
    from crampcare.assess import parse_inputs

    inputs, batch = parse_inputs(data)
    results = [run(i, lang=lang) for i in inputs]
    if fmt == "text":
        from crampcare.cli.assess_text import render

        for i, result in enumerate(results):
            render(result, lang, title=f"#{i + 1}" if batch else None, inp=inputs[i])
        return
    if batch:  # compact: the C encoder, many times faster than indenting thousands of results
        sys.stdout.write(json.dumps([r.to_json() for r in results], ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(json.dumps(results[0].to_json(), ensure_ascii=False, indent=2) + "\n")
