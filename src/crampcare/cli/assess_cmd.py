"""``crampcare assess``: JSON in, JSON (or a readable summary) out; or an interactive questionnaire.

Bad input exits 2 with one line per problem on stderr, naming the field path, and prints nothing
on stdout. The JSON output is deterministic (no timestamps), so it can be diffed and cached.
"""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)


def assess(
    input_: Annotated[
        str | None, typer.Option("--input", "-i", help="A JSON file, or '-' for standard input.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json or text")] = "json",
    lang: Annotated[
        str, typer.Option("--lang", envvar="CRAMPCARE_LANG", help="Language of the texts: en or ru.")
    ] = "en",
) -> None:
    """Assess leg cramps: triage, differential, causes, medicines and graded advice.

    Input is one AssessmentInput object or a JSON array of them (see the spec). Without --input on
    a terminal, crampcare asks the questions itself.
    """
    from crampcare.cli.assess_run import run_assess

    run_assess(input_, fmt, lang)
