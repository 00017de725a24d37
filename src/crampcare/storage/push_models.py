"""Reminders by Web Push (issue 11): the devices a person subscribed, what they want to be reminded
of and when, and which reminders were already sent.

Everything hangs off ``users.id`` (or a subscription) with ``ON DELETE CASCADE``: a push subscription
is personal data (it identifies a person's browser), so deleting the account deletes it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from crampcare.storage.models import Base

DEFAULT_EVENING_TIME = dt.time(21, 0)
DEFAULT_EXPERIMENT_TIME = dt.time(20, 0)


class PushSubscription(Base):
    """One browser on one device that accepted notifications (``PushSubscription.toJSON()``)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The push service's capability URL for this browser; unique, as a browser has one per site.
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))  # the browser's P-256 public key (base64url)
    auth: Mapped[str] = mapped_column(String(64))  # the 16-byte auth secret (base64url)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failure: Mapped[str] = mapped_column(Text, default="", server_default="")


class ReminderSettings(Base):
    """Which reminders a person wants and at what wall-clock time in their own zone."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    evening_on: Mapped[bool] = mapped_column(Boolean, default=False)
    evening_time: Mapped[dt.time] = mapped_column(Time, default=DEFAULT_EVENING_TIME)
    experiment_on: Mapped[bool] = mapped_column(Boolean, default=False)
    experiment_time: Mapped[dt.time] = mapped_column(Time, default=DEFAULT_EXPERIMENT_TIME)


class ReminderSent(Base):
    """A reminder of one kind for one local day claimed for one device: the primary key is what
    makes sending idempotent (two workers, the CLI and the scheduler can never send it twice)."""

    __tablename__ = "reminders_sent"

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=sa.func.now())
