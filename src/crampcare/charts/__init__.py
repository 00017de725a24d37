"""Charts of the diary and of experiments, as SVG text or PNG bytes, drawn with matplotlib's Agg.

No browser and no pyplot: every chart is a ``matplotlib.figure.Figure`` rendered through its own
canvas, so rendering is safe in a web server's threads. SVG output is deterministic (fixed hash
salt, no date metadata) so the same data gives the same file.

- ``diary_charts(episodes, stats)`` -> {name: Figure} for episodes per week, hour of night,
  severity over time; ``experiment_chart(result)`` -> Figure.
- ``render(fig, "svg"|"png")`` -> bytes; ``svg_text(fig)`` -> str.
- ``write_charts(folder, figures)`` writes NAME.svg and NAME.png for each.
"""

from crampcare.charts.figures import diary_charts, experiment_chart
from crampcare.charts.render import render, svg_text, write_charts

__all__ = ["diary_charts", "experiment_chart", "render", "svg_text", "write_charts"]
