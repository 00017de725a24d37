"""Typesetting the report: PDF through Typst (the ``typst`` package), and an HTML variant.

Both take the content of :func:`crampcare.report.data.build_report` and the SVG charts, so they
show the same sections and numbers. Labels are translated through ``report.po``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from crampcare.i18n import translator

LABELS: dict[str, str] = {
    "period": "Period",
    "generated": "Prepared",
    "patient": "Patient",
    "age_sex": "Age, sex",
    "years": "years",
    "conditions": "Conditions",
    "labs": "Recent results",
    "none_reported": "none reported",
    "no_assessment": "No assessment has been saved yet.",
    "medicines": "Medicines",
    "none_recorded": "none recorded",
    "medicine": "Medicine",
    "dose": "Dose",
    "since": "Since",
    "cramps": "Cramps",
    "assessment": "Latest assessment",
    "assessed": "Date",
    "triage": "Triage",
    "why": "Why",
    "do_now": "What to do now",
    "check_answers": "Answers to check",
    "red_flags": "Red flags",
    "none_found": "none found",
    "factors": "Contributing factors",
    "condition": "Possible explanation",
    "probability": "Likelihood",
    "supporting": "For",
    "against": "Against",
    "diary": "Cramp diary",
    "no_episodes": "No episodes recorded in this period.",
    "recorded": "Recorded",
    "episodes_on": "episodes on",
    "of": "of",
    "nights": "nights",
    "frequency": "Frequency",
    "per_week": "episodes per week",
    "severity": "Severity",
    "mean": "mean",
    "median_duration": "median duration",
    "woke": "woke from sleep:",
    "where_when": "Where, when",
    "at_night": "between 22:00 and 07:00",
    "trend": "Trend (rate ratio)",
    "chart_week": "Episodes per week",
    "chart_hour": "Hour of onset (local time, from noon)",
    "experiments": "Self-experiments (randomised on/off nights)",
    "intervention": "Intervention",
    "nights_on_off": "Nights on/off",
    "cramps_on_off": "Cramps on/off",
    "rate_ratio": "Rate ratio",
    "ci95": "95% CI",
    "prob_benefit": "P(helps)",
    "verdict": "Verdict",
    "experiment_note": "Rate ratio = cramps per night on / off; below 1: fewer cramps on the intervention.",
    "tests": "Tests to discuss",
    "none_suggested": "none suggested",
    "not_recommended": "Not recommended for this patient",
    "references": "References",
}


def labels(lang: str) -> dict[str, str]:
    tr = translator(lang)
    return {k: tr(v) for k, v in LABELS.items()}


def _template() -> str:
    return resources.files(__package__).joinpath("report.typ").read_text(encoding="utf-8")


def render_pdf(content: Mapping[str, Any], charts: Mapping[str, str]) -> bytes:
    """The report as PDF bytes, typeset by Typst (vector charts, no network, no system fonts)."""
    import typst

    with tempfile.TemporaryDirectory(prefix="crampcare-report-") as tmp:
        folder = Path(tmp)
        (folder / "report.typ").write_text(_template(), encoding="utf-8")
        (folder / "data.json").write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        (folder / "labels.json").write_text(
            json.dumps(labels(str(content.get("lang", "en"))), ensure_ascii=False), encoding="utf-8"
        )
        for name, svg in charts.items():
            (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
        pdf = typst.compile(str(folder / "report.typ"), root=str(folder), format="pdf")
    if not isinstance(pdf, bytes):  # pragma: no cover - the binding returns bytes without an output path
        raise RuntimeError("typst returned no PDF")
    return pdf


def render_html(content: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    """The same report as one self-contained HTML page (inline SVG charts, print stylesheet)."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=PackageLoader("crampcare.report", "."), autoescape=select_autoescape(["html"]))
    svg = {name: Markup(_strip_xml_prolog(text)) for name, text in charts.items()}
    return env.get_template("report.html").render(
        d=content, L=labels(str(content.get("lang", "en"))), svg=svg
    )


def _strip_xml_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
