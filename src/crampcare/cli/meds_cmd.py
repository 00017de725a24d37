"""``crampcare meds``: the medicines a person takes, with the dates, so the diary can be read
against them. Names are recognised with the assessment's matcher (brands and Russian names too)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crampcare.cli.errors import as_options, fail, name_options
from crampcare.cli.local_db import DbOption, check_format, local_session, parse_date_option, take_rows

if TYPE_CHECKING:
    from crampcare.storage.models import Medication

meds_app = typer.Typer(help="Your medicines: add, list, stop and import.", no_args_is_help=True)

# service field -> what the person typed, so problems name the option
OPTION_OF = {
    "name": "NAME",
    "dose": "--dose",
    "started_on": "--since",
    "stopped_on": "--on",
    "notes": "--notes",
}
NOT_RECOGNISED = "not recognised"

name_options("meds", OPTION_OF)


def register(app: typer.Typer) -> None:
    app.add_typer(meds_app, name="meds")


def _as_options(problems: list[str]) -> list[str]:
    return as_options(problems, OPTION_OF)


def ingredient_of(name: str) -> str | None:
    """The catalogue ingredient the assessment would read this name as, or None: never a guess."""
    from crampcare.assess.medications import medication_index

    drug = medication_index().match(name)
    return None if drug is None else drug.ingredient


def _json(med: Medication) -> dict[str, object]:
    return {
        "id": med.id,
        "name": med.name,
        "dose": med.dose,
        "started_on": med.started_on.isoformat(),
        "stopped_on": med.stopped_on.isoformat() if med.stopped_on else None,
        "notes": med.notes,
        "ingredient": ingredient_of(med.name),
    }


def _line(med: Medication) -> str:
    dose = f" {med.dose}" if med.dose else ""
    until = f" to {med.stopped_on.isoformat()}" if med.stopped_on else ""
    ingredient = ingredient_of(med.name)
    read_as = f"recognised as {ingredient}" if ingredient else NOT_RECOGNISED
    return f"medicine {med.id}: {med.name}{dose}, from {med.started_on.isoformat()}{until} ({read_as})"


def _date_or_today(value: str | None, option: str) -> dt.date:
    from crampcare.records.values import FieldProblem, Today, check_not_future_or_ancient

    day = parse_date_option(value, option) or dt.date.today()
    try:
        check_not_future_or_ancient(day, Today.current(), option)
    except FieldProblem as exc:
        raise fail(str(exc)) from None
    return day


Fmt = Annotated[str, typer.Option("--format", help="text or json")]


@meds_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The medicine as on the pack, e.g. 'Фуросемид' or 'Lasix'.")],
    dose: Annotated[str, typer.Option("--dose", help="Free text, e.g. '40 mg in the morning'.")] = "",
    since: Annotated[
        str | None,
        typer.Option("--since", help="First day taken: 2026-11-20 or 20.11.2026 (default: today)."),
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Free text.")] = "",
    fmt: Fmt = "text",
    db: DbOption = None,
) -> None:
    """Record a medicine you take (from --since, default today)."""
    from crampcare.diary.service import add_medication

    check_format(fmt, ("text", "json"))
    started = _date_or_today(since, "--since")
    with local_session(db) as (session, user):
        take_rows(session, user.id, 1)  # committed with the medicine
        med = add_medication(session, user, name, started, dose=dose, notes=notes)
        if fmt == "json":
            typer.echo(json.dumps(_json(med), ensure_ascii=False))
        else:
            typer.echo(f"added {_line(med)}")


@meds_app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include medicines you have stopped.")] = False,
    fmt: Fmt = "text",
    db: DbOption = None,
) -> None:
    """List the medicines you take now (with --all, also those stopped), oldest first."""
    from crampcare.diary.service import list_medications

    check_format(fmt, ("text", "json"))
    today = dt.date.today()
    with local_session(db) as (session, user):
        meds = [
            m
            for m in list_medications(session, user)
            if all_ or m.stopped_on is None or m.stopped_on >= today
        ]
        if fmt == "json":
            typer.echo(json.dumps([_json(m) for m in meds], ensure_ascii=False, indent=2))
            return
        if not meds:
            typer.echo("no medicines recorded" if all_ else "no current medicines (--all shows stopped ones)")
        for med in meds:
            typer.echo(_line(med))


@meds_app.command("stop")
def stop(
    medication_id: Annotated[int, typer.Argument(help="The medicine's id (see meds list).")],
    on: Annotated[
        str | None, typer.Option("--on", help="Last day taken: 2026-11-20 or 20.11.2026 (default: today).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Record that you stopped taking a medicine (only record it: stopping a prescribed medicine is
    for you and your prescriber to decide)."""
    from crampcare.diary.service import stop_medication

    stopped = _date_or_today(on, "--on")
    with local_session(db) as (session, user):
        med = stop_medication(session, user, medication_id, stopped)
        typer.echo(f"stopped {_line(med)}")


@meds_app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="A CSV name,dose,started_on,stopped_on,notes or a JSON diary export.")
    ],
    db: DbOption = None,
) -> None:
    """Import medicines: all or none; the same name and start date again updates, never duplicates."""
    from crampcare.diary.medication_io import parse_medication_file
    from crampcare.diary.service import DiaryError, import_medications
    from crampcare.records.values import Today

    records, problems = parse_medication_file(file, Today.current())
    if problems:
        raise fail([*problems, f"{file}: nothing imported"])
    with local_session(db) as (session, user):
        # Counted as if every row were new (an upper bound: re-imported rows only update).
        take_rows(session, user.id, len(records))
        try:
            inserted, updated = import_medications(session, user, records)
        except DiaryError as exc:
            raise fail([*exc.problems, f"{file}: nothing imported"]) from None
    typer.echo(f"imported {len(records)} medicines from {file}: {inserted} new, {updated} already recorded")
