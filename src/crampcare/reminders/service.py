"""Subscriptions, settings and sending of reminders (shared by the web app, its scheduler and the CLI).

Sending is idempotent: before a reminder goes to a device, a ``reminders_sent`` row keyed by (device,
kind, local day) is committed; whoever fails to insert it (another worker, the cron job) skips. A
reminder the push service could not take for a passing reason (network, 5xx, 429) releases its row,
so the next run retries within the reminder's window; a subscription the push service says is gone
(404/410) is deleted, as RFC 8030 asks.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crampcare.i18n import translator
from crampcare.reminders.schedule import KINDS, due_day, seconds_left
from crampcare.reminders.vapid import VapidKeys, b64url_decode, load_keys
from crampcare.storage import Database
from crampcare.storage.auth_models import Credential
from crampcare.storage.models import DayLog, Experiment, ExperimentNight, User
from crampcare.storage.push_models import (
    DEFAULT_EVENING_TIME,
    DEFAULT_EXPERIMENT_TIME,
    PushSubscription,
    ReminderSent,
    ReminderSettings,
)
from crampcare.storage.users import utcnow

log = logging.getLogger(__name__)

ENV_PUSH_HOSTS = "CRAMPCARE_PUSH_HOSTS"
# The push services of the browsers people use. The server POSTs to whatever endpoint a browser
# hands it, so endpoints elsewhere (an intranet address, this server) are refused: no SSRF.
PUSH_SERVICES: tuple[str, ...] = (
    "fcm.googleapis.com",  # Chrome, Edge, Yandex, Samsung Internet, Opera
    "android.googleapis.com",
    "push.services.mozilla.com",  # Firefox
    "push.apple.com",  # Safari (web.push.apple.com)
    "notify.windows.com",  # legacy Edge
)
URGENCY = "normal"  # RFC 8030: delivered promptly, not waking a sleeping phone's radio at any cost
SEND_TIMEOUT_S = 10


class ReminderError(ValueError):
    """A subscription or setting that cannot be stored; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Settings:
    evening_on: bool = False
    evening_time: dt.time = DEFAULT_EVENING_TIME
    experiment_on: bool = False
    experiment_time: dt.time = DEFAULT_EXPERIMENT_TIME

    def time_of(self, kind: str) -> dt.time:
        return self.evening_time if kind == "evening" else self.experiment_time

    def is_on(self, kind: str) -> bool:
        return self.evening_on if kind == "evening" else self.experiment_on


@dataclass
class SendReport:
    sent: int = 0
    removed: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    url: str
    ttl: int

    def payload(self) -> str:
        # What the service worker shows (static/sw.js): words and a same-site link, never a code.
        return json.dumps({"title": self.title, "body": self.body, "url": self.url, "tag": self.kind})


# --- settings ---------------------------------------------------------------------------------------


def get_settings(session: Session, user_id: int) -> Settings:
    row = session.get(ReminderSettings, user_id)
    if row is None:
        return Settings()
    return Settings(row.evening_on, row.evening_time, row.experiment_on, row.experiment_time)


def save_settings(session: Session, user_id: int, settings: Settings) -> None:
    row = session.get(ReminderSettings, user_id)
    if row is None:
        row = ReminderSettings(user_id=user_id)
        session.add(row)
    row.evening_on, row.evening_time = settings.evening_on, settings.evening_time
    row.experiment_on, row.experiment_time = settings.experiment_on, settings.experiment_time
    session.commit()


# --- subscriptions ----------------------------------------------------------------------------------


def _extra_hosts() -> set[str]:
    return {h.strip().lower() for h in os.environ.get(ENV_PUSH_HOSTS, "").split(",") if h.strip()}


