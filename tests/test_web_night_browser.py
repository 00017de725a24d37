"""Browser tests for issue 11 ("the app people reach for at 3 a.m."): times in the device's zone land
on the right night, the night screen fits a phone, undo, dark theme, and the offline app.

Each test drives the system Chromium with Playwright against a live server; the browser's time zone
is set with the context's ``timezone_id``, as a phone in that zone would report it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from crampcare.storage.models import Episode
from crampcare.web.app import create_app
from tests.test_web_browser import ARTIFACTS, BROWSER_TIMEOUT_MS
from tests.web_support import PASSWORD, LiveServer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app = create_app(f"sqlite:///{tmp_path / 'night.sqlite'}", secure_cookies=False)
    with LiveServer(app) as server:
        yield server.url, app
    app.state.db.dispose()
    app.state.read_db.dispose()


class Phone:
    """A phone-sized page in a given time zone that fails the test on any CSP violation."""

    def __init__(self, browser: Any, base: str, zone: str, **options: Any) -> None:
        # No service worker unless a test asks for one: Playwright's wait_for_url can miss navigations
        # a worker answers (the offline test waits on the page's own location instead).
        options.setdefault("service_workers", "block")
        self.context = browser.new_context(viewport=PHONE, timezone_id=zone, **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(BROWSER_TIMEOUT_MS)  # a cap on condition waits (see test_web_browser)
        self.base = base
        self.csp_errors: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.csp_errors.append(message.text)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def sign_up(self) -> None:
        self.goto("/setup")
        self.page.get_by_label("Your sign-in name").fill("anna")
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_label("Password again").fill(PASSWORD)
        self.page.get_by_role("button", name="Create the owner account").click()
        self.page.wait_for_url("**/diary")

    def close(self) -> None:
        assert not self.csp_errors, self.csp_errors
        self.context.close()


def _episodes(app: Any) -> list[Episode]:
    with app.state.db.session() as s:
        return list(s.scalars(sa.select(Episode).order_by(Episode.id)))


@pytest.mark.parametrize("zone", ["America/Noronha", "Europe/Moscow"])
def test_a_cramp_at_another_time_lands_on_the_right_night(
    chromium: Any, live: tuple[str, Any], zone: str
) -> None:
    base, app = live
    p = Phone(chromium, base, zone)
    try:
        p.sign_up()
        # The account took the phone's zone, and the form says so.
        p.page.get_by_role("link", name="Log a cramp at another time, with more detail").click()
        assert f"Times are in the time zone {zone}." in p.page.locator("main").inner_text()
        assert p.page.locator("[data-zone-note]").first.is_hidden()  # same zone: no travel note
        # "Now" as filled in is the phone's wall clock (to the minute).
        phone_now = dt.datetime.now(ZoneInfo(zone))
        filled = dt.datetime.fromisoformat(p.page.get_by_label("When did it start?").input_value())
        wall_clock = phone_now.replace(tzinfo=None, second=0, microsecond=0)
        assert abs(filled - wall_clock) <= dt.timedelta(minutes=2)
        # Last night at 02:30 on the phone's clock.
        day = phone_now.date() - dt.timedelta(days=1)
        p.page.get_by_label("When did it start?").fill(f"{day.isoformat()}T02:30")
        p.page.locator('input[name="muscle"][value="calf"]').check()
        p.page.locator('input[name="side"][value="left"]').check()
        p.page.get_by_role("button", name="Save", exact=True).click()
        p.page.wait_for_url("**/diary?saved=episode")
        assert f"{day.isoformat()} 02:30" in p.page.locator("main").inner_text()
        (episode,) = _episodes(app)
        local = dt.datetime.combine(day, dt.time(2, 30), ZoneInfo(zone))
        assert episode.started_at_utc == local.astimezone(dt.UTC).replace(tzinfo=None)
        assert episode.night_date == day - dt.timedelta(days=1)
        # A time in the future is refused with a clear message.
        p.goto("/diary/episodes/new")
        later = (phone_now + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        p.page.get_by_label("When did it start?").fill(later)
        p.page.get_by_role("button", name="Save", exact=True).click()
        assert "is in the future" in p.page.locator("#started_at-error").inner_text()
        assert len(_episodes(app)) == 1
    finally:
        p.close()


def test_a_traveller_is_told_the_device_zone_differs(chromium: Any, live: tuple[str, Any]) -> None:
    base, _app = live
    home = Phone(chromium, base, "Europe/Moscow")
    try:
        home.sign_up()
        state = home.context.storage_state()
    finally:
        home.close()
    away = Phone(chromium, base, "Asia/Tokyo", storage_state=state)
    try:
        away.goto("/diary/episodes/new")
        note = away.page.locator("[data-zone-note]").first
        assert note.is_visible() and "Asia/Tokyo" in note.inner_text()
        # On the account page one tap fills in the device's zone.
        away.goto("/account")
        away.page.get_by_role("button", name="Use it").click()
        assert away.page.locator("#timezone").input_value() == "Asia/Tokyo"
        away.page.get_by_role("button", name="Save settings").click()
        away.page.wait_for_url("**/account?saved=1")
        away.goto("/diary/episodes/new")
        assert "Times are in the time zone Asia/Tokyo." in away.page.locator("main").inner_text()
        assert away.page.locator("[data-zone-note]").first.is_hidden()
    finally:
        away.close()


def _severity_boxes(p: Phone) -> list[dict[str, float]]:
    buttons = p.page.locator('form[data-quick] button[name="severity"]')
    assert buttons.count() == 11
    return [buttons.nth(i).bounding_box() for i in range(11)]


def test_night_screen_fits_a_phone_in_both_languages(chromium: Any, live: tuple[str, Any]) -> None:
    base, app = live
    p = Phone(chromium, base, "Europe/Moscow")
    try:
        p.sign_up()
        for lang in ("English", "Русский"):
            if lang == "Русский":
                p.page.get_by_role("button", name="Русский").click()
                p.page.wait_for_url("**/diary")
            # Right after a save the "Saved ... Undo" notice is on top: the worst case.
            p.page.locator('form[data-quick] button[name="severity"][value="3"]').click()
            p.page.wait_for_url("**/diary?saved=episode")
            for box in _severity_boxes(p):
                assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (lang, box)
                assert box["height"] >= 44 and box["width"] >= 44  # a target a shaking finger can hit
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            p.page.screenshot(path=str(ARTIFACTS / f"night-screen-{lang[:2].lower()}.png"))
            # Undo: the cramp just saved really goes.
            count = len(_episodes(app))
            p.page.locator("form.undo button").click()
            p.page.wait_for_url("**/diary?saved=undone")
            assert len(_episodes(app)) == count - 1
        # One tap after choosing another muscle and side: the summary follows, the next tap reuses them.
        p.page.get_by_role("button", name="English").click()
        p.page.wait_for_url("**/diary")
        p.page.locator('input[name="muscle"][value="foot"]').check()
        p.page.locator('input[name="side"][value="right"]').check()
        assert p.page.locator("[data-quick-summary]").inner_text() == "Sole or arch of the foot, Right"
        p.page.get_by_role("button", name="Save: severity 6 of 10").click()
        p.page.wait_for_url("**/diary?saved=episode")
        p.page.get_by_role("button", name="Save: severity 2 of 10").click()
        p.page.wait_for_url("**/diary?saved=episode")
        last_two = _episodes(app)[-2:]
        assert [(e.muscle, e.side, e.severity) for e in last_two] == [
            ("foot", "right", 6),
            ("foot", "right", 2),
        ]
        # The undo disappears after a few seconds.
        p.page.locator("form.undo").wait_for(state="hidden")
    finally:
        p.close()


def _background(p: Phone) -> str:
    return str(p.page.evaluate("() => getComputedStyle(document.body).backgroundColor"))


def test_dark_theme_follows_the_device_unless_the_account_says_otherwise(
    chromium: Any, live: tuple[str, Any]
) -> None:
    base, _app = live
    p = Phone(chromium, base, "Europe/Moscow", color_scheme="dark")
    try:
        p.sign_up()
        assert _background(p) == "rgb(18, 20, 23)"  # the device is dark: so is crampcare
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        p.page.screenshot(path=str(ARTIFACTS / "night-screen-dark.png"), full_page=True)
        p.goto("/account")
        p.page.locator('input[name="theme"][value="light"]').check()
        p.page.locator("#night + form button[type=submit]").click()
        p.page.wait_for_url("**/account?saved=1*")
        assert _background(p) == "rgb(255, 255, 255)"  # the person chose light
        p.page.locator('input[name="theme"][value="dark"]').check()
        p.page.locator("#night + form button[type=submit]").click()
        p.page.wait_for_url("**/account?saved=1*")
        p.page.emulate_media(color_scheme="light")
        assert _background(p) == "rgb(18, 20, 23)"  # chose dark, on a light device
    finally:
        p.close()


def test_offline_quick_logs_wait_on_the_phone_and_arrive_once(chromium: Any, live: tuple[str, Any]) -> None:
    base, app = live
    p = Phone(chromium, base, "Europe/Moscow", service_workers="allow")
    try:
        p.sign_up()
        # The worker installs and takes control (its cache holds the shell and the offline page).
        p.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        p.page.reload()
        p.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        p.context.set_offline(True)
        # A tap on the diary that was already open: the worker keeps the log and says so.
        p.page.locator('input[name="muscle"][value="foot"]').check()
        p.page.get_by_role("button", name="Save: severity 7 of 10").click()
        p.page.wait_for_function("() => location.pathname === '/offline'")
        p.page.locator("[data-queued-note]").wait_for(state="visible")
        # Opening the app offline: the offline page, where a cramp can still be logged.
        p.goto("/diary")
        assert p.page.locator("form[data-offline-quick]").count() == 1
        p.page.get_by_role("button", name="Save: severity 5 of 10").click()
        p.page.wait_for_function("() => document.querySelector('[data-queue-number]').textContent === '2'")
        assert p.page.locator("[data-queue-count]").is_visible()
        assert _episodes(app) == []
        # The connection returns: the diary sends both, once.
        p.context.set_offline(False)
        # (Playwright's page.url can lag behind navigations answered by a worker: ask the page.)
        p.page.wait_for_function("() => location.search === '?saved=synced'")
        p.page.wait_for_load_state()
        saved = _episodes(app)
        assert sorted((e.muscle, e.severity) for e in saved) == [("calf", 5), ("foot", 7)]
        assert all(e.utc_offset_min == 180 for e in saved)
        # A retry of a log that did arrive (same tap) is refused by the server and leaves the queue.
        first = saved[0]
        tapped = first.started_at_utc.replace(tzinfo=dt.UTC).isoformat()
        p.page.evaluate(
            "(e) => ccQueue.add(e)",
            {
                "tapped_at": tapped,
                "muscle": first.muscle,
                "side": first.side,
                "severity": str(first.severity),
                "tz": "",
            },
        )
        sent = p.page.evaluate("() => ccQueue.flush(document.querySelector('input[name=csrf]').value)")
        assert sent == 1 and len(_episodes(app)) == 2
        assert p.page.evaluate("() => ccQueue.all().then(a => a.length)") == 0
    finally:
        p.close()


def test_charts_fill_the_phone_width(chromium: Any, live: tuple[str, Any]) -> None:
    """test_web_charts_phone.py checks the type for a chart 363 px wide; here: it is at least that."""
    from tests.test_web_charts_phone import PHONE_CHART_PX

    base, _app = live
    p = Phone(chromium, base, "Europe/Moscow")
    try:
        p.sign_up()
        p.page.get_by_role("button", name="Save: severity 4 of 10").click()
        p.page.wait_for_url("**/diary?saved=episode")
        widths = p.page.eval_on_selector_all(
            "img.chart", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert len(widths) == 3 and min(widths) >= PHONE_CHART_PX, widths
    finally:
        p.close()
