"""Per-account preferences of the night screen and the look of the web app (issue 11).

One row per account, created the first time the person changes something; until then the defaults
below apply. The row hangs off ``users.id`` with ``ON DELETE CASCADE`` like everything personal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ForeignKey, String, Time
from sqlalchemy.orm import Mapped, Session, mapped_column

from crampcare.storage.models import Base

DEFAULT_BEDTIME = dt.time(22, 0)
DEFAULT_WAKE_TIME = dt.time(8, 0)
THEMES = ("auto", "light", "dark")


class Preferences(Base):
    __tablename__ = "preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    bedtime: Mapped[dt.time] = mapped_column(Time, default=DEFAULT_BEDTIME)
    wake_time: Mapped[dt.time] = mapped_column(Time, default=DEFAULT_WAKE_TIME)
    theme: Mapped[str] = mapped_column(String(8), default="auto")


@dataclass(frozen=True)
class Prefs:
    bedtime: dt.time = DEFAULT_BEDTIME
    wake_time: dt.time = DEFAULT_WAKE_TIME
    theme: str = "auto"


def get_prefs(session: Session, user_id: int) -> Prefs:
    row = session.get(Preferences, user_id)
    if row is None:
        return Prefs()
    return Prefs(bedtime=row.bedtime, wake_time=row.wake_time, theme=row.theme)


def save_prefs(session: Session, user_id: int, prefs: Prefs) -> None:
    row = session.get(Preferences, user_id)
    if row is None:
        row = Preferences(user_id=user_id)
        session.add(row)
    row.bedtime, row.wake_time, row.theme = prefs.bedtime, prefs.wake_time, prefs.theme
    session.commit()


def asleep_at(local: dt.time, bedtime: dt.time, wake_time: dt.time) -> bool:
    """Whether wall-clock time ``local`` falls in the sleep window [bedtime, wake_time).

    The window usually crosses midnight (22:00-08:00); a night-shift worker's may not (09:00-17:00).
    Equal times mean no sleep window at all.
    """
    if bedtime == wake_time:
        return False
    if bedtime < wake_time:
        return bedtime <= local < wake_time
    return local >= bedtime or local < wake_time
