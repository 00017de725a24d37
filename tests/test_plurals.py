"""Counts and decimals in visible text follow the language: plural forms (CLDR, through the catalogue's
Plural-Forms) and number formatting (Babel). English "1 night", "2 nights"; Russian "1 ночь", "2 ночи",
"5 ночей", "21 ночь", "31 судорога"; a decimal comma in Russian ("1,5"), a point in English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from crampcare.i18n import ntr, number, plural_catalogue, plural_index, translator

COUNTS = (1, 2, 5, 21, 31)
CLDR_INDEX = {"one": 0, "few": 1, "many": 2}  # the order of msgstr[0..2] in the Russian catalogues
# Russian forms the catalogue must give (noun -> one, few, many)
NOUNS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("{n} night", "{n} nights"): ("ночь", "ночи", "ночей"),
    ("{n} cramp", "{n} cramps"): ("судорога", "судороги", "судорог"),
    ("{k} in {n} night ({rate} a night)", "{k} in {n} nights ({rate} a night)"): ("ночь", "ночи", "ночей"),
}
BAD = re.compile(
    r"\b1 (nights|cramps|episodes|pairs|evenings|weeks|rows)\b"
    r"|\b(2|5|21|31) (night|cramp|episode|pair|evening)\b"
)


def _russian_form(n: int) -> int:
    return CLDR_INDEX[Locale("ru").plural_form(n)]


@settings(deadline=None, max_examples=300)
@given(n=st.integers(min_value=0, max_value=10_000), noun=st.sampled_from(sorted(NOUNS)))
def test_russian_plural_form_follows_the_cldr_rule(n: int, noun: tuple[str, str]) -> None:
    wanted = _russian_form(n)
    assert plural_index("ru", n) == wanted
    text = ntr(noun[0], noun[1], n, "ru", k=3, rate="0,5")
    assert NOUNS[noun][wanted] in text.split()
    assert re.search(r"\d", text)  # the count itself is written


@settings(deadline=None, max_examples=200)
@given(n=st.integers(min_value=0, max_value=10_000))
def test_english_plural_form(n: int) -> None:
    text = ntr("{n} night", "{n} nights", n, "en")
    assert text.endswith(" night" if n == 1 else " nights")


@settings(deadline=None, max_examples=200)
@given(whole=st.integers(min_value=0, max_value=10_000), tenths=st.integers(min_value=1, max_value=9))
def test_decimal_comma_in_russian_point_in_english(whole: int, tenths: int) -> None:
    value = whole + tenths / 10
    ru, en = number("ru", value), number("en", value)
    assert ru.endswith(f",{tenths}") and "." not in ru
    assert en.endswith(f".{tenths}")
    assert float(en.replace(",", "")) == pytest.approx(value)
    assert float(ru.replace("\xa0", "").replace(",", ".")) == pytest.approx(value)


def test_a_fraction_takes_the_genitive_singular_in_russian() -> None:
    assert plural_index("ru", 1.5) == 1  # "1,5 литра", as CLDR's "other" for fractions
    assert plural_index("en", 1.5) == 1  # "1.5 litres"


def test_every_plural_message_of_every_russian_catalogue_has_three_forms() -> None:
    plurals = plural_catalogue("ru")
    assert plurals, "no plural messages were read from the catalogues"
    for ids, forms in plurals.items():
        assert len(forms) == 3 and all(forms), ids


# --- real outputs ---------------------------------------------------------------------------------


def _result(nights: int, cramps: int) -> dict[str, Any]:
    """An N-of-1 result before two complete pairs (the "too early" explanation)."""
    return {
        "nights_on": nights,
        "nights_off": nights,
        "episodes_on": cramps,
        "episodes_off": cramps,
        "ci95": None,
        "pairs_analysed": 1,
        "pairs_planned": 8,
        "inconclusive_reason": "too_few_pairs_so_far",
    }


@pytest.mark.parametrize("n", COUNTS)
def test_experiment_explanation_agrees_with_counts(n: int) -> None:
    from crampcare.stats.nof1_words import explain

    en = explain(_result(n, n), "calf stretching", "en")
    ru = explain(_result(n, n), "растяжка", "ru")
    assert not BAD.search(en), en
    night = {1: "ночь", 2: "ночи", 5: "ночей", 21: "ночь", 31: "ночь"}[n]
    cramp = {1: "судорога", 2: "судороги", 5: "судорог", 21: "судорога", 31: "судорога"}[n]
    assert f"{n} {cramp} за {n} {night}" in ru, ru
    assert f"{n} night{'s' if n != 1 else ''}" in en


def _analysis(n: int) -> dict[str, Any]:
    period = {
        "pair": 1,
        "order": "on_first",
        "episodes_on": n,
        "nights_on": n,
        "episodes_off": 3,
        "nights_off": 2,
        "complete": True,
    }
    return {
        "id": 7,
        "pairs_planned": n,
        "periods": [period],
        "adherence": {
            "nights_recorded": n,
            "done_on_on_nights": n,
            "on_nights_recorded": n,
            "done_on_off_nights": 0,
            "off_nights_recorded": n,
        },
        "explanation": "",
        "disclaimer": "",
    }


@pytest.mark.parametrize("n", COUNTS)
def test_experiment_analyze_text_agrees_with_counts(n: int, capsys: pytest.CaptureFixture[str]) -> None:
    from crampcare.cli.experiment_text import print_result

    print_result(_analysis(n), "en", True)
    en = " ".join(capsys.readouterr().out.split())
    print_result(_analysis(n), "ru", True)
    ru = " ".join(capsys.readouterr().out.split())
    assert f"Design: {n} pair{'s' if n != 1 else ''} of blocks" in en
    assert not BAD.search(en), en
    pair = {1: "пара", 2: "пары", 5: "пар", 21: "пара", 31: "пара"}[n]
    assert f"Схема: {n} {pair} периодов" in ru
    assert "1.5" not in ru and "1,50" in ru  # 3 cramps in 2 nights: 1,50 a night


def _dashboard_summary(lang: str, n: int) -> str:
    from functools import partial

    from crampcare.web.context import TEMPLATES

    stats = SimpleNamespace(
        episodes=n,
        nights_with_cramps=n,
        nights=n,
        mean_severity=5.5,
        median_duration_s=90,
        first="2026-11-01",
        last="2026-12-01",
        days_logged=n,
    )
    tr = translator(lang)
    return TEMPLATES.env.get_template("_diary_summary.html").render(
        _=tr, ngettext=partial(ntr, lang=tr), number=partial(number, lang), lang=lang, stats=stats, charts={}
    )


@pytest.mark.parametrize("n", COUNTS)
def test_web_dashboard_summary_agrees_with_counts(n: int) -> None:
    en = " ".join(_dashboard_summary("en", n).split())
    ru = " ".join(_dashboard_summary("ru", n).split())
    assert f"{n} evening{'s' if n != 1 else ''} logged" in en and "5.5" in en
    assert not BAD.search(re.sub(r"<[^>]+>", "", en)), en
    evening = {1: "вечер", 2: "вечера", 5: "вечеров", 21: "вечер", 31: "вечер"}[n]
    assert f"{n} {evening}." in ru and "5,5" in ru and "5.5" not in ru
    cramp = {1: "судорога", 2: "судороги", 5: "судорог", 21: "судорога", 31: "судорога"}[n]
    assert f"<strong>{n}</strong> {cramp}</div>" in ru


@pytest.mark.parametrize("n", COUNTS)
def test_doctor_report_agrees_with_counts(n: int, tmp_path: Path) -> None:
    """The real report from a real diary with ``n`` cramps on ``n`` nights (both languages)."""
    from crampcare.diary.service import import_records
    from crampcare.records import EpisodeRecord
    from crampcare.report import report_content
    from crampcare.report.render import render_html
    from crampcare.storage import get_or_create_user, open_database

    tz = dt.timezone(dt.timedelta(hours=1))
    start = dt.date(2026, 10, 1)
    episodes = [
        EpisodeRecord(
            dt.datetime.combine(start + dt.timedelta(days=d), dt.time(3, 0), tzinfo=tz),
            "calf",
            "left",
            60,
            5,
            True,
        )
        for d in range(n)
    ]
    db = open_database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    pages = {}
    with db.session() as session:
        user = get_or_create_user(session)
        import_records(session, user, episodes, [])
        for lang in ("en", "ru"):
            content = report_content(session, user, lang=lang, today=start + dt.timedelta(days=n + 1))
            pages[lang] = " ".join(re.sub(r"<[^>]+>", " ", render_html(content, {})).split())
    db.dispose()
    night = {1: "ночи", 2: "ночей", 5: "ночей", 21: "ночи", 31: "ночи"}[n]
    assert f"{n} episode{'s' if n != 1 else ''} on {n} of {n} night{'s' if n != 1 else ''}" in pages["en"]
    assert not BAD.search(pages["en"])
    episode = {1: "эпизод", 2: "эпизода", 5: "эпизодов", 21: "эпизод", 31: "эпизод"}[n]
    assert f"{n} {episode} за {n} из {n} {night}" in pages["ru"], pages["ru"]


# --- the command line, in the language of --lang or CRAMPCARE_LANG --------------------------------


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from crampcare.cli import app

    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, " ".join(result.stdout.split()), " ".join(result.stderr.split())


def _diary_with(db_url: str, n: int) -> None:
    """``n`` cramps, one on each of ``n`` nights, severity 5 and 6 in turn (a mean with a decimal)."""
    from crampcare.diary.service import import_records
    from crampcare.records import EpisodeRecord
    from crampcare.storage import get_or_create_user, open_database

    tz = dt.timezone(dt.timedelta(hours=3))
    episodes = [
        EpisodeRecord(
            dt.datetime.combine(dt.date(2026, 10, 1) + dt.timedelta(days=d), dt.time(3, 0), tzinfo=tz),
            "calf",
            "left",
            60,
            5 + d % 2,
            True,
        )
        for d in range(n)
    ]
    db = open_database(db_url)
    try:
        with db.session() as session:
            import_records(session, get_or_create_user(session), episodes, [])
    finally:
        db.dispose()


@pytest.mark.parametrize("n", COUNTS)
def test_stats_in_both_languages(n: int, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    _diary_with(url, n)
    code, en, err = _cli("stats", "--db", url)
    assert code == 0, err
    code, ru, err = _cli("stats", "--db", url, env={"CRAMPCARE_LANG": "ru"})
    assert code == 0, err
    assert "Дневник с" in ru and "ночей охвачено" in ru and "cramps" not in ru and "trend" not in ru
    nights = {1: "ночь", 2: "ночи", 5: "ночей", 21: "ночь", 31: "ночь"}[n]
    assert f"пока: {n} {nights}, {n} судорог" in ru  # "пока: 21 ночь, 21 судорога"
    assert not BAD.search(en), en
    if n > 1:  # a mean of 5 and 6: 5.5 / 5,5 (5.52 and so on for odd counts)
        assert re.search(r"\b5,\d", ru) and not re.search(r"\b5\.\d", ru)
        assert re.search(r"\b5\.\d", en)


def test_stats_language_on_both_databases(db_url: str) -> None:
    _diary_with(db_url, 21)
    code, ru, err = _cli("stats", "--lang", "ru", "--db", db_url)
    assert code == 0, err
    assert "21 ночь, 21 судорога" in ru
    code, _, err = _cli("stats", "--lang", "de", "--db", db_url)
    assert code == 2 and "--lang" in err and "en, ru" in err


@pytest.mark.parametrize("block_days", [1, 2, 5, 21])
def test_experiment_create_title_agrees_with_counts(block_days: int, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.sqlite'}"
    args = (
        "experiment",
        "create",
        "--intervention",
        "calf_stretch_before_bed",
        "--start",
        "2026-09-07",
        "--imported",
    )
    common = ("--pairs", "2", "--block-days", str(block_days), "--washout", "0", "--db", url)
    code, en, err = _cli(*args, *common)
    assert code == 0, err
    assert f"2 pairs of {block_days}-night block" in en and "calf_stretch" not in en
    code, ru, err = _cli(*args, *common, "--lang", "ru")
    assert code == 0, err
    nights = {1: "ночи", 2: "ночи", 5: "ночей", 21: "ночи"}[block_days]
    assert f"2 пары периодов по {block_days} {nights}" in ru and "calf_stretch" not in ru


def test_experiment_analyze_follows_crampcare_lang(tmp_path: Path) -> None:
    from tests.test_experiment_design_cli import _fill_experiment

    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    _fill_experiment(url, 6)
    code, ru, err = _cli(
        "experiment", "analyze", "--as-of", "2026-12-31", "--db", url, env={"CRAMPCARE_LANG": "ru"}
    )
    assert code == 0, err
    assert "Схема: 6 пар периодов" in ru and "Design" not in ru
    assert not re.search(r"\d\.\d", ru)  # rates, ratios and p with a decimal comma
    code, en, err = _cli("experiment", "analyze", "--as-of", "2026-12-31", "--db", url)
    assert code == 0 and "Design: 6 pairs of blocks" in en and not BAD.search(en)


@pytest.mark.parametrize("n", [1, 2, 5, 21, 31])
def test_web_dashboard_import_and_summary_in_both_languages(any_app: Any, n: int) -> None:  # noqa: F811
    """The real web app (SQLite and PostgreSQL): import ``n`` cramps, then the dashboard's words."""
    from tests.web_support import sign_up_owner

    anna = sign_up_owner(any_app)
    rows = "".join(
        f"2026-11-{1 + d // 24:02d}T{d % 24:02d}:30:00+01:00,60,calf,left,{5 + d % 2},true,,\n"
        for d in range(n)
    )
    csv_text = "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n" + rows
    files = {"file": ("cramps.csv", csv_text.encode(), "text/csv")}
    page = " ".join(anna.client.post("/diary/import", data={"csrf": anna.token()}, files=files).text.split())
    assert f"Imported {n} row{'s' if n != 1 else ''}:" in page
    assert anna.post("/language", {"lang": "ru", "next": "/diary"}).status_code == 303
    ru = " ".join(anna.get("/diary").text.split())
    cramp = {1: "судорога", 2: "судороги", 5: "судорог", 21: "судорога", 31: "судорога"}[n]
    assert f"<strong>{n}</strong> {cramp}</div>" in ru
    if n > 1:
        assert re.search(r"<strong>5,\d+</strong>", ru) and not re.search(r"<strong>5\.\d", ru)
    files = {"file": ("cramps.csv", csv_text.encode(), "text/csv")}
    again = " ".join(anna.client.post("/diary/import", data={"csrf": anna.token()}, files=files).text.split())
    row = {1: "строка", 2: "строки", 5: "строк", 21: "строка", 31: "строка"}[n]
    assert f"{n} {row}" in again


from tests.web_support import any_app  # noqa: E402, F401  (a fixture: the web app on SQLite and PostgreSQL)
