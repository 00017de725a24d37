"""``crampcare experiment``: randomised self-experiments (create, show, today, analyze, list)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crampcare.cli.errors import as_options, fail
from crampcare.cli.local_db import (
    DbOption,
    LangOption,
    check_format,
    check_lang,
    local_session,
    parse_date_option,
)

if TYPE_CHECKING:
    from crampcare.storage.models import Experiment

experiment_app = typer.Typer(
    help="N-of-1 self-experiments: randomised blocks of nights on and off an intervention.",
    no_args_is_help=True,
)
Fmt = Annotated[str, typer.Option("--format", help="text or json")]
IdArg = Annotated[int | None, typer.Argument(help="Experiment id (default: the latest).")]


def register(app: typer.Typer) -> None:
    app.add_typer(experiment_app, name="experiment")


@experiment_app.command("create")
def create(
    intervention: Annotated[str, typer.Option("--intervention", help="A recommendation code to test.")],
    block_days: Annotated[int, typer.Option("--block-days", help="Nights per block.")] = 7,
    pairs: Annotated[
        int, typer.Option("--pairs", help="Pairs of blocks (one on, one off); 6 or more can reach a verdict.")
    ] = 6,
    start: Annotated[
        str | None, typer.Option("--start", help="First night, YYYY-MM-DD (default today).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (default: drawn and stored).")
    ] = None,
    washout: Annotated[
        int | None,
        typer.Option(
            "--washout",
            help="Nights at each block start left out (default: the intervention's carry-over from the "
            "knowledge base, 0 if none).",
        ),
    ] = None,
    imported: Annotated[
        bool,
        typer.Option(
            "--imported",
            help="An experiment already run elsewhere: allows a past --start and a chosen --seed; "
            "reports label it as imported.",
        ),
    ] = False,
    fmt: Fmt = "text",
    lang: LangOption = "en",
    db: DbOption = None,
) -> None:
    """Draw and store a randomised paired-block schedule (the program draws the seed)."""
    from crampcare.diary.service import DiaryError
    from crampcare.experiments.service import (
        create_experiment,
        default_washout,
        design_warnings,
        experiment_plan,
        overlap_warnings,
    )
    from crampcare.i18n import ntr, translator
    from crampcare.labels import code_label

    check_format(fmt, ("text", "json"))
    tr = translator(check_lang(lang))
    start_date = parse_date_option(start, "--start") or dt.date.today()
    if washout is None:
        washout = default_washout(intervention, block_days) if block_days >= 1 else 0
        if washout:
            typer.echo(
                ntr(
                    "washout: the first {n} night of each block is left out of the analysis (the "
                    "carry-over of {name} in the knowledge base; --washout 0 to keep it)",
                    "washout: the first {n} nights of each block are left out of the analysis (the "
                    "carry-over of {name} in the knowledge base; --washout 0 to keep them)",
                    washout,
                    tr,
                    name=code_label(tr, "recommendations", intervention),
                ),
                err=True,
            )
    with local_session(db) as (session, user):
        try:
            experiment = create_experiment(
                session, user, intervention, start_date, block_days, pairs, seed, washout, imported=imported
            )
        except DiaryError as exc:
            raise fail([_option_name(p) for p in exc.problems]) from None
        for line in overlap_warnings(session, user, experiment):
            typer.echo(line, err=True)
        for line in design_warnings(intervention, block_days, pairs, washout):
            typer.echo(line, err=True)
        _print_plan(experiment_plan(experiment), fmt, lang, created=True)


OPTION_OF = {"block_days": "--block-days", "washout_days": "--washout", "baseline_rate": "--baseline-rate"}


def _option_name(problem: str) -> str:
    return as_options([problem], OPTION_OF, default_prefix="--")[0]


def _print_plan(plan: dict[str, Any], fmt: str, lang: str = "en", created: bool = False) -> None:
    if fmt == "json":
        typer.echo(json.dumps(plan, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from crampcare.i18n import ntr, translator
    from crampcare.labels import code_label

    tr = translator(lang)
    origin = (
        tr("imported: run elsewhere, seed and start chosen there")
        if plan.get("imported")
        else tr("seed drawn here")
    )
    # "4 pairs of 7-night blocks": each count agrees with its own noun (Russian plural forms)
    design = tr(
        "{pairs} of {nights}",
        pairs=ntr("{n} pair", "{n} pairs", plan["pairs"], tr),
        nights=ntr("{n}-night block", "{n}-night blocks", plan["block_days"], tr),
    )
    values = dict(
        id=plan["id"],
        name=code_label(tr, "recommendations", str(plan["intervention"])),
        design=design,
        seed=plan["seed"],
        origin=origin,
    )
    title = (
        tr("Created experiment {id}: {name} ({design}, seed {seed}, {origin})", **values)
        if created
        else tr("Experiment {id}: {name} ({design}, seed {seed}, {origin})", **values)
    )
    table = Table(title=title)
    table.add_column(tr("nights"))
    table.add_column(tr("plan"))
    schedule = plan["schedule"]
    block = plan["block_days"]
    for i in range(0, len(schedule), block):
        nights = schedule[i : i + block]
        table.add_row(
            tr("{first} to {last}", first=nights[0]["date"], last=nights[-1]["date"]),
            tr("ON") if nights[0]["on"] else tr("off"),
        )
    Console().print(table)


@experiment_app.command("show")
def show(
    experiment_id: IdArg = None, fmt: Fmt = "text", lang: LangOption = "en", db: DbOption = None
) -> None:
    """Print an experiment's stored plan."""
    from crampcare.experiments.service import experiment_plan

    check_format(fmt, ("text", "json"))
    check_lang(lang)
    with local_session(db) as (session, user):
        _print_plan(experiment_plan(_get(session, user, experiment_id)), fmt, lang)


