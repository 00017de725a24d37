"""``crampcare fhir``: the assessment Questionnaire, and importing or checking FHIR bundles."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from crampcare.cli.errors import fail, read_json
from crampcare.cli.local_db import DbOption, check_rows, count_rows, local_session

fhir_app = typer.Typer(
    help="FHIR R4: the assessment Questionnaire, bundle import and validation.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(fhir_app, name="fhir")


@fhir_app.command("questionnaire")
def questionnaire(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Print the assessment as a FHIR R4 (SDC) Questionnaire."""
    from crampcare.fhir.questionnaire import build_questionnaire

    text = json.dumps(build_questionnaire(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@fhir_app.command("import")
def import_(
    bundle: Annotated[
        Path, typer.Argument(help="A FHIR Bundle (JSON), e.g. from diary export --format fhir.")
    ],
    db: DbOption = None,
) -> None:
    """Import the diary (episodes, day logs, medicines, experiments) of a FHIR Bundle: all or nothing."""
    from crampcare.fhir.diary_export import import_bundle
    from crampcare.fhir.errors import FhirError

    data = read_json(str(bundle), "BUNDLE")
    with local_session(db) as (session, user):
        entries = data.get("entry") if isinstance(data, dict) else None
        check_rows(session, user.id, len(entries) if isinstance(entries, list) else 0)
        try:
            summary = import_bundle(session, user, data)
        except FhirError as err:
            raise fail(
                [f"{bundle}: {p}" for p in err.problems] + [f"{bundle}: nothing was imported"]
            ) from None
        count_rows(session, user.id, summary.episodes + summary.day_logs)
    skipped = ", ".join(f"{n} {kind}" for kind, n in summary.skipped.items())
    print(
        f"imported {summary.episodes} episodes, {summary.day_logs} day logs, {summary.medications} medicines"
        + (f", {summary.experiments} experiments" if summary.experiments else "")
        + (f"; not diary data, skipped: {skipped}" if skipped else "")
    )


@fhir_app.command("validate")
def validate(file: Annotated[Path, typer.Argument(help="A FHIR resource or Bundle (JSON).")]) -> None:
    """Check a FHIR resource or Bundle with the R4B models and crampcare's code checks."""
    from crampcare.fhir.validate import bundle_problems, resource_problems

    data = read_json(str(file), "FILE")
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        problems = bundle_problems(data)
    else:
        problems = resource_problems(data)
    if problems:
        raise fail([f"{file}: {p}" for p in problems])
    print(f"{file}: valid")
