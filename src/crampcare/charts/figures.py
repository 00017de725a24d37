"""The figures themselves, built from plain records and statistics results (no I/O)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from crampcare.records import EpisodeRecord

SIZE = (8.0, 3.6)
# On a phone the web app draws the diary charts smaller and with larger type (see ``PHONE_STYLE``):
# a chart 4.8 inches wide shown 360 px wide keeps 12-point text at 12 px or more.
PHONE_SIZE = (4.8, 3.4)
PHONE_STYLE: dict[Any, Any] = {"font.size": 12.0, "axes.titlesize": 13.0, "axes.labelsize": 12.0}
Words = Callable[[str], str]


def _same(text: str) -> str:
    return text


ON_COLOUR, OFF_COLOUR, BAR_COLOUR = "#2a9d8f", "#e76f51", "#457b9d"
THEMES = ("light", "dark")
# The web app's colours (static/style.css, ``--bg``, ``--fg``, ``--muted``, ``--line``): a chart sits on
# the page's own background, so at night it is not a bright white rectangle. The dark bars, "on" and
# "off" are lighter shades, at least 3:1 against the dark background (WCAG 1.4.11, tested).
PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff",
        "fg": "#111111",
        "muted": "#4a4a4a",
        "line": "#8a8a8a",
        "bar": BAR_COLOUR,
        "on": ON_COLOUR,
        "off": OFF_COLOUR,
    },
    "dark": {
        "bg": "#121417",
        "fg": "#ececec",
        "muted": "#b9bec5",
        "line": "#80868e",
        "bar": "#7fb3d5",
        "on": "#4cc9b0",
        "off": "#f4a261",
    },
}


def theme_style(theme: str) -> dict[Any, Any]:
    """matplotlib settings drawing a chart in this theme's colours (``ValueError`` for another name)."""
    if theme not in PALETTES:
        raise ValueError(f"theme must be one of {THEMES}, not {theme!r}")
    p = PALETTES[theme]
    return {
        "figure.facecolor": p["bg"],
        "axes.facecolor": p["bg"],
        "savefig.facecolor": p["bg"],
        "savefig.edgecolor": p["bg"],
        "text.color": p["fg"],
        "axes.labelcolor": p["fg"],
        "axes.titlecolor": p["fg"],
        "axes.edgecolor": p["line"],
        "xtick.color": p["fg"],
        "ytick.color": p["fg"],
        "legend.labelcolor": p["fg"],
    }


# matplotlib's settings are one global dictionary and ``rc_context`` restores it on exit: two threads
# drawing at once (a web server) would restore each other's settings and leave, say, the dark
# background set for every later chart. Whoever changes the settings to draw holds this lock.
DRAW_LOCK = threading.RLock()


@contextmanager
def _themed(theme: str) -> Iterator[None]:
    with DRAW_LOCK, matplotlib.rc_context(theme_style(theme)):
        yield


def _figure(title: str, size: tuple[float, float] = SIZE) -> tuple[Figure, Any]:
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _empty(ax: Any, message: str = "no episodes yet", theme: str = "light") -> None:
    colour = PALETTES[theme]["muted"]
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=colour)
    ax.set_xticks([])
    ax.set_yticks([])


