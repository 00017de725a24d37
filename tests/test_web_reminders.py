# ruff: noqa: F811  (pytest fixtures imported from tests.web_support are redefined as arguments)
"""Reminders in the web app: the account page's settings, a browser's subscription (refused outside
the push services), the test notification and the server's own reminder clock delivering to a real
local push service (``tests/push_receiver.py``), account deletion removing the subscriptions, and
the experiment schedule as an ``.ics`` file (web and CLI) read back with ``icalendar``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from crampcare.reminders import service
from crampcare.reminders.vapid import load_keys
from crampcare.storage.push_models import PushSubscription, ReminderSettings
from crampcare.web.app import create_app
from tests.push_receiver import BrowserSubscription, PushReceiver
from tests.web_support import PASSWORD, Browser, any_app, app, owner, sqlite_url, two_users  # noqa: F401

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

KEY_RE = r'data-key="([^"]*)"'


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[PushReceiver]:
    with PushReceiver() as push:
        monkeypatch.setenv(service.ENV_PUSH_HOSTS, push.host)
        yield push


def server_key(browser: Browser) -> str:
    import re

    match = re.search(KEY_RE, browser.get("/account").text)
    assert match and match.group(1), "the account page carries no VAPID public key"
    return match.group(1)


def subscribe(browser: Browser, push: PushReceiver) -> BrowserSubscription:
    """What static/reminders.js posts after ``pushManager.subscribe``."""
    sub = push.subscribe(server_key(browser))
    r = browser.post(
        "/reminders/subscription",
        {"endpoint": sub.endpoint, "p256dh": sub.p256dh, "auth": sub.auth_b64},
        csrf=True,
    )
    assert r.status_code == 200, r.text
    return sub


def rows(app: Any, model: Any) -> list[Any]:
    with app.state.db.session() as session:
        return list(session.scalars(sa.select(model)))


def test_settings_save_and_bad_times_name_the_field(owner: Browser, app: Any) -> None:
    page = owner.get("/account").text
    assert 'id="reminders"' in page and 'name="evening_on"' in page
    r = owner.post(
        "/account/reminders",
        {"evening_on": "on", "evening_time": "21:15", "experiment_time": "19:45"},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("#reminders")
    [saved] = rows(app, ReminderSettings)
    assert (saved.evening_on, saved.evening_time, saved.experiment_on, saved.experiment_time) == (
        True,
        dt.time(21, 15),
        False,
        dt.time(19, 45),
    )
    page = owner.get("/account?reminders=saved").text
    assert "Reminders saved." in page and 'value="21:15"' in page
    bad = owner.post(
        "/account/reminders", {"evening_on": "on", "evening_time": "9 pm", "experiment_time": "20:00"}
    )
    assert bad.status_code == 422
    assert 'id="evening_time-error"' in bad.text and "Give a time like 22:00." in bad.text
    assert rows(app, ReminderSettings)[0].evening_time == dt.time(21, 15)  # nothing half-saved


def test_subscription_outside_push_services_is_refused_in_the_persons_language(
    owner: Browser, app: Any
) -> None:
    owner.post("/account/settings", {"lang": "ru", "timezone": "Europe/Moscow"})
    r = owner.post(
        "/reminders/subscription",
        {"endpoint": "http://169.254.169.254/latest/meta-data", "p256dh": "x", "auth": "y"},
    )
    assert r.status_code == 422
    assert r.json() == {
        "field": "endpoint",
        "message": "браузер передал адрес, который не является службой push-уведомлений",
    }
    assert rows(app, PushSubscription) == []
    no_csrf = owner.client.post("/reminders/subscription", data={"endpoint": "https://fcm.googleapis.com/x"})
    assert no_csrf.status_code == 403


def test_test_notification_reaches_the_device_and_unsubscribe_removes_it(
    owner: Browser, app: Any, receiver: PushReceiver
) -> None:
    phone = subscribe(owner, receiver)
    page = owner.get("/account").text
    assert "Devices with notifications on: 1" in page and "Send a test notification" in page
    r = owner.post("/reminders/test")
    assert r.status_code == 303 and r.headers["location"] == "/account?reminders=sent#reminders"
    delivered = receiver.wait_for(phone.token)
    assert delivered.payload == {
        "title": "crampcare",
        "body": "Notifications work on this device.",
        "url": "/account",
        "tag": "test",
    }
    assert receiver.errors == []
    r = owner.post("/reminders/subscription/delete", {"endpoint": phone.endpoint})
    assert r.json()["message"] == "Notifications are off for this device."
    assert rows(app, PushSubscription) == []


def test_deleting_the_account_deletes_its_push_subscriptions(
    any_app: Any,
    receiver: PushReceiver,
) -> None:
    from tests.web_support import open_signups, sign_up, sign_up_owner

    anna = sign_up_owner(any_app, "anna")
    open_signups(anna)
    boris = sign_up(any_app, "boris")
    subscribe(anna, receiver)
    subscribe(boris, receiver)
    boris.post(
        "/account/reminders", {"evening_on": "on", "evening_time": "21:00", "experiment_time": "20:00"}
    )
    exported = json.loads(boris.get("/account/export").text)["reminders"]
    assert exported["evening_log"] == {"on": True, "at": "21:00"}
    assert [d["push_service"] for d in exported["devices"]] == ["127.0.0.1"]
    assert boris.post("/account/delete", {"password": PASSWORD}).status_code == 303
    assert len(rows(any_app, PushSubscription)) == 1  # anna's only
    assert rows(any_app, ReminderSettings) == []


def test_the_servers_clock_sends_due_reminders_while_it_runs(
    sqlite_url: str,
    receiver: PushReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.web_support import sign_up_owner

    monkeypatch.delenv("CRAMPCARE_REMINDERS", raising=False)
    application = create_app(sqlite_url, secure_cookies=False)
    try:
        # Set up without the app's lifespan (a TestClient outside ``with`` does not start it).
        anna = sign_up_owner(application)
        anna.post("/account/settings", {"lang": "en", "timezone": "Asia/Kolkata"})
        phone = subscribe(anna, receiver)
        local = dt.datetime.now(ZoneInfo("Asia/Kolkata")) - dt.timedelta(minutes=1)  # due a minute ago
        anna.post(
            "/account/reminders",
            {"evening_on": "on", "evening_time": local.strftime("%H:%M"), "experiment_time": "20:00"},
        )
        assert receiver.for_token(phone.token) == []
        with TestClient(application):  # the server starts: its clock checks at once, then every minute
            delivered = receiver.wait_for(phone.token)
        assert delivered.payload["title"] == "Evening log"
        assert delivered.payload["url"] == f"/diary/day?date={local.date().isoformat()}"
    finally:
        application.state.db.dispose()
        application.state.read_db.dispose()
    assert receiver.errors == []


def test_the_clock_can_be_switched_off_for_cron(monkeypatch: pytest.MonkeyPatch) -> None:
    from crampcare.reminders import scheduler

    monkeypatch.setenv("CRAMPCARE_REMINDERS", "off")
    assert not scheduler.enabled()
    monkeypatch.setenv("CRAMPCARE_REMINDERS", "on")
    assert scheduler.enabled()


def _experiment(browser: Browser, start: dt.date) -> int:
    form = {
        "intervention": "calf_stretch_before_bed",
        "start": start.isoformat(),
        "block_days": "3",
        "pairs": "2",
        "washout_days": "0",
    }
    r = browser.post("/experiments", form)
    # Two pairs can never reach a verdict: the page asks to confirm exactly this design first.
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', r.text)
    assert r.status_code == 200 and confirmed is not None, r.text
    r = browser.post("/experiments", form | {"confirmed": confirmed.group(1)})
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_ics_schedule_has_each_night_at_the_persons_time_in_their_zone(owner: Browser) -> None:
    owner.post("/account/settings", {"lang": "en", "timezone": "America/Sao_Paulo"})
    owner.post("/account/reminders", {"evening_time": "21:00", "experiment_time": "19:30"})
    start = dt.date.today() + dt.timedelta(days=1)
    experiment_id = _experiment(owner, start)
    page = owner.get(f"/experiments/{experiment_id}").text
    assert f'href="/experiments/{experiment_id}/schedule.ics"' in page
    r = owner.get(f"/experiments/{experiment_id}/schedule.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert "attachment" in r.headers["content-disposition"]
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert len(events) == 12
    zone = ZoneInfo("America/Sao_Paulo")
    for offset, event in enumerate(sorted(events, key=lambda e: e.decoded("dtstart"))):
        start_at = event.decoded("dtstart")
        assert start_at.astimezone(zone).date() == start + dt.timedelta(days=offset)
        assert start_at.astimezone(zone).time() == dt.time(19, 30)
        assert str(start_at.tzinfo) == "America/Sao_Paulo"
        summary = str(event["summary"])
        assert summary.startswith(("Tonight: DO it", "Tonight: do NOT do it")) and "_" not in summary
    # The arms match what the experiment page shows, night by night.
    import re

    shown = {
        d: arm == "with"
        for d, arm in re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>(with|without)</td>", page)
    }
    assert len(shown) == 12
    for event in events:
        night = event.decoded("dtstart").astimezone(zone).date().isoformat()
        assert shown[night] == str(event["summary"]).startswith("Tonight: DO it"), night
    assert owner.get("/experiments/99999/schedule.ics").status_code == 404


def test_ics_of_someone_elses_experiment_is_not_found(two_users: tuple[Browser, Browser]) -> None:
    anna, boris = two_users
    experiment_id = _experiment(anna, dt.date.today() + dt.timedelta(days=1))
    assert boris.get(f"/experiments/{experiment_id}/schedule.ics").status_code == 404


def test_cli_ics_across_a_dst_change(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crampcare.cli import build_app
    from crampcare.experiments import service as exp
    from crampcare.storage import get_or_create_user, open_database

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    db = open_database(url)
    with db.session() as session:
        exp.create_experiment(
            session,
            get_or_create_user(session),
            "reduce_caffeine",
            dt.date(2027, 3, 25),
            block_days=3,
            pairs=2,
            today=dt.date(2027, 3, 20),
        )
    db.dispose()
    out = tmp_path / "plan.ics"
    runner = CliRunner()
    result = runner.invoke(
        build_app("experiment"),
        [
            "experiment",
            "ics",
            "--db",
            url,
            "--zone",
            "Europe/London",
            "--time",
            "20:00",
            "--lang",
            "ru",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    events = sorted(Calendar.from_ical(out.read_bytes()).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    utc_hours = {e.decoded("dtstart").date(): e.decoded("dtstart").astimezone(dt.UTC).hour for e in events}
    assert utc_hours[dt.date(2027, 3, 27)] == 20  # GMT
    assert utc_hours[dt.date(2027, 3, 28)] == 19  # BST from that morning: 20:00 local is 19:00 UTC
    assert all("Сегодня вечером" in str(e["summary"]) for e in events)
    bad = runner.invoke(build_app("experiment"), ["experiment", "ics", "--db", url, "--zone", "Mars/Olympus"])
    assert bad.exit_code == 2 and "--zone" in bad.output


def test_cli_send_due_reports_what_it_sent(tmp_path: Path, receiver: PushReceiver) -> None:
    from typer.testing import CliRunner

    from crampcare.cli import build_app
    from crampcare.storage import open_database
    from crampcare.web import auth

    url = f"sqlite:///{tmp_path / 'cron.sqlite'}"
    db = open_database(url)
    with db.session() as session:
        user = auth.create_account(session, "anna", PASSWORD, owner=True)
        sub = receiver.subscribe(load_keys(session).public_key)
        service.subscribe(session, user, sub.endpoint, sub.p256dh, sub.auth_b64)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        service.save_settings(session, user.id, service.Settings(evening_on=True, evening_time=now.time()))
    db.dispose()
    runner = CliRunner()
    first = runner.invoke(build_app("reminders"), ["reminders", "send-due", "--db", url])
    assert first.exit_code == 0, first.output
    assert "sent 1," in first.output
    again = runner.invoke(build_app("reminders"), ["reminders", "send-due", "--db", url, "--quiet"])
    assert again.exit_code == 0 and again.output == ""
    assert len(receiver.for_token(sub.token)) == 1 and receiver.errors == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--vapid-subject", "admin@example.org"], "--vapid-subject"),
        (["--vapid-key-file", "/nonexistent/vapid.pem"], "--vapid-key-file"),
        (["--vapid-key-file", "GARBAGE"], "--vapid-key-file"),
    ],
)
def test_serve_refuses_a_bad_vapid_setting_naming_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], named: str
) -> None:
    from typer.testing import CliRunner

    from crampcare.cli import build_app

    # ``serve`` hands its settings to workers through the environment: restore it afterwards.
    for name in (
        "CRAMPCARE_VAPID_SUBJECT",
        "CRAMPCARE_VAPID_PRIVATE_KEY",
        "CRAMPCARE_VAPID_PRIVATE_KEY_FILE",
        "CRAMPCARE_REMINDERS",
        "CRAMPCARE_CDS_JWT",
        "CRAMPCARE_DATABASE_URL",
    ):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    if "GARBAGE" in args:
        (tmp_path / "bad.pem").write_text("garbage\n")
        args = [a.replace("GARBAGE", str(tmp_path / "bad.pem")) for a in args]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        build_app("serve"), ["serve", "--db", f"sqlite:///{tmp_path / 's.sqlite'}", *args]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{named}:") or f"\n{named}:" in result.output, result.output
    assert "Traceback" not in result.output
