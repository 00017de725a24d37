"""A real browser on a 390x844 phone: the experiment page's design diagram, per-period results and
the design review are readable in Russian, with nothing scrolling sideways (issue 15)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.diary.service import import_records
from crampcare.records import EpisodeRecord
from crampcare.storage.models import Experiment, User
from crampcare.web.app import create_app
from tests.test_web_browser import Page, sign_up
from tests.web_support import LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    app = create_app(f"sqlite:///{tmp_path / 'browser.sqlite'}", secure_cookies=False)
    with LiveServer(app) as server:
        yield app, server.url
    app.state.db.dispose()
    app.state.read_db.dispose()


def _cramps_on_nights_without(app: Any) -> None:
    with app.state.db.session() as s:
        user = s.scalars(sa.select(User)).one()
        experiment = s.scalars(sa.select(Experiment)).one()
        episodes = [
            EpisodeRecord(
                dt.datetime.combine(n.date + dt.timedelta(days=1), dt.time(2, k), dt.UTC), "calf", "left"
            )
            for n in experiment.nights
            if not n.on
            for k in range(2)
        ]
        import_records(s, user, episodes, [])
        s.commit()


def _no_sideways_scroll(p: Page) -> None:
    width = p.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def _inside_the_screen(p: Page, selector: str) -> None:
    boxes = [p.page.locator(selector).nth(i).bounding_box() for i in range(p.page.locator(selector).count())]
    assert boxes, selector
    for box in boxes:
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            selector,
            box,
        )


def test_phone_experiment_page_in_russian(chromium: Any, live: tuple[Any, str]) -> None:
    app, url = live
    p = Page(chromium, url, PHONE)
    try:
        sign_up(p)
        p.goto("/diary")
        p.page.get_by_role("button", name="Русский").click()
        p.page.wait_for_url("**/diary")
        p.goto("/experiments")
        p.page.locator('input[name="intervention"][value="calf_stretch_before_bed"]').check()
        start = dt.date.today() - dt.timedelta(days=100)
        p.page.locator('input[name="start"]').fill(start.isoformat())
        p.page.locator('input[name="pairs"]').fill("3")
        p.page.locator('input[name="imported"]').check()
        # The review first: 3 pairs can never reach a verdict, said before any data.
        p.page.get_by_role("button", name="Сначала проверить схему").click()
        p.page.wait_for_selector(".review")
        assert "Это расписание не может дать вывод" in p.page.locator(".review").inner_text()
        _no_sideways_scroll(p)
        _inside_the_screen(p, "table.plan td")  # the plan's table stacks instead of scrolling sideways
        p.shot("cent-01-phone-review-ru")
        p.page.locator('input[name="pairs"]').fill("6")
        p.page.locator('button[value="create"]').click()  # "create anyway": the design changed, so re-checked
        p.page.wait_for_url("**/experiments/*")
        _cramps_on_nights_without(app)
        p.page.reload()

        diagram = p.page.locator("ol.design")
        diagram.scroll_into_view_if_needed()
        assert diagram.is_visible()
        assert p.page.locator("ol.design li.pair").count() == 6
        assert p.page.locator("ol.design li.block").count() == 12
        first = p.page.locator("ol.design li.block").first.inner_text()
        assert ("ДА · с этим" in first or "нет · без этого" in first) and "за ночь" in first
        assert "14 судорог за 7 ночей (2,00 за ночь)" in diagram.inner_text()
        table = p.page.locator("table.periods")
        assert table.is_visible() and table.locator("tbody tr").count() == 6
        assert "Соблюдение плана" in p.page.locator(".adherence").inner_text()
        assert "p = 0,031" in p.page.locator(".effect").inner_text()
        _no_sideways_scroll(p)
        for selector in ("ol.design li.block", "table.periods", ".effect", ".limits"):
            _inside_the_screen(p, selector)
        p.shot("cent-02-phone-experiment-ru")
    finally:
        p.close()
