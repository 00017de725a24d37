"""Browser tests: Playwright drives the system Chromium against a live uvicorn server.

Sign up, assess an emergency and a self-care case, log cramps on a phone-sized screen and see the
charts, run an experiment, switch to Russian, export and delete. Screenshots go to a temporary
folder (``$CRAMPCARE_TEST_ARTIFACTS`` or the system's temp folder), never into the repository.
Every page is also checked for horizontal scrolling at 320 px and
for Content-Security-Policy violations (which would mean an inline script or style slipped in).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crampcare.web.app import create_app
from tests.web_support import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

ARTIFACTS = (
    Path(os.environ.get("CRAMPCARE_TEST_ARTIFACTS") or tempfile.gettempdir()) / "crampcare-screenshots"
)
PHONE = {"width": 360, "height": 740}
BROWSER_TIMEOUT_MS = int(os.environ.get("CRAMPCARE_TEST_BROWSER_TIMEOUT_MS", "60000"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    app = create_app(f"sqlite:///{tmp_path / 'browser.sqlite'}", secure_cookies=False)
    with LiveServer(app) as live:
        yield live.url
    app.state.db.dispose()
    app.state.read_db.dispose()


class Page:
    """A Playwright page that records CSP violations and saves screenshots by name."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int] | None = None) -> None:
        # The service worker has its own test (test_web_night_browser.py): Playwright's page.url and
        # wait_for_url can miss navigations a worker answers, which would make these tests flaky.
        self.context = browser.new_context(
            viewport=viewport or {"width": 1200, "height": 900},
            accept_downloads=True,
            service_workers="block",
        )
        self.page = self.context.new_page()
        self.base = base
        self.csp_errors: list[str] = []
        self.page.on("console", self._console)
        # A cap on every condition wait, not a wait itself: generous, since a loaded CI machine with
        # two cores can take several seconds per navigation (15 s was hit under `-n 2`).
        self.page.set_default_timeout(BROWSER_TIMEOUT_MS)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.csp_errors.append(message.text)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        assert not self.csp_errors, self.csp_errors
        self.context.close()


def sign_up(p: Page) -> None:
    p.goto("/")
    assert p.page.url.endswith("/setup")
    p.page.get_by_label("Your sign-in name").fill("anna")
    p.page.get_by_label("Password", exact=True).fill(PASSWORD)
    p.page.get_by_label("Password again").fill(PASSWORD)
    p.page.get_by_role("button", name="Create the owner account").click()
    p.page.wait_for_url("**/diary")


def test_sign_up_and_assess_an_emergency_and_a_self_care_case(chromium: Any, server: str) -> None:
    p = Page(chromium, server)
    try:
        sign_up(p)
        p.shot("01-diary-empty")
        # Emergency: chest pain with breathlessness and a swollen calf.
        p.goto("/assess")
        p.page.get_by_label("How old are you (years)?").fill("58")
        p.page.locator('input[name="sex"][value="male"]').check()
        p.page.get_by_role("button", name="Next").click()  # one topic per screen: warning signs next
        p.page.locator("#step-2-heading").wait_for()
        for code in ("chest_pain", "shortness_of_breath", "unilateral_calf_swelling"):
            p.page.locator(f'input[name="findings.danger"][value="{code}"]').check()
        p.page.get_by_role("button", name="See my result").click()
        banner = p.page.locator(".triage-emergency")
        banner.wait_for()
        assert banner.is_visible()
        assert "Emergency" in banner.inner_text() and "Call 112" in banner.inner_text()
        # The banner is the first thing on the page.
        assert banner.bounding_box()["y"] < 200
        # What to do now comes straight after it, before what it could be.
        actions = p.page.locator("#actions")
        assert actions.is_visible() and "Call the emergency number" in actions.inner_text()
        could = p.page.get_by_role("heading", name="What it could be")
        assert banner.bounding_box()["y"] < actions.bounding_box()["y"] < could.bounding_box()["y"]
        p.shot("02-result-emergency")
        # Self-care: htmx shows the pregnancy question once "female" is chosen, without a reload.
        p.goto("/assess")
        assert p.page.locator('input[name="pregnancy.pregnant"]').count() == 0
        p.page.get_by_label("How old are you (years)?").fill("45")
        p.page.locator('input[name="sex"][value="female"]').check()
        p.page.locator('input[name="pregnancy.pregnant"][value="no"]').wait_for()
        p.page.locator('input[name="pregnancy.pregnant"][value="no"]').check()
        assert p.page.get_by_label("How old are you (years)?").input_value() == "45"
        for step in (2, 3):
            p.page.get_by_role("button", name="Next").click()
            p.page.locator(f"#step-{step}-heading:focus").wait_for()
        p.page.locator('input[name="cramps.timing"][value="night"]').check()
        p.page.locator('input[name="cramps.locations"][value="calf"]').check()
        p.page.get_by_label("How many episodes a week?").fill("1")
        p.page.get_by_role("button", name="Next").click()
        p.page.locator("#step-4-heading:focus").wait_for()
        for code in ("sudden_painful_tightening", "visible_or_palpable_knot", "relieved_by_stretching"):
            p.page.locator(f'input[name="findings.cramp"][value="{code}"]').check()
        p.page.get_by_role("button", name="See my result").click()
        p.page.locator(".triage").wait_for()
        assert p.page.locator(".triage-emergency").count() == 0
        assert p.page.locator(".badge").count() > 0
        assert p.page.get_by_role("button", name="Print").is_visible()  # app.js enabled it
        p.shot("03-result-self-care")
        p.page.get_by_role("button", name="Save to my diary").click()
        p.page.wait_for_url("**/assessments/*")
        assert p.page.get_by_role("button", name="Delete this assessment").is_visible()
    finally:
        p.close()


