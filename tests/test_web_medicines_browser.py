"""The medicines page in a real browser (issue 11, point 6): add "Лазикс" and see it recognised as
furosemide in words (no codes), change it, record its last day, and read the before/after comparison
in the medicine's own table; the assessment starts from the current medicines. Phone and desktop,
English and Russian."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.diary import service
from crampcare.records import EpisodeRecord
from crampcare.storage.models import Medication, User
from crampcare.web.app import create_app
from tests.web_support import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
TEXT = {
    "en": {
        "furosemide": "Recognised as furosemide: strong water tablet (loop diuretic, furosemide type).",
        "add": "Add the medicine",
        "change": "Change Лазикс",
        "save": "Save the changes",
        "record": "Record the last day",
        "added": "The medicine was added.",
        "ended": "The last day was recorded.",
        "taken_before": "Taken before",
        "ratio": "While taking it you had 2.0 times as many cramps a night as before",
        "assess_field": "Which medicines, supplements or remedies do you take? (names, any language)",
    },
    "ru": {
        "furosemide": "Распознано как фуросемид: ",
        "add": "Добавить лекарство",
        "change": "Изменить: Лазикс",
        "save": "Сохранить изменения",
        "record": "Записать последний день",
        "added": "Лекарство добавлено.",
        "ended": "Последний день приёма записан.",
        "taken_before": "Принимались раньше",
        "ratio": "Во время приёма судорог за ночь было в 2.0 раза больше, чем до него",
        "assess_field": None,
    },
}
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[A-Z]\d\d[A-Z]{2}\d\d\b")  # class codes, ATC codes


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app = create_app(f"sqlite:///{tmp_path / 'meds.sqlite'}", secure_cookies=False)
    with LiveServer(app) as server:
        yield server.url, app
    app.state.db.dispose()
    app.state.read_db.dispose()


def seed_diary(app: Any, today: dt.date) -> dt.date:
    """56 nights: 4 cramps in the 28 before the returned start day, 8 in the 28 from it (2x)."""
    start = today - dt.timedelta(days=28)
    before = [56, 49, 42, 35]
    after = [28, 25, 21, 18, 14, 11, 7, 1]
    with app.state.db.session() as s:
        user = s.scalars(sa.select(User)).one()
        for days_ago in before + after:
            day = today - dt.timedelta(days=days_ago)
            at = dt.datetime.combine(day, dt.time(23, 0), tzinfo=dt.UTC)
            service.add_episode(s, user, EpisodeRecord(at, "calf", "left", severity=5))
    return start


def sign_up(page: Any, base: str, lang: str) -> None:
    page.goto(base + "/setup")
    page.get_by_label("Your sign-in name").fill("anna")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the owner account").click()
    page.wait_for_url("**/diary")
    if lang == "ru":
        page.get_by_role("button", name="Русский").click()
        page.wait_for_function("document.documentElement.lang === 'ru'")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_add_change_and_end_a_medicine_with_its_before_after_comparison(
    chromium: Any, live: tuple[str, Any], lang: str, viewport: str
) -> None:
    base, app = live
    words = TEXT[lang]
    context = chromium.new_context(viewport=VIEWPORTS[viewport], timezone_id="UTC", service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_up(page, base, lang)
        today = dt.datetime.now(dt.UTC).date()
        start = seed_diary(app, today)

        page.goto(base + "/medicines")
        page.locator("#name").fill("Лазикс")
        page.locator("#dose").fill("40 mg")
        page.locator("#started_on").fill(start.isoformat())
        page.get_by_role("button", name=words["add"]).click()
        page.wait_for_url("**/medicines?saved=added*")
        assert page.get_by_role("status").inner_text() == words["added"]

        card = page.locator("article.medicine")
        assert card.count() == 1
        recognised = card.locator("[data-recognised]").inner_text()
        assert recognised.startswith(words["furosemide"]), recognised
        assert not CODE.search(recognised), recognised
        if lang == "ru":
            assert "фуросемид" in recognised and "loop" not in recognised

        # The comparison sits in this medicine's own table, each number in its row.
        before = card.locator("tr[data-period=before] td")
        after = card.locator("tr[data-period=after] td")
        assert [before.nth(i).inner_text() for i in range(3)] == ["28", "4", "1.0"]
        assert [after.nth(i).inner_text() for i in range(3)] == ["28", "8", "2.0"]
        assert card.locator("[data-ratio]").inner_text().startswith(words["ratio"])

        # The assessment starts from the current medicines.
        page.goto(base + "/assess")
        assert page.locator("textarea#medications").input_value() == "Лазикс"

        # Change the dose.
        page.goto(base + "/medicines")
        page.get_by_role("link", name=words["change"]).click()
        page.locator("#dose").fill("20 mg")
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_url("**/medicines?saved=changed*")
        assert page.locator("article.medicine h3").inner_text() == "Лазикс 20 mg"

        # Record the last day (what the doctor changed): it moves to the medicines taken before.
        last_day = today - dt.timedelta(days=2)
        page.locator("article.medicine input[type=date]").fill(last_day.isoformat())
        page.get_by_role("button", name=words["record"]).click()
        page.wait_for_url("**/medicines?saved=ended*")
        assert page.get_by_role("status").inner_text() == words["ended"]
        ended = page.locator("section[aria-labelledby=ended-heading]")
        assert ended.get_by_role("heading", level=2).inner_text() == words["taken_before"]
        assert ended.locator("article.medicine").count() == 1
        assert ended.locator("form").count() == 0  # nothing more to record
        # The period "while taking it" now ends on the last day: nights -28..-2, 7 cramps.
        after = ended.locator("tr[data-period=after] td")
        assert [after.nth(i).inner_text() for i in range(2)] == ["27", "7"]
        with app.state.db.session() as s:
            med = s.scalars(sa.select(Medication)).one()
            assert (med.name, med.dose, med.stopped_on) == ("Лазикс", "20 mg", last_day)

        # No longer current: the assessment no longer fills it in.
        page.goto(base + "/assess")
        assert page.locator("textarea#medications").input_value() == ""
    finally:
        context.close()