def episodes_per_week(
    stats: Mapping[str, Any], tr: Words = _same, size: tuple[float, float] = SIZE, theme: str = "light"
) -> Figure:
    with _themed(theme):
        fig, ax = _figure(tr("Cramps per week"), size)
        weeks = stats.get("per_week") or []
        if not weeks:
            _empty(ax, tr("no episodes yet"), theme)
            return fig
        starts = [dt.date.fromisoformat(w["week_start"]) for w in weeks]
        ax.bar(starts, [w["episodes"] for w in weeks], width=6, align="edge", color=PALETTES[theme]["bar"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # there is no half a cramp
        ax.set_ylabel(tr("episodes"))
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        fig.autofmt_xdate()
    return fig


def hour_of_night(
    stats: Mapping[str, Any], tr: Words = _same, size: tuple[float, float] = SIZE, theme: str = "light"
) -> Figure:
    with _themed(theme):
        fig, ax = _figure(tr("When cramps start (local time)"), size)
        by_hour = list(stats.get("by_hour") or [0] * 24)
        # Start the axis at noon so that a night reads left to right without wrapping at midnight.
        order = list(range(12, 24)) + list(range(12))
        ax.bar(range(24), [by_hour[h] for h in order], color=PALETTES[theme]["bar"])
        step = 2 if size[0] >= SIZE[0] else 3  # fewer hour labels on a narrow chart, so they never overlap
        ax.set_xticks(range(0, 24, step), [f"{order[i]:02d}" for i in range(0, 24, step)])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(tr("hour"))
        ax.set_ylabel(tr("episodes"))
    return fig


# Severity is drawn per day, week or month, whichever keeps the chart to a few hundred points at
# most: a chart of every cramp of a 20,000-cramp diary was megabytes of SVG (issue 12).
DAY_RANGE_DAYS = 92
WEEK_RANGE_DAYS = 3 * 365


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the day/week (Monday)/month that holds ``day``."""
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def severity_period(first: dt.date, last: dt.date) -> str:
    span = (last - first).days
    return "day" if span <= DAY_RANGE_DAYS else "week" if span <= WEEK_RANGE_DAYS else "month"


def severity_by_period(
    points: Iterable[tuple[dt.date, int]],
) -> tuple[str, list[tuple[dt.date, float, int, int]]]:
    """(period, [(period start, mean, lowest, highest)]) of (local date, severity) points.

    Summed per day as the points stream by (memory grows with the days, not the cramps), then
    per week or month when the range is long."""
    days: dict[dt.date, list[int]] = {}  # day -> [total, count, lowest, highest]
    for day, severity in points:
        cell = days.get(day)
        if cell is None:
            days[day] = [severity, 1, severity, severity]
        else:
            cell[0] += severity
            cell[1] += 1
            cell[2] = min(cell[2], severity)
            cell[3] = max(cell[3], severity)
    if not days:
        return "day", []
    period = severity_period(min(days), max(days))
    groups: dict[dt.date, list[int]] = {}
    for day in sorted(days):
        total, count, low, high = days[day]
        start = period_start(day, period)
        group = groups.setdefault(start, [0, 0, low, high])
        group[0] += total
        group[1] += count
        group[2] = min(group[2], low)
        group[3] = max(group[3], high)
    return period, [(start, t / n, lo, hi) for start, (t, n, lo, hi) in groups.items()]


def severity_over_time(
    episodes: Iterable[EpisodeRecord],
    tr: Words = _same,
    size: tuple[float, float] = SIZE,
    theme: str = "light",
) -> Figure:
    """The mean severity per day, week or month (by the diary's range), the lowest to highest of
    each period shaded: a bounded number of points however many cramps there are."""
    period, rows = severity_by_period(
        (e.started_at.date(), e.severity) for e in episodes if e.severity is not None
    )
    titles = {  # written out in full so that the catalogue extraction finds each title
        "day": tr("Severity per day (0-10)"),
        "week": tr("Severity per week (0-10)"),
        "month": tr("Severity per month (0-10)"),
    }
    colour = PALETTES[theme]["bar"]
    with _themed(theme):
        fig, ax = _figure(titles[period], size)
        if not rows:
            _empty(ax, tr("no severities recorded"), theme)
            return fig
        starts = [r[0] for r in rows]
        ax.fill_between(starts, [r[2] for r in rows], [r[3] for r in rows], color=colour, alpha=0.2, lw=0)
        marker = "o" if len(rows) < 60 else ""  # dots while they stay apart, a line beyond
        ax.plot(starts, [r[1] for r in rows], marker=marker, ms=3, lw=1.2, color=colour)
        ax.set_ylim(-0.5, 10.5)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel(tr("severity"))
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        fig.autofmt_xdate()
    return fig


def experiment_chart(
    result: Mapping[str, Any],
    theme: str = "light",
    tr: Words = _same,
    title: str | None = None,
    verdict: str | None = None,
) -> Figure:
    """Nightly counts with nights with and without the intervention coloured, and the rate ratio
    with its interval. ``tr`` translates the chart's own words; ``title`` and ``verdict`` are the
    intervention and the verdict already in words (default: their codes made readable)."""
    colours = PALETTES[theme]
    with _themed(theme):
        fig = Figure(figsize=(8.0, 4.2), layout="constrained")
        timeline, ratio = fig.subplots(1, 2, width_ratios=[3, 1])
        nights = result.get("nights") or []
        timeline.set_title(title or str(result.get("intervention", "")).replace("_", " "))
        if nights:
            dates = [dt.date.fromisoformat(n["date"]) for n in nights]
            bars = [colours["on"] if n["on"] else colours["off"] for n in nights]
            timeline.bar(dates, [n["episodes"] for n in nights], color=bars, width=0.9)
            timeline.xaxis.set_major_formatter(DateFormatter("%m-%d"))
            timeline.yaxis.set_major_locator(MaxNLocator(integer=True))  # there is no half a cramp
            timeline.set_ylabel(tr("cramps that night"))
            timeline.bar([], [], color=colours["on"], label=tr("with it"))
            timeline.bar([], [], color=colours["off"], label=tr("without it"))
            timeline.legend(loc="upper right", frameon=False)
        else:
            _empty(timeline, tr("no nights over yet"), theme)
        ratio.set_title(tr("Cramps with it for each without"))
        ci = result.get("ci95")
        # The interval belongs to the pair model's ratio, not to the raw ratio of all nights (which
        # is 0 when no night with it had a cramp, below the interval's lower end).
        point = result.get("rate_ratio_model", result.get("rate_ratio"))
        if point is not None and ci:
            value = float(point)
            error = [[max(value - ci[0], 0.0)], [max(ci[1] - value, 0.0)]]
            ratio.errorbar([0], [value], yerr=error, fmt="o", color=colours["fg"], capsize=6)
            ratio.set_yscale("log")
        ratio.axhline(1.0, color=colours["line"], linestyle="--", linewidth=1)
        ratio.set_xticks([])
        ratio.set_xlabel(verdict or str(result.get("verdict", "")).replace("_", " "))
        for ax in (timeline, ratio):
            ax.spines[["top", "right"]].set_visible(False)
    return fig


def diary_charts(episodes: Sequence[EpisodeRecord], stats: Mapping[str, Any]) -> dict[str, Figure]:
    """The diary's three charts by file name stem."""
    return {
        "episodes_per_week": episodes_per_week(stats),
        "hour_of_night": hour_of_night(stats),
        "severity_over_time": severity_over_time(episodes),
    }
