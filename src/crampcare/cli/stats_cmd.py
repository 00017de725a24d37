"""``crampcare stats``: the diary summary, what goes with more cramps, and charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from crampcare.cli.errors import fail
from crampcare.cli.local_db import (
    DbOption,
    LangOption,
    check_format,
    check_lang,
    local_session,
    parse_date_option,
)


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def stats(
    date_from: Annotated[str | None, typer.Option("--from", help="First night, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last night, YYYY-MM-DD.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    chart: Annotated[Path | None, typer.Option("--chart", help="Write SVG and PNG charts into DIR.")] = None,
    steps: Annotated[
        int,
        typer.Option(
            "--steps", min=1, help="Phone activity: compare nights after days with more steps than this."
        ),
    ] = 15_000,
    lang: LangOption = "en",
    db: DbOption = None,
) -> None:
    """Summarise the diary: counts, nights, hours, trend, seasonality and evening factors."""
    from crampcare.diary.activity import activity_factors
    from crampcare.diary.service import diary_summary, episode_records
    from crampcare.i18n import ntr, translator

    check_format(fmt, ("text", "json"))
    tr = translator(check_lang(lang))
    start, end = parse_date_option(date_from, "--from"), parse_date_option(date_to, "--to")
    if start and end and start > end:
        raise fail("--from: after --to")
    with local_session(db) as (session, user):
        summary = diary_summary(session, user, start, end)
        # Phone activity (diary import of Apple Health / Google Fit): its own key, only when imported.
        activity = activity_factors(session, user, start, end, steps=steps)
        if activity:
            summary["activity"] = activity
        if chart is not None:
            written = _write_charts(chart, episode_records(session, user, start, end), summary, session, user)
            typer.echo(
                ntr(
                    "wrote {n} chart file to {folder}",
                    "wrote {n} chart files to {folder}",
                    len(written),
                    tr,
                    folder=chart,
                ),
                err=True,
            )
    if fmt == "json":
        typer.echo(json.dumps(summary, indent=2))
    else:
        print_summary(summary, lang)


def _write_charts(
    folder: Path, episodes: Any, summary: dict[str, Any], session: Any, user: Any
) -> list[Path]:
    from crampcare.charts import diary_charts, experiment_chart, write_charts
    from crampcare.experiments.service import analyze_experiment, list_experiments

    figures = diary_charts(episodes, summary)
    experiments = list_experiments(session, user)
    if experiments:
        figures["experiment"] = experiment_chart(analyze_experiment(session, user, experiments[-1]))
    try:
        return write_charts(folder, figures)
    except OSError as exc:
        raise fail(f"--chart: cannot write into {folder}: {exc.strerror}") from None


def _rate(value: float | None, lang: str = "en") -> str:
    from crampcare.stats.nof1_words import number

    return "-" if value is None else number(value, 2, lang)


def _interval(ci: list[float] | None, lang: str = "en") -> str:
    from crampcare.i18n import number, translator

    if not ci:
        return ""
    return translator(lang)("{low} to {high}", low=number(lang, ci[0], 2), high=number(lang, ci[1], 2))


def _note(result: dict[str, Any], lang: str) -> str | None:
    """A trend's or the factors' warning in the person's language, from its code and counts (the
    English ``warning`` stays in the JSON for programs)."""
    from crampcare.i18n import ntr, translator
    from crampcare.stats.factors import MIN_FACTOR_NIGHTS, MIN_TREND_EPISODES, MIN_TREND_NIGHTS

    tr = translator(lang)
    code = result.get("warning_code")
    nights = ntr("{n} night", "{n} nights", int(result.get("nights") or 0), tr)
    cramps = ntr("{n} cramp", "{n} cramps", int(result.get("episodes") or 0), tr)
    if code == "trend_too_few":
        return tr(
            "A trend needs at least {min_nights} and {min_cramps}; so far: {nights}, {cramps}.",
            min_nights=ntr("{n} night", "{n} nights", MIN_TREND_NIGHTS, tr),
            min_cramps=ntr("{n} cramp", "{n} cramps", MIN_TREND_EPISODES, tr),
            nights=nights,
            cramps=cramps,
        )
    if code == "trend_failed":
        return tr("The trend could not be estimated from these data.")
    if code == "factors_too_few":
        return tr(
            "Not enough data to say anything yet (nights with a day log: {nights}; {cramps}); log your "
            "evenings (diary day) for at least {min_nights}.",
            nights=number_of(result.get("nights"), lang),
            cramps=cramps,
            min_nights=ntr("{n} night", "{n} nights", MIN_FACTOR_NIGHTS, tr),
        )
    if code == "factors_failed":
        return tr("The regression could not be fitted to these data (factors too closely related?).")
    if code == "factors_hint":
        return tr(
            "Only a few nights with a day log ({nights}) and {cramps}: too few to say reliably what goes "
            "with more cramps. Treat these numbers as a hint, keep logging, and look again in a few months.",
            nights=number_of(result.get("nights"), lang),
            cramps=cramps,
        )
    return tr(str(result["warning"])) if result.get("warning") else None


def number_of(value: Any, lang: str) -> str:
    from crampcare.i18n import number

    return number(lang, float(value or 0))


def print_summary(s: dict[str, Any], lang: str = "en") -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from crampcare.i18n import ntr, number, translator
    from crampcare.labels import code_label

    tr = translator(lang)
    console = Console()
    if not s["episodes"] and not s["days_logged"]:
        console.print(
            escape(tr("The diary is empty: add a cramp with `crampcare diary add` or try `crampcare demo`."))
        )
        return
    overview = Table(title=tr("Diary {first} to {last}", first=s["first"], last=s["last"]), show_header=False)
    overview.add_column()
    overview.add_column(justify="right")

    def num(value: Any) -> str:
        return "" if value is None else number(lang, float(value))

    muscles = ", ".join(
        f"{code_label(tr, 'cramp_locations', k).split(' (')[0].lower()} {number(lang, v)}"
        for k, v in s["by_muscle"].items()
    )
    for label, value in (
        (tr("cramps"), num(s["episodes"])),
        (tr("nights covered"), num(s["nights"])),
        (tr("nights with cramps"), num(s["nights_with_cramps"])),
        (tr("days logged"), num(s["days_logged"])),
        (tr("mean severity (0-10)"), num(s["mean_severity"])),
        (tr("median duration (s)"), num(s["median_duration_s"])),
        (tr("by muscle"), muscles),
    ):
        overview.add_row(label, value)
    trend = s.get("trend") or {}
    if trend.get("rate_ratio_per_month") is not None:
        overview.add_row(
            tr("trend per month"),
            f"x{number(lang, trend['rate_ratio_per_month'], 3)} ({_interval(trend['ci95'], lang)})",
        )
    console.print(overview)
    factors = s.get("factors") or {}
    if factors.get("factors"):
        table = Table(title=tr("What goes with more cramps (rate ratio: above 1 = more cramps)"))
        for column in (tr("factor"), tr("unit"), tr("rate ratio"), tr("95% interval"), "p"):
            table.add_column(column)
        for f in factors["factors"]:
            label, unit = str(f["label"]), str(f["unit"])  # run-time texts (FACTORS, in messages.po)
            table.add_row(
                tr(label),
                tr(unit),
                number(lang, f["rate_ratio"], 2),
                _interval(f["ci95"], lang),
                number(lang, f["p_value"], 3),
            )
        console.print(table)
    if s.get("activity"):
        # One line each (not a table): the comparison reads as a sentence and never wraps mid-word.
        console.print(tr("Phone activity (rate ratio: above 1 = more cramps):"), soft_wrap=True)
        for a in s["activity"]:
            ratio = (
                tr(
                    "rate ratio {ratio} ({interval})",
                    ratio=_rate(a["rate_ratio"], lang),
                    interval=_interval(a["ci95"], lang),
                )
                if a["rate_ratio"] is not None
                else str(a["note"])  # English only for now (stats/activity_factors.py)
            )
            line = tr(
                "{label}: {with_rate} per night over {with_nights}, other nights {without_rate} over "
                "{without_nights}; {ratio}",
                label=str(a["label"]),  # English only for now (stats/activity_factors.py)
                with_rate=_rate(a["per_night_with"], lang),
                with_nights=ntr("{n} night", "{n} nights", a["nights_with"], tr),
                without_rate=_rate(a["per_night_without"], lang),
                without_nights=ntr("{n} night", "{n} nights", a["nights_without"], tr),
                ratio=ratio,
            )
            console.print("  " + line, soft_wrap=True, markup=False)
    for result in (trend, factors):
        note = _note(result, lang)
        if note:
            console.print(f"[yellow]{escape(tr('Note:'))}[/yellow] {escape(note)}")
