"""The figures themselves, built from plain records and statistics results (no I/O)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

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


def _figure(title: str, size: tuple[float, float] = SIZE) -> tuple[Figure, Any]:
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _empty(ax: Any, message: str = "no episodes yet") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def episodes_per_week(
    stats: Mapping[str, Any], tr: Words = _same, size: tuple[float, float] = SIZE
) -> Figure:
    fig, ax = _figure(tr("Cramps per week"), size)
    weeks = stats.get("per_week") or []
    if not weeks:
        _empty(ax, tr("no episodes yet"))
        return fig
    starts = [dt.date.fromisoformat(w["week_start"]) for w in weeks]
    ax.bar(starts, [w["episodes"] for w in weeks], width=6, align="edge", color=BAR_COLOUR)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # there is no half a cramp
    ax.set_ylabel(tr("episodes"))
    ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    fig.autofmt_xdate()
    return fig


def hour_of_night(stats: Mapping[str, Any], tr: Words = _same, size: tuple[float, float] = SIZE) -> Figure:
    fig, ax = _figure(tr("When cramps start (local time)"), size)
    by_hour = list(stats.get("by_hour") or [0] * 24)
    # Start the axis at noon so that a night reads left to right without wrapping at midnight.
    order = list(range(12, 24)) + list(range(12))
    ax.bar(range(24), [by_hour[h] for h in order], color=BAR_COLOUR)
    step = 2 if size[0] >= SIZE[0] else 3  # fewer hour labels on a narrow chart, so they never overlap
    ax.set_xticks(range(0, 24, step), [f"{order[i]:02d}" for i in range(0, 24, step)])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(tr("hour"))
    ax.set_ylabel(tr("episodes"))
    return fig


def severity_over_time(
    episodes: Sequence[EpisodeRecord], tr: Words = _same, size: tuple[float, float] = SIZE
) -> Figure:
    fig, ax = _figure(tr("Severity over time (0-10)"), size)
    points = [(e.started_at.replace(tzinfo=None), e.severity) for e in episodes if e.severity is not None]
    if not points:
        _empty(ax, tr("no severities recorded"))
        return fig
    ax.scatter([p[0] for p in points], [p[1] for p in points], s=10, alpha=0.6, color=BAR_COLOUR)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel(tr("severity"))
    ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    fig.autofmt_xdate()
    return fig


def experiment_chart(result: Mapping[str, Any]) -> Figure:
    """Nightly counts with 'on' and 'off' nights coloured, and the rate ratio with its interval."""
    fig = Figure(figsize=(8.0, 4.2), layout="constrained")
    timeline, ratio = fig.subplots(1, 2, width_ratios=[3, 1])
    nights = result.get("nights") or []
    title = str(result.get("intervention", "")).replace("_", " ")
    timeline.set_title(f"Experiment: {title}")
    if nights:
        dates = [dt.date.fromisoformat(n["date"]) for n in nights]
        colours = [ON_COLOUR if n["on"] else OFF_COLOUR for n in nights]
        timeline.bar(dates, [n["episodes"] for n in nights], color=colours, width=0.9)
        timeline.xaxis.set_major_formatter(DateFormatter("%m-%d"))
        timeline.set_ylabel("cramps that night")
        timeline.bar([], [], color=ON_COLOUR, label="on")
        timeline.bar([], [], color=OFF_COLOUR, label="off")
        timeline.legend(loc="upper right", frameon=False)
    else:
        _empty(timeline, "no nights over yet")
    ratio.set_title("Rate ratio (on / off)")
    ci = result.get("ci95")
    # The interval belongs to the pair model's ratio, not to the raw ratio of all nights (which is
    # 0 when no night with it had a cramp, below the interval's lower end).
    point = result.get("rate_ratio_model", result.get("rate_ratio"))
    if point is not None and ci:
        value = float(point)
        error = [[max(value - ci[0], 0.0)], [max(ci[1] - value, 0.0)]]
        ratio.errorbar([0], [value], yerr=error, fmt="o", color="black", capsize=6)
        ratio.set_yscale("log")
    ratio.axhline(1.0, color="grey", linestyle="--", linewidth=1)
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
