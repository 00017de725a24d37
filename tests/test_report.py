"""The doctor report: content against the data, the Typst PDF read back (pypdf, pypdfium2), HTML, CLI, web."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from crampcare.cli import app as cli_app
from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.stats.diary_stats import diary_stats

runner = CliRunner()
TODAY = dt.date(2026, 11, 25)
TZ = dt.timezone(dt.timedelta(hours=1))
PERSON: dict[str, Any] = {
    "age_years": 67,
    "sex": "female",
    "pregnancy": {"pregnant": False},
    "cramps": {
        "timing": ["night"],
        "locations": ["calf"],
        "side": "both",
        "episodes_per_week": 4,
        "weeks_since_onset": 10,
        "pain_severity_0_10": 7,
    },
    "findings": [
        "sudden_painful_tightening",
        "visible_or_palpable_knot",
        "relieved_by_stretching",
        "sleep_disrupted",
    ],
    "conditions": ["hypertension"],
    "medications": ["Hydrochlorothiazide 25 mg", "Lipitor", "Quinine 200 mg"],
    "lifestyle": {"fluid_litres_per_day": 1.0, "activity": "sedentary"},
    "labs": {"potassium_mmol_l": 3.3},
}


def _episodes() -> list[EpisodeRecord]:
    rng = random.Random(7)
    out = []
    for day in range(70):
        night = dt.date(2026, 9, 1) + dt.timedelta(days=day)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            hour = rng.choice([23, 1, 2, 3, 4])
            date = night + dt.timedelta(days=0 if hour >= 12 else 1)
            start = dt.datetime.combine(date, dt.time(hour, rng.randint(0, 59)), tzinfo=TZ)
            out.append(
                EpisodeRecord(
                    start,
                    rng.choice(["calf", "calf", "foot"]),
                    rng.choice(["left", "right"]),
                    rng.choice([60, 90, 120]),
                    rng.randint(3, 9),
                    rng.random() < 0.8,
                )
            )
    return list({e.key: e for e in out}.values())


def _fill(db_url: str) -> tuple[list[EpisodeRecord], list[DayLogRecord]]:
    from crampcare.diary.service import add_medication, import_records
    from crampcare.experiments.service import create_experiment
    from crampcare.storage import get_or_create_user, open_database

    episodes = _episodes()
    logs = [DayLogRecord(dt.date(2026, 9, 1) + dt.timedelta(days=d), d % 2 == 0, 1.2) for d in range(70)]
    db = open_database(db_url)
    with db.session() as session:
        user = get_or_create_user(session)
        import_records(session, user, episodes, logs)
        add_medication(session, user, "Hydrochlorothiazide", dt.date(2025, 3, 1), dose="25 mg once a day")
        add_medication(
            session, user, "Paracetamol", dt.date(2026, 1, 1), dt.date(2026, 2, 1)
        )  # stopped: not shown
        create_experiment(
            session, user, "calf_stretch_before_bed", dt.date(2026, 10, 1), 7, 2, seed=3, imported=True
        )
    db.dispose()
    return episodes, logs


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, list[EpisodeRecord], list[DayLogRecord]]:
    url = f"sqlite:///{tmp_path / 'report.sqlite'}"
    episodes, logs = _fill(url)
    return url, episodes, logs


def _make(db_url: str, fmt: str, lang: str = "en", **kw: Any) -> tuple[bytes, dict[str, Any]]:
    from crampcare.report import make_report, report_content
    from crampcare.report.data import assessment_from_json
    from crampcare.storage import get_or_create_user, open_database

    snapshot = assessment_from_json(PERSON, "2026-11-24", lang)
    db = open_database(db_url)
    with db.session() as session:
        user = get_or_create_user(session)
        content = report_content(session, user, lang=lang, assessment=snapshot, today=TODAY, **kw)
        data = make_report(session, user, fmt=fmt, lang=lang, assessment=snapshot, today=TODAY, **kw)
    db.dispose()
    return data, content


def _pdf_text(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \t]+", " ", text), len(reader.pages)


def test_content_numbers_match_the_diary(filled: Any) -> None:
    url, episodes, logs = filled
    _, content = _make(url, "html")
    stats = diary_stats(episodes, logs, factors=False)
    diary = content["diary"]
    assert diary["episodes"] == len(episodes) == stats["episodes"]
    assert diary["nights"] == stats["nights"] and diary["nights_with_cramps"] == stats["nights_with_cramps"]
    assert diary["per_week"] == f"{7 * len(episodes) / stats['nights']:.1f}"
    assert diary["mean_severity"] == f"{sum(e.severity or 0 for e in episodes) / len(episodes):.1f}"
    assert diary["median_duration_s"] == stats["median_duration_s"]
    assert diary["woke"] == sum(1 for e in episodes if e.woke_from_sleep)
    meds = {m["name"]: m for m in content["medicines"]}
    assert "Paracetamol" not in meds  # stopped
    assert (
        meds["Hydrochlorothiazide"]["highlight"] and meds["Hydrochlorothiazide"]["dose"] == "25 mg once a day"
    )
    # statins: Garrison 2012 sequence ratio 1.16 (1.04-1.29), small, and mostly nocebo in blinded trials
    assert meds["Lipitor"]["association_text"] == "possibly linked to cramps"
    assert meds["Lipitor"]["highlight"]
    assert content["assessment"]["triage"] in ("routine", "urgent")
    assert "quinine" in {r["id"] for r in content["not_recommended"]}
    (experiment,) = content["experiments"]
    assert experiment["nights_on"] == experiment["nights_off"] == 14


def test_pdf_has_every_section_and_number(filled: Any, tmp_path: Path) -> None:
    url, episodes, _ = filled
    pdf, content = _make(url, "pdf")
    assert pdf.startswith(b"%PDF")
    text, pages = _pdf_text(pdf, tmp_path)
    assert 1 <= pages <= 2
    for heading in (
        "PATIENT",
        "MEDICINES",
        "LATEST ASSESSMENT",
        "CRAMP DIARY",
        "SELF-EXPERIMENTS",
        "TESTS TO DISCUSS",
        "REFERENCES",
    ):
        assert heading in text
    person, a, diary = content["person"], content["assessment"], content["diary"]
    assert f"{person['age']} years, female (not pregnant)" in text
    assert "High blood pressure" in text and "Potassium, serum 3.3 mmol/L" in text
    assert "▶ Hydrochlorothiazide" in text and "25 mg once a day" in text and "▶ Lipitor" in text
    assert a["triage_text"] in text
    for row in a["differential"]:
        assert row["likelihood"] in text and "%" not in row["likelihood"]
        assert row["name"].split(",")[0] in text
    assert (
        f"{diary['first']} – {diary['last']}: {len(episodes)} episodes on {diary['nights_with_cramps']} of "
        f"{diary['nights']} nights" in text
    )
    assert f"{diary['per_week']} episodes per week" in text
    assert f"mean {diary['mean_severity']} / 10; median duration {diary['median_duration_s']} s" in text
    assert f"woke from sleep: {diary['woke']} / {len(episodes)}" in text
    assert diary["trend"] in text.replace("\n", " ")
    (e,) = content["experiments"]
    row = (
        f"{e['intervention']} {e['nights_on']} / {e['nights_off']} "
        f"{e['episodes_on']} / {e['episodes_off']} {e['rate_ratio']} "
        f"{e['ci95']} {e['prob_benefit']}% {e['verdict']}"
    )
    assert row in " ".join(text.split())  # a long label wraps inside its table cell
    for t in content["tests"]:
        assert f"{t['test']}:" in text
    # the vocabulary's words, labelled as run elsewhere: its schedule was not drawn by crampcare
    assert e["intervention"] == "Calf and hamstring stretches before bed (imported: run elsewhere)"
    assert "Not recommended for this patient: Quinine" in text
    flat = text.replace("\n", " ")
    for ref in content["references"]:
        assert f"[{ref['key']}]" in flat.replace(" ", "") or f"[{ref['key']}]" in flat
    assert "not a diagnosis" in flat


def test_page_one_renders_to_an_image(filled: Any, tmp_path: Path) -> None:
    url, _, _ = filled
    pdf, _ = _make(url, "pdf")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    document = pdfium.PdfDocument(str(path))
    image = document[0].render(scale=1).to_pil().convert("L")
    assert abs(image.size[0] - 595) <= 1 and abs(image.size[1] - 842) <= 1  # A4 in points
    dark = sum(image.histogram()[:128])
    assert dark > 5000  # text and charts are there
    colours = document[0].render(scale=0.5).to_pil().convert("RGB").getcolors(1 << 20) or []
    assert all(abs(r - g) < 16 and abs(g - b) < 16 for _, (r, g, b) in colours)  # black and white
    image.save(tmp_path / "page1.png")


def test_russian_report(filled: Any, tmp_path: Path) -> None:
    url, episodes, _ = filled
    pdf, content = _make(url, "pdf", lang="ru")
    text, _ = _pdf_text(pdf, tmp_path)
    for heading in (
        "ПАЦИЕНТ",
        "ЛЕКАРСТВА",
        "ПОСЛЕДНЯЯ ОЦЕНКА",
        "ДНЕВНИК СУДОРОГ",
        "ОБСЛЕДОВАНИЯ ДЛЯ ОБСУЖДЕНИЯ",
    ):
        assert heading in text
    assert f"{len(episodes)} эпизодов за" in text
    assert content["title"] == "Судороги в ногах: сводка для врача"


def test_html_variant_shows_the_same_numbers(filled: Any) -> None:
    url, episodes, _ = filled
    html, content = _make(url, "html")
    page = html.decode()
    assert page.count("<svg") == 2 and "<script" not in page
    assert f"{len(episodes)} episodes on {content['diary']['nights_with_cramps']} of" in page
    for row in content["assessment"]["differential"]:
        assert f"<td>{row['likelihood']}</td>" in page
    assert 'class="hl"' in page


def test_date_range_limits_the_diary(filled: Any) -> None:
    url, episodes, _ = filled
    _, content = _make(url, "html", date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    inside = [e for e in episodes if dt.date(2026, 10, 1) <= e.night <= dt.date(2026, 10, 31)]
    assert content["diary"]["episodes"] == len(inside)
    assert content["period"] == {"from": "2026-10-01", "to": "2026-10-31"}


def test_cli_writes_pdf_and_html_and_rejects_bad_input(filled: Any, tmp_path: Path) -> None:
    url, _, _ = filled
    assessment = tmp_path / "in.json"
    assessment.write_text(json.dumps(PERSON), encoding="utf-8")
    out = runner.invoke(
        cli_app, ["report", "--output", str(tmp_path / "a.pdf"), "--assessment", str(assessment), "--db", url]
    )
    assert out.exit_code == 0, out.stderr
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    out = runner.invoke(
        cli_app, ["report", "--output", str(tmp_path / "a.html"), "--db", url, "--lang", "ru"]
    )
    assert out.exit_code == 0, out.stderr
    assert "Сохранённой оценки пока нет." in (tmp_path / "a.html").read_text(encoding="utf-8")
    bad = runner.invoke(cli_app, ["report", "--output", str(tmp_path / "a.docx"), "--db", url])
    assert bad.exit_code == 2 and "--output: must end in .pdf or .html" in bad.stderr
    assessment.write_text(json.dumps({**PERSON, "age_years": -1}), encoding="utf-8")
    bad = runner.invoke(
        cli_app, ["report", "--output", str(tmp_path / "b.pdf"), "--assessment", str(assessment), "--db", url]
    )
    assert bad.exit_code == 2 and "--assessment: input.age_years: must be >= 0" in bad.stderr
    assert not (tmp_path / "b.pdf").exists() and "Traceback" not in bad.stderr
    bad = runner.invoke(
        cli_app, ["report", "--output", str(tmp_path / "c.pdf"), "--from", "2026-13-01", "--db", url]
    )
    assert bad.exit_code == 2 and "--from" in bad.stderr


def test_report_uses_the_latest_saved_assessment(filled: Any) -> None:
    from crampcare.report import report_content
    from crampcare.storage import get_or_create_user, open_database
    from crampcare.storage.auth_models import SavedAssessment

    url, _, _ = filled
    db = open_database(url)
    with db.session() as session:
        user = get_or_create_user(session)
        for day, age in ((20, 40), (23, 71)):
            session.add(
                SavedAssessment(
                    user_id=user.id,
                    created_at=dt.datetime(2026, 11, day, 9),
                    input_json=json.dumps({**PERSON, "age_years": age}),
                    triage_level="routine",
                )
            )
        session.commit()
        content = report_content(session, user, today=TODAY)
    db.dispose()
    assert content["person"]["age"] == "71" and content["assessment"]["when"] == "2026-11-23"


def test_web_report_is_the_signed_in_persons_own(tmp_path: Path) -> None:
    from crampcare.diary.service import import_records
    from crampcare.storage import get_user
    from crampcare.web.app import create_app
    from tests.web_support import new_client, open_signups, sign_up, sign_up_owner

    application = create_app(f"sqlite:///{tmp_path / 'web.sqlite'}", secure_cookies=False)
    try:
        anna = sign_up_owner(application, "anna")
        open_signups(anna)
        boris = sign_up(application, "boris")
        with application.state.db.session() as session:
            user = get_user(session, "anna")
            assert user is not None
            import_records(session, user, _episodes()[:5], [])
        r = anna.get("/report.pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
        anna_html = anna.get("/report.html").text
        boris_html = boris.get("/report.html").text
        assert "5 episodes on" in anna_html and "No episodes recorded in this period." in boris_html
        anonymous = new_client(application).get("/report.pdf")
        assert anonymous.status_code in (303, 401) and not anonymous.content.startswith(b"%PDF")
        assert 'href="/report.pdf"' in anna.get("/diary").text
    finally:
        application.state.db.dispose()
