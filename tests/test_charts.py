"""Charts: valid, deterministic SVG and real PNG, from the diary and from an experiment result."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from crampcare.charts import diary_charts, experiment_chart, render, svg_text, write_charts
from crampcare.diary.demo import demo_diary
from crampcare.stats.diary_stats import diary_stats
from crampcare.stats.nof1 import NightObservation, analyze
from crampcare.stats.schedule import make_schedule

SVG = "{http://www.w3.org/2000/svg}svg"


def _demo_figures() -> dict[str, object]:
    data = demo_diary(dt.date(2026, 11, 24))
    return dict(diary_charts(data.episodes, diary_stats(data.episodes, data.day_logs, factors=False)))


def test_diary_charts_render_as_svg_and_png(tmp_path: object) -> None:
    figures = _demo_figures()
    assert set(figures) == {"episodes_per_week", "hour_of_night", "severity_over_time"}
    for fig in figures.values():
        svg = svg_text(fig)  # type: ignore[arg-type]
        assert ET.fromstring(svg).tag == SVG
        assert "<rect" in svg or "<path" in svg
        assert render(fig, "png").startswith(b"\x89PNG\r\n\x1a\n")  # type: ignore[arg-type]


def test_svg_is_deterministic() -> None:
    first = svg_text(_demo_figures()["hour_of_night"])  # type: ignore[arg-type]
    second = svg_text(_demo_figures()["hour_of_night"])  # type: ignore[arg-type]
    assert first == second


def test_empty_diary_and_experiment_charts(tmp_path: object) -> None:
    from pathlib import Path

    empty = diary_charts([], diary_stats([], []))
    plan = make_schedule(dt.date(2026, 11, 2), 7, 2, 3)
    nights = [NightObservation(n.date, n.on, n.pair, 0 if n.on else 1) for n in plan]
    result = {**analyze(nights, intervention="calf_stretch_before_bed", block_days=7)}
    result["nights"] = [{"date": n.date.isoformat(), "on": n.on, "episodes": n.count} for n in nights]
    figures = {**empty, "experiment": experiment_chart(result)}
    written = write_charts(Path(str(tmp_path)) / "charts", figures)
    assert len(written) == 8 and all(p.stat().st_size > 500 for p in written)
    assert "no episodes yet" in svg_text(empty["episodes_per_week"])


def test_experiment_chart_with_no_cramps_on_nights_with_it() -> None:
    # No cramp on any night with it: the raw ratio is 0, below the pair model's interval, which used
    # to give matplotlib negative error bars (the web page's chart failed).
    plan = make_schedule(dt.date(2026, 8, 3), 7, 6, 5)
    nights = [NightObservation(n.date, n.on, n.pair, 0 if n.on else 2) for n in plan]
    result = analyze(nights, intervention="calf_stretch_before_bed", block_days=7)
    assert result["rate_ratio"] == 0 and result["ci95"][0] > 0
    result["nights"] = [{"date": n.date.isoformat(), "on": n.on, "episodes": n.count} for n in nights]
    assert ET.fromstring(svg_text(experiment_chart(result))).tag == SVG
