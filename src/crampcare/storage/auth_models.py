"""The web app's own tables: credentials, server-side sessions, login throttling, audit, settings.

They live on the same ``Base`` as the diary so that one migration chain covers both; the diary's
tables are untouched. Everything that belongs to a person hangs off ``users.id`` with ``ON DELETE
CASCADE`` so that deleting an account removes it in one statement. The audit log is the exception:
it outlives the account (it records the deletion itself), so it keeps the name, not a foreign key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crampcare.storage.models import Base


class Credential(Base):
    """A user's login: an argon2id hash, whether they own the install, and their preferences."""

    __tablename__ = "credentials"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class WebSession(Base):
    """A signed-in browser. ``id`` is the SHA-256 of the cookie value, so a leaked table grants nothing."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    """One failed sign-in; recent failures per name and per address throttle further attempts."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class AuditEvent(Base):
    """Sign-ins, exports and deletions: who, what, when, from where."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    event: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class SiteSetting(Base):
    """Install-wide settings as text: e.g. ``signups_allowed`` and the CSRF signing secret."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SavedAssessment(Base):
    """An assessment a person chose to keep: the input (JSON text) and the triage level it gave."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    input_json: Mapped[str] = mapped_column(Text)
    triage_level: Mapped[str] = mapped_column(String(16))


class PasswordReset(Base):
    """A one-time password-reset link. ``id`` is the SHA-256 of the token: the table grants nothing."""

    __tablename__ = "password_resets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AccountUsage(Base):
    """Diary rows a person added on one (UTC) day, for the per-account daily limit."""

    __tablename__ = "account_usage"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)


class CdsTokenSeen(Base):
    """A CDS Hooks JWT already accepted: ``sha256(iss NUL jti)``, kept until the token expires.

    In the database rather than in memory so that every worker process and every server behind a
    load balancer refuses a replayed token, not only the process that saw it first.
    """

    __tablename__ = "cds_tokens_seen"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