def _get(session: Any, user: Any, experiment_id: int | None) -> Experiment:
    from crampcare.experiments.service import get_experiment

    return get_experiment(session, user, experiment_id)


@experiment_app.command("list")
def list_(fmt: Fmt = "text", db: DbOption = None) -> None:
    """List experiments."""
    from crampcare.experiments.service import end_date, list_experiments

    check_format(fmt, ("text", "json"))
    with local_session(db) as (session, user):
        rows = [
            {
                "id": str(e.id),
                "intervention": e.intervention,
                "start": e.start_date.isoformat(),
                "end": end_date(e).isoformat(),
                "block_days": e.block_days,
                "pairs": e.pairs,
            }
            for e in list_experiments(session, user)
        ]
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} experiments")
    for column in ("id", "intervention", "start", "end", "block_days", "pairs"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c]) for c in ("id", "intervention", "start", "end", "block_days", "pairs")))
    Console().print(table)


@experiment_app.command("today")
def today(
    date: Annotated[str | None, typer.Option("--date", help="Ask about another night, YYYY-MM-DD.")] = None,
    fmt: Fmt = "text",
    db: DbOption = None,
) -> None:
    """Say what to do tonight for every running experiment (and, before noon, what last night was)."""
    from crampcare.experiments.service import intervention_label, tonight_assignments
    from crampcare.records.nights import last_night, tonight

    check_format(fmt, ("text", "json"))
    now = dt.datetime.now()
    night = parse_date_option(date, "--date") or tonight(now)
    previous = None if date else last_night(now)
    with local_session(db) as (session, user):
        found = {
            when: tonight_assignments(session, user, when) for when in (night, previous) if when is not None
        }
        rows: dict[dt.date | None, list[dict[str, Any]]] = {
            when: [
                {"id": str(e.id), "intervention": e.intervention, "date": n.date.isoformat(), "on": n.on}
                for e, n in pairs
            ]
            for when, pairs in found.items()
        }
        labels = {str(e.id): intervention_label(e.intervention) for pairs in found.values() for e, _ in pairs}
    if fmt == "json":
        out: dict[str, Any] = {"date": night.isoformat(), "experiments": rows[night]}
        if previous is not None:
            out["last_night"] = {"date": previous.isoformat(), "experiments": rows[previous]}
        typer.echo(json.dumps(out, indent=2))
        return
    if previous is not None:
        for r in rows[previous]:
            what = "it was a night WITH" if r["on"] else "it was a night WITHOUT"
            typer.echo(f"Last night ({r['date']}), experiment {r['id']}: {what} this: {labels[r['id']]}.")
    if not rows[night]:
        typer.echo(f"No experiment runs on the night of {night.isoformat()}.")
    for r in rows[night]:
        what = "DO" if r["on"] else "do NOT do"
        typer.echo(f"Tonight ({r['date']}), experiment {r['id']}: {what} this: {labels[r['id']]}.")


