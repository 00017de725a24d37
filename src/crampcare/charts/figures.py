"""The figures themselves, built from plain records and statistics results (no I/O)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from crampcare.diary.records import EpisodeRecord

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


def severity_over_time(
    episodes: Sequence[EpisodeRecord],
    tr: Words = _same,
    size: tuple[float, float] = SIZE,
    theme: str = "light",
) -> Figure:
    with _themed(theme):
        fig, ax = _figure(tr("Severity over time (0-10)"), size)
        points = [(e.started_at.replace(tzinfo=None), e.severity) for e in episodes if e.severity is not None]
        if not points:
            _empty(ax, tr("no severities recorded"), theme)
            return fig
        colour = PALETTES[theme]["bar"]
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=10, alpha=0.6, color=colour)
        ax.set_ylim(-0.5, 10.5)
        ax.set_yticks(range(0, 11, 2))
        ax.set_ylabel(tr("severity"))
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        fig.autofmt_xdate()
    return fig


def experiment_chart(result: Mapping[str, Any], theme: str = "light") -> Figure:
    """Nightly counts with 'on' and 'off' nights coloured, and the rate ratio with its interval."""
    colours = PALETTES[theme]
    with _themed(theme):
        fig = Figure(figsize=(8.0, 4.2), layout="constrained")
        timeline, ratio = fig.subplots(1, 2, width_ratios=[3, 1])
        nights = result.get("nights") or []
        title = str(result.get("intervention", "")).replace("_", " ")
        timeline.set_title(f"Experiment: {title}")
        if nights:
            dates = [dt.date.fromisoformat(n["date"]) for n in nights]
            bars = [colours["on"] if n["on"] else colours["off"] for n in nights]
            timeline.bar(dates, [n["episodes"] for n in nights], color=bars, width=0.9)
            timeline.xaxis.set_major_formatter(DateFormatter("%m-%d"))
            timeline.set_ylabel("cramps that night")
            timeline.bar([], [], color=colours["on"], label="on")
            timeline.bar([], [], color=colours["off"], label="off")
            timeline.legend(loc="upper right", frameon=False)
        else:
            _empty(timeline, "no nights over yet", theme)
        ratio.set_title("Rate ratio (on / off)")
        ci = result.get("ci95")
        if result.get("rate_ratio") is not None and ci:
            value = float(result["rate_ratio"])
            error = [[value - ci[0]], [ci[1] - value]]
            ratio.errorbar([0], [value], yerr=error, fmt="o", color=colours["fg"], capsize=6)
            ratio.set_yscale("log")
        ratio.axhline(1.0, color=colours["line"], linestyle="--", linewidth=1)
        ratio.set_xticks([])
        ratio.set_xlabel(str(result.get("verdict", "")).replace("_", " "))
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
