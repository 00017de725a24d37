"""Charts readable on a phone (issue 11): type of 12 px or more when the chart fills a 390 px screen,
whole-number ticks for counts, titles and labels in the person's language."""

from __future__ import annotations

import re
from typing import Any

from tests.web_support import Browser, app, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]
PHONE_CHART_PX = 363  # a 390 px screen minus the page's padding (measured in the browser test)


def _font_sizes(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r"font[^;\"]*?(\d+(?:\.\d+)?)px", svg)]


def _view_width(svg: str) -> float:
    match = re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg)
    assert match
    return float(match.group(1))


def _log_some(owner: Browser) -> None:
    for day, severity in (("2026-11-02T03:10", "4"), ("2026-11-09T02:40", "7"), ("2026-11-10T04:05", "5")):
        form = {"started_at": day, "tz": "UTC", "muscle": "calf", "side": "left", "severity": severity}
        assert owner.post("/diary/episodes/new", form).status_code == 303


def test_chart_type_is_large_enough_on_a_phone(app: Any, owner: Browser) -> None:
    _log_some(owner)
    for name in ("episodes_per_week", "hour_of_night", "severity_over_time"):
        svg = owner.get(f"/diary/charts/{name}.svg").text
        sizes = _font_sizes(svg)
        assert sizes, name
        shown = min(sizes) * PHONE_CHART_PX / _view_width(svg)
        assert shown >= 12, (name, shown)


def _tick_labels(svg: str) -> list[str]:
    # matplotlib writes each tick label as a <text> inside a group whose id starts with "text_".
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_count_ticks_are_whole_numbers(app: Any, owner: Browser) -> None:
    _log_some(owner)
    for name in ("episodes_per_week", "hour_of_night"):
        labels = _tick_labels(owner.get(f"/diary/charts/{name}.svg").text)
        numbers = [t for t in labels if re.fullmatch(r"[\d.,−-]+", t.strip())]
        assert numbers, name
        assert not [t for t in numbers if "." in t or "," in t], (name, numbers)


def test_chart_words_are_translated(app: Any, owner: Browser) -> None:
    _log_some(owner)
    assert owner.post("/language", {"lang": "ru", "next": "/diary"}).status_code == 303
    svg = owner.get("/diary/charts/episodes_per_week.svg").text
    labels = " ".join(_tick_labels(svg))
    assert "Судорог в неделю" in labels and "судорог" in labels, labels
    assert "Cramps per week" not in labels and "episodes" not in labels
    hours = " ".join(_tick_labels(owner.get("/diary/charts/hour_of_night.svg").text))
    assert "hour" not in hours and "episodes" not in hours


def test_the_report_page_fits_a_phone(app: Any, owner: Browser) -> None:
    _log_some(owner)
    page = owner.get("/report.html")
    assert page.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
