"""Time zones for the web forms: one zone per account, shown on every form and used to read it.

The bug this module exists to prevent: a form that fills in "now" in one zone and reads the typed
time in another puts a cramp hours away from when it happened (and on the wrong night). So a form
carries the zone it displayed (a hidden ``tz`` field the server renders, never changed by script),
and the server reads the typed local time in exactly that zone. The account's zone is taken from the
browser at sign-up (validated here) and can be changed on the account page.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crampcare.storage.models import User

# A cramp a few minutes "in the future" is a phone clock a little ahead, not a wrong day.
CLOCK_SLACK = dt.timedelta(minutes=5)
FORM_FORMAT = "%Y-%m-%dT%H:%M"  # the value of an <input type="datetime-local">


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def valid_zone(name: str | None) -> str | None:
    """The IANA name when it is a real zone (e.g. ``Europe/Moscow``), else None.

    Only names from the tz database are accepted, never a path or an arbitrary key, because the
    value comes from a browser and is stored with the account.
    """
    name = (name or "").strip()
    if not name or len(name) > 64 or name not in _known():
        return None
    return name


def zone(name: str | None) -> ZoneInfo:
    """The zone called ``name``, or UTC when the name is not a known zone."""
    return ZoneInfo(valid_zone(name) or "UTC")


def now_in(tz: dt.tzinfo, now: dt.datetime | None = None) -> dt.datetime:
    """The current time in ``tz`` to the second (``now`` is injectable for tests)."""
    instant = now if now is not None else dt.datetime.now(dt.UTC)
    return instant.astimezone(tz).replace(microsecond=0)


def form_value(moment: dt.datetime) -> str:
    return moment.strftime(FORM_FORMAT)


def read_local(text: str, tz: dt.tzinfo) -> dt.datetime:
    """A wall-clock time typed in a form, read in ``tz``; raises ValueError when it is no time.

    A time the clocks skipped (02:30 on the night summer time starts) is read with the offset before
    the change and then expressed in the real offset (03:30); a time that happened twice (02:30 when
    summer time ends) is the first of the two, as most people mean the one before the clocks went back.
    """
    local = dt.datetime.fromisoformat(text.strip())
    if local.tzinfo is not None:
        return local  # the client gave an offset: it says exactly which instant it means
    aware = local.replace(tzinfo=tz, fold=0)
    return aware.astimezone(dt.UTC).astimezone(tz)


def is_future(moment: dt.datetime, now: dt.datetime | None = None) -> bool:
    """True when ``moment`` is later than now (beyond a small clock slack)."""
    current = now if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC) > current.astimezone(dt.UTC) + CLOCK_SLACK


def set_zone_from_browser(session: Session, user: User, name: str) -> None:
    """At sign-up: the zone the browser reported (app.js), when it is a real one; else UTC stays."""
    from crampcare.storage.auth_models import Credential

    checked = valid_zone(name)
    credential = session.get(Credential, user.id)
    if checked and credential is not None:
        credential.timezone = checked
        session.commit()
