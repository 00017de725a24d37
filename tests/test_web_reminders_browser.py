"""The account page's reminders in Chromium (Playwright): the switches and times save, and where the
browser cannot receive push (headless Chromium has no push service: nothing is faked here), the page
says so in words instead of offering a button that does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crampcare.storage.push_models import PushSubscription
from crampcare.web.app import create_app
from tests.test_web_night_browser import Phone
from tests.web_support import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    monkeypatch.setenv("CRAMPCARE_REMINDERS", "off")  # no background sender needed here
    app = create_app(f"sqlite:///{tmp_path / 'push.sqlite'}", secure_cookies=False)
    with LiveServer(app) as server:
        yield server.url, app
    app.state.db.dispose()
    app.state.read_db.dispose()


def test_reminder_switches_save(chromium: Any, live: tuple[str, Any]) -> None:
    base, _app = live
    p = Phone(chromium, base, "Europe/Moscow")
    try:
        p.sign_up()
        p.goto("/account#reminders")
        page = p.page
        page.get_by_label("to fill in the evening log").check()
        page.get_by_label("Evening log reminder at").fill("21:45")
        page.get_by_label("of tonight's experiment assignment").check()
        page.get_by_label("Experiment reminder at").fill("19:30")
        page.get_by_role("button", name="Save reminders").click()
        page.wait_for_url("**/account?reminders=saved#reminders")
        assert page.get_by_role("status").filter(has_text="Reminders saved.").is_visible()
        page.reload()
        assert page.get_by_label("to fill in the evening log").is_checked()
        assert page.get_by_label("of tonight's experiment assignment").is_checked()
        assert page.get_by_label("Evening log reminder at").input_value() == "21:45"
        assert page.get_by_label("Experiment reminder at").input_value() == "19:30"
        # The times are read in the zone the page names.
        assert page.locator("p.hint", has_text="at times in your time zone (Europe/Moscow)").is_visible()
        page.get_by_label("of tonight's experiment assignment").uncheck()
        page.get_by_role("button", name="Save reminders").click()
        page.wait_for_url("**/account?reminders=saved#reminders")
        assert not page.get_by_label("of tonight's experiment assignment").is_checked()
        assert page.get_by_label("to fill in the evening log").is_checked()
    finally:
        p.close()


def test_headless_chromium_without_push_service_is_told_plainly(
    chromium: Any,
    live: tuple[str, Any],
) -> None:
    base, app = live
    # Notifications allowed and service workers on, as on a phone: only the push service is missing.
    p = Phone(chromium, base, "Europe/London", service_workers="allow", permissions=["notifications"])
    try:
        p.sign_up()
        p.goto("/account#reminders")
        status = p.page.locator("[data-push-status]")
        turn_on = p.page.get_by_role("button", name="Turn on notifications on this device")
        turn_on.wait_for(state="visible")
        assert status.inner_text() == "Notifications are off for this device."
        turn_on.click()
        message = (
            "This browser has no push service available (for example, a private window or a browser "
            "without one), so reminders cannot reach this device."
        )
        p.page.wait_for_function(
            "m => document.querySelector('[data-push-status]').textContent === m", arg=message
        )
        with app.state.db.session() as session:
            assert session.query(PushSubscription).count() == 0
    finally:
        p.close()


def test_a_browser_without_service_workers_is_told_in_russian(chromium: Any, live: tuple[str, Any]) -> None:
    base, _app = live
    p = Phone(chromium, base, "Europe/Moscow")  # service workers blocked: no Web Push at all
    try:
        p.sign_up()
        p.goto("/account")
        p.page.get_by_label("Русский").check()
        p.page.get_by_role("button", name="Save settings").click()
        p.page.wait_for_url("**/account?saved=1")
        try:
            p.page.wait_for_function(
                "m => document.querySelector('[data-push-status]').textContent.startsWith(m)",
                arg="Этот браузер не умеет",
            )
        except Exception:
            raise AssertionError(p.page.locator("[data-push-status]").inner_text()) from None
        assert p.page.get_by_role("button", name="Включить уведомления на этом устройстве").is_hidden()
    finally:
        p.close()


def test_the_service_worker_shows_a_pushed_reminder(chromium: Any, live: tuple[str, Any]) -> None:
    """The worker's ``push`` handler, fed a message through DevTools (the delivery a push service would
    make; the encryption and VAPID parts are proven against the local push service elsewhere)."""
    import json

    base, _app = live
    p = Phone(chromium, base, "Europe/London", service_workers="allow", permissions=["notifications"])
    try:
        p.sign_up()
        p.goto("/account")
        # Wait until the worker is active (register() is what app.js and reminders.js call too).
        # An awaited evaluate: wait_for_function would take the pending promise as a truthy answer.
        assert p.page.evaluate(
            "async () => { await navigator.serviceWorker.register('/sw.js');"
            " const r = await navigator.serviceWorker.ready; return r.active !== null; }"
        )
        cdp = p.context.new_cdp_session(p.page)
        registrations: list[str] = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        for _ in range(200):  # DevTools reports the registration as an event soon after "enable"
            if registrations:
                break
            p.page.wait_for_timeout(50)  # lets Playwright dispatch the event; ends as soon as it came
        assert registrations, "DevTools reported no service worker registration"
        message = {
            "title": "Evening log",
            "body": "How was your day?",
            "url": "/diary/day?date=2026-12-02",
            "tag": "evening",
        }
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": registrations[-1], "data": json.dumps(message)},
        )
        # Wait in the page until the worker has shown it (Playwright's wait_for_function would take
        # the pending promise itself as a truthy answer and not wait), then read it in the same poll.
        shown = p.page.evaluate(
            """async () => {
                const reg = await navigator.serviceWorker.ready;
                for (let i = 0; i < 400; i++) {
                    const ns = await reg.getNotifications();
                    if (ns.length) {
                        return ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}));
                    }
                    await new Promise(resolve => setTimeout(resolve, 50));
                }
                return [];
            }"""
        )
        assert shown == [
            {
                "title": "Evening log",
                "body": "How was your day?",
                "tag": "evening",
                "url": "/diary/day?date=2026-12-02",
            }
        ]
    finally:
        p.close()
