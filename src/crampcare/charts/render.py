"""Rendering figures to bytes and files (the only I/O of the charts package)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, no browser; must precede any pyplot import anywhere

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FORMATS = ("svg", "png")


def render(fig: Figure, fmt: str) -> bytes:
    """The figure as SVG or PNG bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "crampcare", "svg.fonttype": "none"}):
        # The figure's own background, not whatever the global settings say now (see figures.DRAW_LOCK).
        fig.savefig(
            buffer,
            format=fmt,
            metadata={"Date": None} if fmt == "svg" else None,
            dpi=100,
            facecolor=fig.get_facecolor(),
        )
    return buffer.getvalue()


def svg_text(fig: Figure) -> str:
    return render(fig, "svg").decode("utf-8")


def write_charts(folder: Path, figures: Mapping[str, Figure]) -> list[Path]:
    """Write NAME.svg and NAME.png for every figure; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figures.items():
        for fmt in FORMATS:
            path = folder / f"{name}.{fmt}"
            path.write_bytes(render(fig, fmt))
            written.append(path)
    return written