def check_endpoint(endpoint: str) -> str | None:
    """Why ``endpoint`` may not be used (English, for ``tr``), or None when it is a push service.

    Known push services over HTTPS only, plus hosts the operator lists in ``CRAMPCARE_PUSH_HOSTS``
    (``host`` or ``host:port``; those may use plain HTTP, e.g. a push service on this machine).
    """
    try:
        parts = urlsplit(endpoint)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "this browser gave an address that is not a push service"
    if len(endpoint) > 1000 or not host or parts.username or parts.password:
        return "this browser gave an address that is not a push service"
    extra = _extra_hosts()
    if host in extra or (port is not None and f"{host}:{port}" in extra):
        return (
            None
            if parts.scheme in ("http", "https")
            else "this browser gave an address that is not a push service"
        )
    if parts.scheme != "https" or _is_ip(host):
        return "this browser gave an address that is not a push service"
    if not any(host == s or host.endswith("." + s) for s in PUSH_SERVICES):
        return "this browser's push service is not one crampcare knows"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def subscribe(session: Session, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store (or take over) this browser's subscription for ``user``; raises ReminderError."""
    endpoint = endpoint.strip()
    problem = check_endpoint(endpoint)
    if problem:
        raise ReminderError("endpoint", problem)
    try:
        key, secret = b64url_decode(p256dh), b64url_decode(auth)
    except ValueError:
        raise ReminderError("keys", "this browser gave keys that cannot be read") from None
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise ReminderError("keys", "this browser gave keys that cannot be read")
    row = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(endpoint=endpoint, created_at=utcnow(), last_failure="")
        session.add(row)
    elif row.user_id != user.id:  # a shared device: the browser now belongs to whoever signed in
        session.execute(delete(ReminderSent).where(ReminderSent.subscription_id == row.id))
    row.user_id, row.p256dh, row.auth = user.id, p256dh.strip(), auth.strip()
    session.commit()
    return row


def unsubscribe(session: Session, user: User, endpoint: str) -> bool:
    result = session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint.strip()
        )
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def subscriptions(session: Session, user_id: int) -> list[PushSubscription]:
    return list(
        session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user_id).order_by(PushSubscription.id)
        )
    )


# --- messages ---------------------------------------------------------------------------------------


def _experiment_nights(session: Session, user_id: int, night: dt.date) -> list[tuple[Experiment, bool]]:
    rows = session.execute(
        select(Experiment, ExperimentNight.on)
        .join(ExperimentNight, ExperimentNight.experiment_id == Experiment.id)
        .where(Experiment.user_id == user_id, ExperimentNight.date == night)
        .order_by(Experiment.id)
    )
    return [(experiment, bool(on)) for experiment, on in rows]


def compose(session: Session, user: User, kind: str, day: dt.date, ttl: int) -> Message | None:
    """The reminder of ``kind`` for local ``day`` in the person's language, or None when there is
    nothing to remind of (the evening is already logged; no experiment night tonight)."""
    from crampcare.experiments.service import intervention_label

    lang = user.locale if user.locale in ("en", "ru") else "en"
    tr = translator(lang)
    if kind == "evening":
        logged = session.scalar(select(DayLog.id).where(DayLog.user_id == user.id, DayLog.date == day))
        if logged is not None:
            return None
        return Message(
            kind,
            tr("Evening log"),
            tr("How was your day? Note stretching, drinks and exercise in the diary: it takes a minute."),
            f"/diary/day?date={day.isoformat()}",
            ttl,
        )
    nights = _experiment_nights(session, user.id, day)
    if not nights:
        return None
    lines = []
    for experiment, on in nights:
        what = intervention_label(experiment.intervention, lang)
        if on:
            lines.append(tr("Tonight: DO it — {intervention}.", intervention=what))
        else:
            lines.append(tr("Tonight: do NOT do it — {intervention}; a night without it.", intervention=what))
    return Message(kind, tr("Tonight's experiment"), " ".join(lines), f"/experiments/{nights[0][0].id}", ttl)


def test_message(user: User) -> Message:
    tr = translator(user.locale if user.locale in ("en", "ru") else "en")
    return Message("test", "crampcare", tr("Notifications work on this device."), "/account", 600)


# --- sending ----------------------------------------------------------------------------------------


