"""The doctor report's experiment section, CENT-style (issue 15): the design diagram, per-period
results, adherence, the effect with its interval and p in words, the limits and the imported label,
in the HTML and in the PDF read back, in English and Russian."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from tests.test_report import TODAY, _make, _pdf_text, filled

__all__ = ["filled"]


def _periods(db_url: str) -> tuple[list[dict[str, Any]], list[tuple[str, bool]]]:
    """The experiment's pairs as the statistics count them, and its blocks (first night, on)."""
    from crampcare.experiments.service import analyze_experiment, list_experiments
    from crampcare.storage import get_or_create_user, open_database

    db = open_database(db_url)
    with db.session() as session:
        user = get_or_create_user(session)
        (experiment,) = list_experiments(session, user)
        result = analyze_experiment(session, user, experiment, as_of=TODAY, estimate_weeks=False)
        blocks = [
            (n.date.isoformat(), n.on)
            for n in sorted(experiment.nights, key=lambda n: n.date)
            if (n.date - experiment.start_date).days % experiment.block_days == 0
        ]
    db.dispose()
    return result["periods"], blocks


def _flat(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _expected(periods: list[dict[str, Any]], blocks: list[tuple[str, bool]], lang: str) -> list[str]:
    """Each block's cramps a night, in the order of the schedule, as the report must print them."""
    out = []
    for index, (_, on) in enumerate(blocks):
        p = periods[index // 2]
        k, n = (p["episodes_on"], p["nights_on"]) if on else (p["episodes_off"], p["nights_off"])
        rate = f"{k / n:.2f}"
        if lang == "en":
            out.append(
                f"{k} cramp{'' if k == 1 else 's'} in {n} night{'' if n == 1 else 's'} ({rate} a night)"
            )
        else:  # each count agrees with its own noun (CLDR plural categories)
            cramps = {"one": "судорога", "few": "судороги", "many": "судорог"}[Locale("ru").plural_form(k)]
            nights = {"one": "ночь", "few": "ночи", "many": "ночей"}[Locale("ru").plural_form(n)]
            out.append(f"{k} {cramps} за {n} {nights} ({rate.replace('.', ',')} за ночь)")
    return out


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_report_experiment_section_in_english(filled: Any, fmt: str, tmp_path: Path) -> None:
    url, _, _ = filled
    data, content = _make(url, fmt)
    text = _flat(data.decode("utf-8")) if fmt == "html" else _flat(_pdf_text(data, tmp_path)[0])
    periods, blocks = _periods(url)
    assert len(blocks) == 4 and len(periods) == 2
    # The diagram: the blocks in order, with and without in words and their dates, then their results.
    for (start, on), counted in zip(blocks, _expected(periods, blocks, "en"), strict=True):
        day = dt.date.fromisoformat(start)
        end = (day + dt.timedelta(days=6)).isoformat()[5:]
        assert f"{'ON' if on else 'off'} {start[5:]} – {end} {counted}" in text, (start, counted)
    assert "ON: nights with it; off: nights without it." in text
    # Per-period results pair by pair.
    for p in periods:
        rate_on, rate_off = p["episodes_on"] / p["nights_on"], p["episodes_off"] / p["nights_off"]
        assert (
            f"{p['pair']} {p['episodes_on']} in {p['nights_on']} nights ({rate_on:.2f} a night) "
            f"{p['episodes_off']} in {p['nights_off']} nights ({rate_off:.2f} a night) yes"
        ) in text
    # Adherence from the day log (stretched on every other day), the effect in words, the limits.
    assert "Adherence (from the day log): done on 7 of 14 recorded nights meant to be with it" in text
    e = content["experiments"][0]
    assert "the true ratio is probably between" in text and "(randomisation test, p = 0.500)" in text
    assert "this schedule cannot make it clear: with 2 pairs of blocks the smallest possible p is 0.5" in text
    assert e["cent"]["effect"] in text
    assert "What this cannot say: the result is about you" in text
    assert "Imported: this experiment was run elsewhere" in text


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_report_experiment_section_in_russian(filled: Any, fmt: str, tmp_path: Path) -> None:
    url, _, _ = filled
    data, _ = _make(url, fmt, "ru")
    text = _flat(data.decode("utf-8")) if fmt == "html" else _flat(_pdf_text(data, tmp_path)[0])
    periods, blocks = _periods(url)
    for (start, on), counted in zip(blocks, _expected(periods, blocks, "ru"), strict=True):
        assert f"{'ДА' if on else 'нет'} {start[5:]} –" in text and counted in text
    assert "Результаты по парам периодов" in text
    assert "Соблюдение плана (по дневнику дня): сделано в 7 из 14" in text
    assert "истинное отношение, вероятно, лежит между" in text and "p = 0,500" in text
    assert "Чего этот опыт сказать не может" in text and "Внесён из другого источника" in text
    section = text[text.index("Схема: ") : text.index("Чего этот опыт") + 600]
    for english in ("cramps", "nights", "Verdict", "Adherence", "pair", "likely", "_"):
        assert english not in section, english