@experiment_app.command("analyze")
def analyze(
    experiment_id: IdArg = None,
    fmt: Fmt = "text",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Analyse nights before this date.")] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also write the result chart (.svg/.png).")
    ] = None,
    lang: LangOption = "en",
    db: DbOption = None,
) -> None:
    """Compare the pairs of blocks on and off the intervention; print the verdict and what it means."""
    from crampcare.experiments.service import analyze_experiment
    from crampcare.i18n import LANGUAGES

    check_format(fmt, ("text", "json"))
    if lang not in LANGUAGES:
        raise fail(f"--lang: must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    day = parse_date_option(as_of, "--as-of")
    with local_session(db) as (session, user):
        experiment = _get(session, user, experiment_id)
        result = analyze_experiment(session, user, experiment, day, lang=lang)
        done_known = experiment.intervention in _adherence_interventions()
    if chart is not None:
        _write_chart(chart, result)
    if fmt == "json":
        typer.echo(json.dumps(result, indent=2))
    else:
        from crampcare.cli.experiment_text import print_result

        print_result(result, lang, done_known)


def _adherence_interventions() -> set[str]:
    from crampcare.experiments.service import ADHERENCE

    return set(ADHERENCE)


@experiment_app.command("plan")
def plan(
    intervention: Annotated[str, typer.Option("--intervention", help="A recommendation code to test.")],
    block_days: Annotated[
        int | None, typer.Option("--block-days", help="Nights per block (default: compare 4, 7 and 14).")
    ] = None,
    pairs: Annotated[
        int | None, typer.Option("--pairs", help="Show the power of this many pairs (default: search).")
    ] = None,
    baseline_rate: Annotated[
        float | None,
        typer.Option(
            "--baseline-rate",
            help="Cramps a night without the intervention (default: your diary's last 8 weeks, else a "
            "typical 0.5).",
        ),
    ] = None,
    fmt: Fmt = "text",
    lang: Annotated[str, typer.Option("--lang", help="Language of the texts: en or ru.")] = "en",
    db: DbOption = None,
) -> None:
    """Before you start: how many pairs of blocks find a real effect, and what each design can show."""
    from crampcare.experiments.service import (
        default_washout,
        intervention_label,
        own_cramp_rate,
        why_untestable,
    )
    from crampcare.i18n import LANGUAGES
    from crampcare.stats.nof1_power import TYPICAL_RATE
    from crampcare.stats.nof1_power import plan as make_plan
    from crampcare.stats.schedule import check_design

    check_format(fmt, ("text", "json"))
    if lang not in LANGUAGES:
        raise fail(f"--lang: must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    problems = []
    why_not = why_untestable(intervention)
    if why_not:
        problems.append(why_not)
    problems += check_design(block_days or 7, pairs or 6)
    if baseline_rate is not None and not 0.02 <= baseline_rate <= 20:
        problems.append(f"baseline_rate: must be from 0.02 to 20 cramps a night, not {baseline_rate}")
    if problems:
        raise fail([_option_name(p) for p in problems])
    source = "given"
    if baseline_rate is None:
        with local_session(db) as (session, user):
            baseline_rate = own_cramp_rate(session, user, dt.date.today())
        source = "diary"
        if not baseline_rate:
            baseline_rate, source = TYPICAL_RATE, "typical"
    result = make_plan(baseline_rate, block_days, pairs, washout=lambda d: default_washout(intervention, d))
    result["intervention"] = intervention
    result["baseline_source"] = source
    if fmt == "json":
        typer.echo(json.dumps(result, indent=2))
        return
    from crampcare.cli.experiment_text import print_plan

    print_plan(result, intervention_label(intervention, lang), lang)


def _write_chart(path: Path, result: dict[str, Any]) -> None:
    from crampcare.charts import experiment_chart, render

    fmt = path.suffix.lstrip(".").lower()
    if fmt not in ("svg", "png"):
        raise fail(f"--chart: the file must end in .svg or .png, not {path.name!r}")
    try:
        path.write_bytes(render(experiment_chart(result), fmt))
    except OSError as exc:
        raise fail(f"--chart: cannot write {path}: {exc.strerror}") from None


@experiment_app.command("ics")
def ics(
    experiment_id: IdArg = None,
    zone: Annotated[
        str, typer.Option("--zone", help="Your time zone, e.g. Europe/Moscow (the events' zone).")
    ] = "UTC",
    at: Annotated[str, typer.Option("--time", help="Time of each night's event, HH:MM.")] = "20:00",
    lang: Annotated[str, typer.Option("--lang", help="Language of the events: en or ru.")] = "en",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the .ics here (default: standard output).")
    ] = None,
    db: DbOption = None,
) -> None:
    """The schedule as an iCalendar (.ics) file: one event per night saying with or without."""
    from crampcare.diary.calendar_ics import experiment_calendar
    from crampcare.web.zones import valid_zone

    if valid_zone(zone) is None:
        raise fail(f"--zone: {zone!r} is not a time zone name like Europe/London or Europe/Moscow")
    try:
        when = dt.time.fromisoformat(at)
    except ValueError:
        raise fail(f"--time: {at!r} is not a time like 20:00") from None
    check_format(lang, ("en", "ru"), "--lang")
    with local_session(db) as (session, user):
        experiment = _get(session, user, experiment_id)
        body = experiment_calendar(experiment, zone, lang, when, stamp=dt.datetime.now(dt.UTC))
    if output is None:
        typer.echo(body.decode("utf-8"), nl=False)
        return
    try:
        output.write_bytes(body)
    except OSError as err:
        raise fail(f"--output: cannot write {output}: {err.strerror}", code=1) from None
    typer.echo(f"wrote {output}")