def test_phone_diary_chart_experiment_russian_export_delete(chromium: Any, server: str) -> None:
    from playwright.sync_api import expect

    p = Page(chromium, server, PHONE)
    try:
        sign_up(p)
        # Two taps: the muscle ("Foot"), then the severity, which saves at once.
        p.page.locator('input[name="muscle"][value="foot"]').check()
        p.page.get_by_role("button", name="Save: severity 7 of 10").click()
        p.page.wait_for_url("**/diary?saved=episode")
        assert "Saved." in p.page.locator("main").inner_text()
        p.page.get_by_role("button", name="Save: severity 4 of 10").click()  # foot is now the default
        p.page.wait_for_url("**/diary?saved=episode")
        # One more at another time, through the full form.
        p.page.get_by_role("link", name="Log a cramp at another time, with more detail").click()
        yesterday = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT02:30")
        p.page.get_by_label("When did it start?").fill(yesterday)
        p.page.locator('input[name="muscle"][value="calf"]').check()
        p.page.locator('input[name="side"][value="left"]').check()
        p.page.get_by_label("How bad (0-10)?").fill("6")
        p.page.get_by_role("button", name="Save", exact=True).click()
        p.page.wait_for_url("**/diary?saved=episode")
        # The charts load as images.
        chart = p.page.locator('img[src^="/diary/charts/episodes_per_week.svg"]')
        chart.scroll_into_view_if_needed()
        p.page.wait_for_function(
            "() => [...document.querySelectorAll('img.chart')].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert "3" in p.page.locator(".stats").inner_text()
        p.shot("04-phone-diary")
        # The evening log.
        p.page.get_by_role("link", name="Log this evening (stretching, drinks, exercise)").click()
        p.page.locator('input[name="stretched_before_bed"][value="true"]').check()
        p.page.get_by_label("Fluid today (litres)").fill("1,5")  # a decimal comma is a mistake we explain
        p.page.get_by_role("button", name="Save the evening").click()
        # Wait for the answer (the diary's "Saved." or the field's error), never decide before it came:
        # counting the error right after the click raced the page load under a loaded machine.
        error = p.page.locator("#fluid_litres-error")
        expect(error.or_(p.page.locator(".notice.saved"))).to_be_visible(timeout=BROWSER_TIMEOUT_MS)
        if error.count():
            p.page.get_by_label("Fluid today (litres)").fill("1.5")
            p.page.get_by_role("button", name="Save the evening").click()
        p.page.wait_for_url("**/diary?saved=day")

        # An experiment: the wizard, then tonight's assignment.
        p.goto("/experiments")
        p.page.locator('input[name="intervention"][value="calf_stretch_before_bed"]').check()
        p.page.get_by_label("First night").fill(dt.date.today().isoformat())
        p.page.get_by_role("button", name="Create my schedule").click()
        p.page.wait_for_url("**/experiments/*")
        tonight = p.page.locator(".tonight").inner_text()
        assert "DO it" in tonight or "do NOT do it" in tonight
        p.shot("05-phone-experiment")

        # Nothing scrolls sideways on a 320 px screen.
        p.page.set_viewport_size({"width": 320, "height": 640})
        for path in (
            "/",
            "/assess",
            "/diary",
            "/experiments",
            "/knowledge/claims",
            "/knowledge/foods",
            "/account",
        ):
            p.goto(path)
            width = p.page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
        p.page.set_viewport_size(PHONE)

        # Russian, from the switch in the header.
        p.goto("/diary")
        p.page.get_by_role("button", name="Русский").click()
        p.page.wait_for_url("**/diary")
        assert p.page.locator("html").get_attribute("lang") == "ru"
        assert "Мой дневник судорог" in p.page.locator("h1").inner_text()
        p.shot("06-phone-diary-ru")
        p.page.get_by_role("button", name="English").click()
        p.page.wait_for_url("**/diary")

        # Export everything, then delete the account.
        p.goto("/account/delete")
        with p.page.expect_download() as download_info:
            p.page.get_by_role("link", name="Download all my data (JSON)").click()
        document = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
        assert len(document["diary"]["episodes"]) == 3
        p.page.get_by_label("Your password, to confirm").fill(PASSWORD)
        p.page.get_by_role("button", name="Delete my account and all my data").click()
        # The only account is gone, so the install is fresh again: the next visitor sets it up.
        p.page.wait_for_url("**/setup")
        p.shot("07-deleted")
        p.goto("/diary")
        assert "/login" in p.page.url or "/setup" in p.page.url
    finally:
        p.close()


def test_keyboard_only_quick_log(chromium: Any, server: str) -> None:
    p = Page(chromium, server, PHONE)
    try:
        sign_up(p)
        # Tab to the first severity button and press Enter: a cramp is saved without a mouse.
        p.page.locator('button[name="severity"][value="5"]').focus()
        p.page.keyboard.press("Enter")
        p.page.wait_for_url("**/diary?saved=episode")
        # The skip link is the first focusable element.
        p.page.keyboard.press("Tab")
        assert p.page.evaluate("() => document.activeElement.className") == "skip"
    finally:
        p.close()
