"""``crampcare report``: the one-to-two-page summary for a doctor, as PDF (Typst) or HTML."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crampcare.cli.errors import fail
from crampcare.cli.local_db import DbOption, local_session, parse_date_option

if TYPE_CHECKING:
    from crampcare.report.data import AssessmentSnapshot


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.pdf or FILE.html")],
    date_from: Annotated[
        str | None, typer.Option("--from", help="First night to include (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last night to include (YYYY-MM-DD).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or ru")] = "en",
    assessment: Annotated[
        Path | None,
        typer.Option(
            "--assessment",
            help="AssessmentInput (or FHIR QuestionnaireResponse) JSON to use as the latest assessment.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the doctor report: who, medicines, latest assessment, diary charts, experiments, tests."""
    from crampcare.i18n import LANGUAGES

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise fail(f"--output: must end in .pdf or .html, not {output.name!r}")
    if lang not in LANGUAGES:
        raise fail(f"--lang: must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    first = parse_date_option(date_from, "--from")
    last = parse_date_option(date_to, "--to")
    if first and last and last < first:
        raise fail("--to: before --from")
    snapshot = None
    if assessment is not None:
        snapshot = _assessment(assessment, lang)
    if not output.parent.exists():
        raise fail(f"--output: folder {str(output.parent)!r} does not exist")

    from crampcare.knowledge import KnowledgeError
    from crampcare.report import make_report

    with local_session(db) as (session, user):
        try:
            data = make_report(
                session,
                user,
                fmt="pdf" if suffix == ".pdf" else "html",
                lang=lang,
                date_from=first,
                date_to=last,
                assessment=snapshot,
            )
        except KnowledgeError as err:
            raise fail(f"knowledge base: {err}", code=1) from None
    tmp = output.with_name(output.name + ".part")  # never leave half a file under the real name
    try:
        tmp.write_bytes(data)
        tmp.replace(output)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise fail(f"--output: cannot write {str(output)!r}: {err.strerror or err}", code=1) from None
    print(f"wrote {output}")


def _assessment(path: Path, lang: str) -> AssessmentSnapshot:
    from crampcare.assess.validate import InputError
    from crampcare.fhir.errors import FhirError
    from crampcare.report.data import assessment_from_json

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise fail(f"--assessment: cannot read {str(path)!r}: {err.strerror or err}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise fail(f"--assessment: {str(path)!r} is not JSON ({err})") from None
    when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()
    try:
        return assessment_from_json(raw, when, lang)
    except (InputError, FhirError) as err:
        raise fail([f"--assessment: {p}" for p in err.problems]) from None