def push(keys: VapidKeys, subscription: PushSubscription, message: Message) -> int:
    """Encrypt (RFC 8291, aes128gcm) and POST ``message`` to the device's push service with a VAPID
    signature (RFC 8292); the push service's HTTP status, or 0 when it could not be reached."""
    if check_endpoint(subscription.endpoint):  # the allow-list may have changed since it was stored
        return 403
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        response: Any = webpush(
            info,
            data=message.payload(),
            vapid_private_key=keys.vapid,
            vapid_claims={"sub": keys.subject},
            content_encoding="aes128gcm",
            ttl=message.ttl,
            headers={"Urgency": URGENCY, "Topic": message.kind},
            timeout=SEND_TIMEOUT_S,
        )
    except WebPushException as err:
        return err.response.status_code if err.response is not None else 0
    except requests.RequestException:
        return 0
    return int(response.status_code)


def _deliver(
    session: Session, keys: VapidKeys, sub: PushSubscription, message: Message, report: SendReport
) -> bool:
    """Send and record the outcome on the subscription; False when the claim should be released."""
    status = push(keys, sub, message)
    now = utcnow()
    if 200 <= status < 300:
        sub.last_success_at = now
        report.sent += 1
        session.commit()
        return True
    if status in (404, 410):  # the browser unsubscribed or the subscription expired: forget it
        session.delete(sub)
        session.commit()
        report.removed += 1
        return True
    sub.last_failure_at, sub.last_failure = now, f"HTTP {status}" if status else "push service not reachable"
    session.commit()
    report.failed += 1
    report.problems.append(f"subscription {sub.id}: {sub.last_failure}")
    # A passing failure (unreachable, overloaded, rate-limited) is retried next run; a refusal is not.
    return not (status == 0 or status == 429 or status >= 500)


def _claim(session: Session, sub_id: int, kind: str, day: dt.date) -> bool:
    session.add(ReminderSent(subscription_id=sub_id, kind=kind, day=day, sent_at=utcnow()))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _release(session: Session, sub_id: int, kind: str, day: dt.date) -> None:
    session.execute(
        delete(ReminderSent).where(
            ReminderSent.subscription_id == sub_id, ReminderSent.kind == kind, ReminderSent.day == day
        )
    )
    session.commit()


def _due_people(session: Session) -> Iterable[tuple[User, str, Settings]]:
    rows = session.execute(
        select(User, Credential.timezone, ReminderSettings)
        .join(ReminderSettings, ReminderSettings.user_id == User.id)
        .outerjoin(Credential, Credential.user_id == User.id)
        .where((ReminderSettings.evening_on.is_(True)) | (ReminderSettings.experiment_on.is_(True)))
        .order_by(User.id)
    )
    for user, zone_name, row in rows.all():
        settings = Settings(row.evening_on, row.evening_time, row.experiment_on, row.experiment_time)
        yield user, zone_name or "UTC", settings


def _zone(name: str) -> dt.tzinfo:
    """The account's zone; an unknown name (never stored by the web app, but a database is shared)
    falls back to UTC rather than stopping everyone's reminders."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def send_due(db: Database, now: dt.datetime | None = None, keys: VapidKeys | None = None) -> SendReport:
    """Send every reminder due at ``now`` (default: the current time) to every device; see the
    module docstring for why it never sends one twice."""
    instant = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    report = SendReport()
    with db.session() as session:
        for user, zone_name, settings in list(_due_people(session)):
            tz = _zone(zone_name)
            devices = subscriptions(session, user.id)
            if not devices:
                continue
            for kind in KINDS:
                if not settings.is_on(kind):
                    continue
                day = due_day(instant, settings.time_of(kind), tz)
                if day is None:
                    continue
                message = compose(
                    session, user, kind, day, seconds_left(instant, day, settings.time_of(kind), tz)
                )
                if message is None:
                    continue
                keys = keys or load_keys(session)  # only now: a server nobody subscribed to writes nothing
                for sub in devices:
                    if sub not in session or not _claim(session, sub.id, kind, day):
                        continue
                    sub_id = sub.id
                    if not _deliver(session, keys, sub, message, report):
                        _release(session, sub_id, kind, day)
    return report


def send_test(session: Session, user: User, keys: VapidKeys | None = None) -> SendReport:
    """A test notification to every device of ``user`` (the button on the account page)."""
    keys = keys or load_keys(session)
    report = SendReport()
    for sub in subscriptions(session, user.id):
        _deliver(session, keys, sub, test_message(user), report)
    return report
