"""The report's two charts as black-and-white vector SVG, from the diary engineer's figures.

``crampcare.charts`` draws the figures; here they are restyled for print (black bars, no title:
the report has its own translated captions) and saved with text as paths, so the SVG needs no
fonts wherever it is embedded (Typst or a browser).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from crampcare.i18n import translator

WIDTH_IN, HEIGHT_IN = 3.6, 1.9


def _print_style(fig: Any, ylabel: str, xlabel: str | None) -> None:
    fig.set_size_inches(WIDTH_IN, HEIGHT_IN)
    for ax in fig.axes:
        ax.set_title("")
        for patch in ax.patches:
            patch.set_facecolor("#444444")
            patch.set_edgecolor("black")
            patch.set_linewidth(0.3)
        ax.set_ylabel(ylabel, fontsize=7)
        if xlabel is not None:
            ax.set_xlabel(xlabel, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.yaxis.get_major_locator().set_params(integer=True)


def _svg(fig: Any) -> str:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from crampcare.charts import render as _render  # noqa: F401  (selects the Agg backend first)

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "crampcare", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode("utf-8")


def report_charts(stats: Mapping[str, Any], lang: str = "en") -> dict[str, str]:
    """{"per_week": svg, "by_hour": svg} in black and white."""
    from crampcare.charts.figures import episodes_per_week, hour_of_night

    tr = translator(lang)
    week = episodes_per_week(stats)
    _print_style(week, tr("episodes"), None)
    for label in week.axes[0].get_xticklabels():
        label.set_rotation(30)
    hour = hour_of_night(stats)
    _print_style(hour, tr("episodes"), tr("local hour when the cramp started"))
    return {"per_week": _svg(week), "by_hour": _svg(hour)}
