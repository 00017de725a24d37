"""``crampcare stats``: the diary summary, what goes with more cramps, and charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from crampcare.cli.errors import fail
from crampcare.cli.local_db import DbOption, check_format, local_session, parse_date_option


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
    db: DbOption = None,
) -> None:
    """Summarise the diary: counts, nights, hours, trend, seasonality and evening factors."""
    from crampcare.diary.activity import activity_factors
    from crampcare.diary.service import diary_summary, episode_records

    check_format(fmt, ("text", "json"))
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
            typer.echo(f"wrote {len(written)} chart files to {chart}", err=True)
    if fmt == "json":
        typer.echo(json.dumps(summary, indent=2))
    else:
        print_summary(summary)


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


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _interval(ci: list[float] | None) -> str:
    return "" if not ci else f"{ci[0]:.2f} to {ci[1]:.2f}"


def print_summary(s: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not s["episodes"] and not s["days_logged"]:
        console.print("The diary is empty: add a cramp with `crampcare diary add` or try `crampcare demo`.")
        return
    overview = Table(title=f"Diary {s['first']} to {s['last']}", show_header=False)
    overview.add_column()
    overview.add_column(justify="right")
    for label, value in (
        ("episodes", s["episodes"]),
        ("nights covered", s["nights"]),
        ("nights with cramps", s["nights_with_cramps"]),
        ("days logged", s["days_logged"]),
        ("mean severity (0-10)", s["mean_severity"]),
        ("median duration (s)", s["median_duration_s"]),
        ("by muscle", ", ".join(f"{k} {v}" for k, v in s["by_muscle"].items())),
    ):
        overview.add_row(label, "" if value is None else str(value))
    trend = s.get("trend") or {}
    if trend.get("rate_ratio_per_month") is not None:
        overview.add_row(
            "trend per month", f"x{trend['rate_ratio_per_month']:.3f} ({_interval(trend['ci95'])})"
        )
    console.print(overview)
    factors = s.get("factors") or {}
    if factors.get("factors"):
        table = Table(title="What goes with more cramps (rate ratio: above 1 = more cramps)")
        for column in ("factor", "unit", "rate ratio", "95% interval", "p"):
            table.add_column(column)
        for f in factors["factors"]:
            table.add_row(
                f["label"], f["unit"], f"{f['rate_ratio']:.2f}", _interval(f["ci95"]), f"{f['p_value']:.3f}"
            )
        console.print(table)
    if s.get("activity"):
        # One line each (not a table): the comparison reads as a sentence and never wraps mid-word.
        console.print("Phone activity (rate ratio: above 1 = more cramps):", soft_wrap=True)
        for a in s["activity"]:
            ratio = (
                f"rate ratio {a['rate_ratio']:.2f} ({_interval(a['ci95'])})"
                if a["rate_ratio"] is not None
                else a["note"]
            )
            console.print(
                f"  {a['label']}: {_rate(a['per_night_with'])} per night over {a['nights_with']} nights, "
                f"other nights {_rate(a['per_night_without'])} over {a['nights_without']}; {ratio}",
                soft_wrap=True,
                markup=False,
            )
    for note in (trend.get("warning"), factors.get("warning")):
        if note:
            console.print(f"[yellow]Note:[/yellow] {note}")
