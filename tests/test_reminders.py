"""Reminders by Web Push, end to end against a real local push service (``tests/push_receiver.py``)
that verifies the VAPID signature and decrypts each message (RFC 8291/8292): what arrives, when (in
each person's own zone, across a DST change), only once per day, and that a gone subscription is
deleted. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.experiments import service as exp
from crampcare.experiments.service import intervention_label
from crampcare.reminders import service
from crampcare.reminders.schedule import due_day
from crampcare.reminders.vapid import load_keys
from crampcare.storage import Database, open_database
from crampcare.storage.auth_models import Credential
from crampcare.storage.models import DayLog, User
from crampcare.storage.push_models import PushSubscription, ReminderSent
from crampcare.web.zones import zone
from tests.push_receiver import BrowserSubscription, PushReceiver

UTC = dt.UTC


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[PushReceiver]:
    with PushReceiver() as push:
        monkeypatch.setenv(service.ENV_PUSH_HOSTS, push.host)
        yield push


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


def person(db: Database, name: str, zone_name: str, locale: str = "en") -> int:
    with db.session() as session:
        user = User(name=name, created_at=dt.datetime(2026, 1, 1), locale=locale)
        session.add(user)
        session.flush()
        session.add(
            Credential(
                user_id=user.id,
                password_hash="x",
                is_owner=False,
                timezone=zone_name,
                created_at=user.created_at,
            )
        )
        session.commit()
        return user.id


def device(db: Database, push: PushReceiver, user_id: int) -> BrowserSubscription:
    with db.session() as session:
        sub = push.subscribe(load_keys(session).public_key)
        user = session.get(User, user_id)
        assert user is not None
        service.subscribe(session, user, sub.endpoint, sub.p256dh, sub.auth_b64)
    return sub


def remind(db: Database, user_id: int, **settings: Any) -> None:
    with db.session() as session:
        service.save_settings(session, user_id, service.Settings(**settings))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def send(db: Database, when: str) -> service.SendReport:
    return service.send_due(db, now=at(when))


def test_evening_reminders_arrive_decrypted_at_each_persons_local_time_once(
    db: Database, receiver: PushReceiver
) -> None:
    moscow = person(db, "masha", "Europe/Moscow", "ru")  # UTC+3 all year
    new_york = person(db, "nick", "America/New_York")  # summer time from 2026-03-08 02:00
    masha, nick = device(db, receiver, moscow), device(db, receiver, new_york)
    nick_laptop = device(db, receiver, new_york)  # a second device gets its own copy
    for who in (moscow, new_york):
        remind(db, who, evening_on=True, evening_time=dt.time(21, 0))

    assert send(db, "2026-03-07T17:59:00").sent == 0
    assert send(db, "2026-03-07T18:00:00").sent == 1  # 21:00 in Moscow
    first = receiver.wait_for(masha.token)
    assert first.payload["title"] == "Вечерний дневник"
    assert "растяжк" in first.payload["body"] and "_" not in first.payload["body"]
    assert first.payload["url"] == "/diary/day?date=2026-03-07"
    assert first.headers["urgency"] == "normal"
    assert first.headers["ttl"] == str(3 * 3600)  # worth delivering until three hours after it was due
    assert first.headers["topic"] == "evening"
    assert (
        first.claims["aud"] == receiver.origin and first.claims["exp"] > at("2026-03-07T18:00:00").timestamp()
    )

    # Once only: the scheduler and a cron job running the same minute, or later in the window.
    assert send(db, "2026-03-07T18:00:30").sent == 0
    assert send(db, "2026-03-07T20:59:00").sent == 0
    assert len(receiver.for_token(masha.token)) == 1

    # New York, winter (UTC-5): 21:00 on 7 March is 02:00 UTC on the 8th.
    assert send(db, "2026-03-08T01:59:00").sent == 0
    assert send(db, "2026-03-08T02:00:00").sent == 2
    assert receiver.wait_for(nick.token).payload["title"] == "Evening log"
    assert receiver.wait_for(nick_laptop.token).payload["url"] == "/diary/day?date=2026-03-07"

    # Moscow's next day, then New York's first summer-time evening (UTC-4): 21:00 is 01:00 UTC.
    assert send(db, "2026-03-08T18:00:00").sent == 1
    assert send(db, "2026-03-09T00:59:00").sent == 0
    assert send(db, "2026-03-09T01:00:00").sent == 2
    assert [d.payload["url"] for d in receiver.for_token(nick.token)] == [
        "/diary/day?date=2026-03-07",
        "/diary/day?date=2026-03-08",
    ]
    assert send(db, "2026-03-09T02:00:00").sent == 0  # where a fixed UTC-5 would have sent it
    assert receiver.errors == []


def test_no_evening_reminder_once_the_evening_is_logged_and_none_when_switched_off(
    db: Database, receiver: PushReceiver
) -> None:
    uid = person(db, "lena", "Europe/London")
    phone = device(db, receiver, uid)
    remind(db, uid, evening_on=True, evening_time=dt.time(21, 30))
    with db.session() as session:
        session.add(DayLog(user_id=uid, date=dt.date(2026, 7, 1), stretched_before_bed=True, notes=""))
        session.commit()
    assert send(db, "2026-07-01T20:30:00").sent == 0  # 21:30 BST, but already logged
    assert send(db, "2026-07-02T20:30:00").sent == 1
    remind(db, uid, evening_on=False, evening_time=dt.time(21, 30))
    assert send(db, "2026-07-03T20:30:00").sent == 0
    assert len(receiver.for_token(phone.token)) == 1


def test_experiment_reminder_says_tonights_arm_in_words(db: Database, receiver: PushReceiver) -> None:
    uid = person(db, "olga", "Europe/Berlin", "ru")
    phone = device(db, receiver, uid)
    with db.session() as session:
        user = session.get(User, uid)
        assert user is not None
        experiment = exp.create_experiment(
            session,
            user,
            "calf_stretch_before_bed",
            dt.date(2026, 10, 20),
            block_days=3,
            pairs=2,
            today=dt.date(2026, 10, 19),
        )
        nights = {n.date: n.on for n in experiment.nights}
        experiment_id = experiment.id
    remind(db, uid, experiment_on=True, experiment_time=dt.time(20, 0))
    assert send(db, "2026-10-19T18:00:00").sent == 0  # the night before the experiment starts
    what = intervention_label("calf_stretch_before_bed", "ru")
    # Berlin leaves summer time on 25 October: 20:00 is 18:00 UTC before, 19:00 UTC after.
    for day, instant in (
        (dt.date(2026, 10, 24), "2026-10-24T18:00:00"),
        (dt.date(2026, 10, 26), "2026-10-26T19:00:00"),
    ):
        assert send(db, instant).sent == 1, day
        payload = receiver.for_token(phone.token)[-1].payload
        assert payload["title"] == "Эксперимент сегодня"
        assert what in payload["body"] and "calf_stretch" not in payload["body"]
        expected = "НЕ делайте" if not nights[day] else "СДЕЛАЙТЕ"
        assert expected in payload["body"], (day, payload["body"])
        assert payload["url"] == f"/experiments/{experiment_id}"
        assert receiver.for_token(phone.token)[-1].headers["topic"] == "experiment"
    assert receiver.errors == []


def test_a_gone_subscription_is_deleted_and_others_still_get_theirs(
    db: Database, receiver: PushReceiver
) -> None:
    uid = person(db, "ivan", "Asia/Tokyo")
    old, new = device(db, receiver, uid), device(db, receiver, uid)
    receiver.gone.add(old.token)
    remind(db, uid, evening_on=True, evening_time=dt.time(22, 0))
    report = send(db, "2026-05-05T13:00:00")  # 22:00 in Tokyo
    assert (report.sent, report.removed) == (1, 1)
    receiver.wait_for(new.token)
    with db.session() as session:
        endpoints = session.scalars(sa.select(PushSubscription.endpoint)).all()
        assert endpoints == [new.endpoint]
        assert session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 1


def test_a_passing_failure_is_retried_within_the_window(db: Database, receiver: PushReceiver) -> None:
    uid = person(db, "petr", "UTC")
    phone = device(db, receiver, uid)
    remind(db, uid, evening_on=True, evening_time=dt.time(21, 0))
    receiver.server.shutdown()  # type: ignore[union-attr]  # the push service is down
    receiver.server.server_close()  # type: ignore[union-attr]
    report = send(db, "2026-05-05T21:00:00")
    assert (report.sent, report.failed) == (0, 1)
    with db.session() as session:
        row = session.scalars(sa.select(PushSubscription)).one()
        assert row.last_failure == "push service not reachable" and row.last_failure_at is not None
        assert session.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 0  # claim released
    assert phone.token


def test_subscriptions_outside_the_push_services_are_refused(db: Database) -> None:
    uid = person(db, "zoe", "UTC")
    key = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
    secret = base64.urlsafe_b64encode(b"\x02" * 16).rstrip(b"=").decode()
    with db.session() as session:
        user = session.get(User, uid)
        assert user is not None
        for endpoint in (
            "http://fcm.googleapis.com/fcm/send/x",  # not HTTPS
            "https://10.0.0.5/push/x",  # an intranet address
            "https://127.0.0.1:8000/account",  # this very server
            "https://evil.example/fcm.googleapis.com",
            "https://user:pw@fcm.googleapis.com/x",
        ):
            with pytest.raises(service.ReminderError) as err:
                service.subscribe(session, user, endpoint, key, secret)
            assert err.value.field == "endpoint", endpoint
        with pytest.raises(service.ReminderError) as bad:
            service.subscribe(session, user, "https://fcm.googleapis.com/fcm/send/abc", key, "short")
        assert bad.value.field == "keys"
        row = service.subscribe(session, user, "https://fcm.googleapis.com/fcm/send/abc", key, secret)
        assert row.user_id == uid


@pytest.mark.parametrize(
    ("zone_name", "reminder", "instant", "expected"),
    [
        # London leaves GMT at 01:00 UTC on 29 March 2026: 02:30 does not exist that night; it is read
        # with the offset before the gap, so the reminder comes at 03:30 BST (01:30 UTC).
        ("Europe/London", dt.time(2, 30), "2026-03-29T01:29:00", None),
        ("Europe/London", dt.time(2, 30), "2026-03-29T01:30:00", dt.date(2026, 3, 29)),
        # A 23:30 reminder just before the change, still due 59 minutes later, not after.
        ("Europe/London", dt.time(23, 30), "2026-03-28T23:30:00", dt.date(2026, 3, 28)),
        ("Europe/London", dt.time(23, 30), "2026-03-29T00:28:00", dt.date(2026, 3, 28)),
        ("Europe/London", dt.time(23, 30), "2026-03-29T00:29:00", None),
        # On 25 October 01:30 happens twice (BST, then GMT): the reminder belongs to the first only.
        ("Europe/London", dt.time(1, 30), "2026-10-25T00:30:00", dt.date(2026, 10, 25)),
        ("Europe/London", dt.time(1, 30), "2026-10-25T01:30:00", None),
        # Moscow has no DST; Sydney's summer is in January (UTC+11).
        ("Europe/Moscow", dt.time(21, 0), "2026-07-01T18:00:00", dt.date(2026, 7, 1)),
        ("Australia/Sydney", dt.time(21, 0), "2026-01-15T10:00:00", dt.date(2026, 1, 15)),
        ("Australia/Sydney", dt.time(21, 0), "2026-07-15T10:00:00", None),  # winter: UTC+10, due at 11:00
    ],
)
def test_due_day_is_wall_clock_time_in_the_zone(
    zone_name: str, reminder: dt.time, instant: str, expected: dt.date | None
) -> None:
    assert due_day(at(instant), reminder, zone(zone_name), late=dt.timedelta(minutes=59)) == expected


def test_the_operators_key_and_contact_sign_the_pushes(
    db: Database, receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    from crampcare.storage.auth_models import SiteSetting

    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    monkeypatch.setenv("CRAMPCARE_VAPID_PRIVATE_KEY", base64.urlsafe_b64encode(raw).rstrip(b"=").decode())
    monkeypatch.setenv("CRAMPCARE_VAPID_SUBJECT", "mailto:ops@example.org")
    uid = person(db, "vera", "UTC")
    phone = device(db, receiver, uid)  # subscribed with the operator's public key
    remind(db, uid, evening_on=True, evening_time=dt.time(20, 0))
    assert send(db, "2026-06-01T20:00:00").sent == 1
    delivery = receiver.wait_for(phone.token)
    assert delivery.claims["sub"] == "mailto:ops@example.org"
    with db.session() as session:
        assert session.get(SiteSetting, "vapid_private_key") is None  # nothing generated or stored
    # The key the database would have generated signs nothing the browser accepts.
    monkeypatch.delenv("CRAMPCARE_VAPID_PRIVATE_KEY")
    remind(db, uid, evening_on=True, evening_time=dt.time(20, 0))
    report = send(db, "2026-06-02T20:00:00")
    assert (report.sent, report.failed) == (0, 1)
    assert receiver.errors == ["k is not the key the subscription was made with"]
