"""Accounts, sessions, throttling, audit and site settings: plain functions over a ``Session``.

Views call these and never touch the auth tables themselves. Passwords are hashed with argon2id
(argon2-cffi's defaults follow RFC 9106's recommendations). A session cookie holds a random token;
the database keeps only its SHA-256, so reading the table does not let anyone sign in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crampcare.i18n import N_
from crampcare.storage.audit import audit
from crampcare.storage.auth_models import (
    AuditEvent,
    Credential,
    LoginFailure,
    PasswordReset,
    SiteSetting,
    WebSession,
)
from crampcare.storage.models import User
from crampcare.storage.users import get_user, utcnow

SESSION_DAYS = 30
# Throttling (OWASP Authentication Cheat Sheet) that cannot be turned against a user: limits are
# keyed on the client, never on the account alone, so failures from an attacker's address never
# lock the real person out. For one name from one address, each failure after the first few doubles
# the wait before the next try (30 s, 1 min, 2 min ... up to the window); one address trying many
# names is refused until its oldest failure leaves the window.
THROTTLE_WINDOW = dt.timedelta(minutes=15)
FREE_FAILURES_PER_PAIR = 5  # tries for one name from one address before delays start
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_FAILURES_PER_ADDRESS = 20
RESET_LIFETIME = dt.timedelta(hours=1)
MIN_PASSWORD = 8  # the messages say "8": change them with it
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")

_hasher = PasswordHasher()  # argon2id


class AuthError(ValueError):
    """A sign-up or sign-in problem; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class Throttled(Exception):
    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many attempts; retry in {retry_after_s} s")


@dataclass(frozen=True)
class Account:
    """What a request needs to know about the signed-in person."""

    user: User
    credential: Credential
    session_id: str


# --- settings ------------------------------------------------------------------------------------


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(SiteSetting, key)
    return row.value if row is not None else None


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(SiteSetting, key)
    if row is None:
        session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value
    session.commit()


def site_secret(session: Session) -> bytes:
    """The install's signing secret, created once; shared by every worker through the database."""
    value = get_setting(session, "secret")
    if value is None:
        try:
            with session.begin_nested():
                session.add(SiteSetting(key="secret", value=secrets.token_hex(32)))
            session.commit()
        except IntegrityError:  # another worker created it first
            session.rollback()
        value = get_setting(session, "secret")
    assert value is not None
    return bytes.fromhex(value)


def signups_allowed(session: Session) -> bool:
    return get_setting(session, "signups_allowed") == "yes"


def has_owner(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Credential).where(Credential.is_owner)) != 0


def has_accounts(session: Session) -> bool:
    """Whether anyone has an account: the first-run page is only for an install with none."""
    return session.scalar(select(func.count()).select_from(Credential)) != 0


def set_owner(session: Session, name: str) -> User:
    """Make ``name`` the one owner (the ``crampcare owner set`` command); raises ``AuthError``."""
    user = get_user(session, name.strip().lower())
    credential = session.get(Credential, user.id) if user is not None else None
    if user is None or credential is None:
        raise AuthError("name", "there is no account with this name")
    session.execute(update(Credential).values(is_owner=False))
    credential.is_owner = True
    session.commit()
    audit(session, user.name, "owner_assigned", "", "")
    return user


# --- accounts ------------------------------------------------------------------------------------


def check_new_account(name: str, password: str) -> list[AuthError]:
    problems = []
    if not 3 <= len(name) <= 60 or not set(name) <= NAME_CHARS:
        problems.append(
            AuthError("name", N_("use 3 to 60 lower-case letters, digits or . _ - @ (e.g. your e-mail)"))
        )
    if len(password) < MIN_PASSWORD:
        problems.append(AuthError("password", N_("use at least 8 characters")))
    return problems


def create_account(session: Session, name: str, password: str, *, owner: bool, locale: str = "en") -> User:
    """A new user with a password; raises ``AuthError`` (name taken, weak password)."""
    name = name.strip().lower()
    problems = check_new_account(name, password)
    if problems:
        raise problems[0]
    if get_user(session, name) is not None:
        raise AuthError("name", N_("this name is taken; choose another"))
    user = User(name=name, created_at=utcnow(), locale=locale)
    try:
        session.add(user)
        session.flush()
        session.add(
            Credential(
                user_id=user.id,
                password_hash=_hasher.hash(password),
                is_owner=owner,
                timezone="UTC",
                created_at=utcnow(),
            )
        )
        session.commit()
    except IntegrityError as exc:  # two sign-ups raced for the same name
        session.rollback()
        raise AuthError("name", N_("this name is taken; choose another")) from exc
    return user


def _recent_failures(session: Session, column: Any, value: str, since: dt.datetime) -> list[dt.datetime]:
    query = select(LoginFailure.at).where(column == value, LoginFailure.at >= since)
    return sorted(session.scalars(query))


def pair_delay(failures: int) -> dt.timedelta:
    """The wait after ``failures`` recent failures for one name from one address."""
    if failures < FREE_FAILURES_PER_PAIR:
        return dt.timedelta(0)
    return min(THROTTLE_WINDOW, FIRST_DELAY * 2 ** (failures - FREE_FAILURES_PER_PAIR))


def check_throttle(session: Session, name: str, address: str, now: dt.datetime | None = None) -> None:
    """Raise ``Throttled`` when this client has failed too often lately (for this name, or at all).

    Failures from other addresses do not count: nobody can lock a person out by guessing wrong.
    """
    now = now or utcnow()
    since = now - THROTTLE_WINDOW
    query = select(LoginFailure.at).where(
        LoginFailure.name == name, LoginFailure.address == address, LoginFailure.at >= since
    )
    pair = sorted(session.scalars(query))
    if pair:
        free_at = pair[-1] + pair_delay(len(pair))
        if free_at > now:
            raise Throttled(max(1, int((free_at - now).total_seconds())))
    by_address = _recent_failures(session, LoginFailure.address, address, since)
    if len(by_address) >= MAX_FAILURES_PER_ADDRESS:
        free_at = by_address[-MAX_FAILURES_PER_ADDRESS] + THROTTLE_WINDOW
        raise Throttled(max(1, int((free_at - now).total_seconds())))


def record_failure(session: Session, name: str, address: str, event: str, *, known: bool = True) -> None:
    """Count a failure for throttling and audit it. A failure for a name nobody has is audited
    without the name, so that someone who signs up under it later never sees strangers' addresses."""
    session.add(LoginFailure(name=name[:200], address=address[:64], at=utcnow()))
    audit(session, name if known else "", event, "" if known else "unknown name", address)
    session.commit()


def authenticate(session: Session, name: str, password: str, address: str) -> User:
    """The user if the password is right; records failures and raises ``Throttled`` or ``AuthError``."""
    name = name.strip().lower()
    check_throttle(session, name, address)
    user = get_user(session, name)
    credential = session.get(Credential, user.id) if user is not None else None
    try:
        if credential is None:
            _hasher.hash(password)  # spend the same time, so timing does not reveal which names exist
            raise VerificationError
        _hasher.verify(credential.password_hash, password)
    except (VerificationError, InvalidHashError):
        record_failure(session, name, address, "sign_in_failed", known=credential is not None)
        raise AuthError("password", "wrong name or password") from None
    assert user is not None and credential is not None
    if _hasher.check_needs_rehash(credential.password_hash):
        credential.password_hash = _hasher.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.name == name, LoginFailure.address == address))
    session.commit()
    return user


def change_password(session: Session, account: Account, old: str, new: str, address: str = "") -> None:
    """Raises ``Throttled`` like a sign-in: a stolen session must not be a free password oracle."""
    name = account.user.name
    check_throttle(session, name, address)
    try:
        _hasher.verify(account.credential.password_hash, old)
    except (VerificationError, InvalidHashError):
        record_failure(session, name, address, "password_check_failed")
        raise AuthError("old_password", N_("this is not your current password")) from None
    if len(new) < MIN_PASSWORD:
        raise AuthError("new_password", N_("use at least 8 characters"))
    account.credential.password_hash = _hasher.hash(new)
    session.execute(
        delete(WebSession).where(WebSession.user_id == account.user.id, WebSession.id != account.session_id)
    )
    session.commit()


def verify_password(session: Session, account: Account, password: str, address: str = "") -> bool:
    """Check a signed-in person's password (delete account...), throttled like a sign-in."""
    name = account.user.name
    check_throttle(session, name, address)
    try:
        return _hasher.verify(account.credential.password_hash, password)
    except (VerificationError, InvalidHashError):
        record_failure(session, name, address, "password_check_failed")
        return False


def delete_account(session: Session, account: Account, address: str, successor: str | None = None) -> None:
    """Remove the user and everything that hangs off them (cascade); anonymise their audit lines.

    Ownership passes only to the ``successor`` the owner chose (None: the install is left without
    an owner until ``crampcare owner set NAME``), never silently to whoever signed up first.
    """
    name = account.user.name
    if successor and account.credential.is_owner:
        heir = get_user(session, successor)
        heir_credential = session.get(Credential, heir.id) if heir is not None else None
        if heir is None or heir_credential is None or heir.id == account.user.id:
            raise AuthError("successor", N_("choose one of the other accounts"))
        heir_credential.is_owner = True
        audit(session, heir.name, "owner_assigned", "", "")
    session.delete(account.user)
    session.execute(delete(LoginFailure).where(LoginFailure.name == name))  # names with addresses
    session.flush()
    anonymise_audit(session, name)
    # The deletion line keeps neither the name nor ``address``: nothing of the person stays.
    audit(session, "", "account_deleted", "", "")


def anonymise_audit(session: Session, name: str) -> None:
    """A deleted account's audit lines keep what happened and when, but no name, address or detail."""
    session.execute(
        update(AuditEvent).where(AuditEvent.user_name == name).values(user_name="", address="", detail="")
    )
    session.commit()


# --- password resets -----------------------------------------------------------------------------


def issue_reset(session: Session, user: User, lifetime: dt.timedelta = RESET_LIFETIME) -> str:
    """A one-time reset token for ``user`` (only its SHA-256 is stored); older ones stop working."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    session.execute(delete(PasswordReset).where(PasswordReset.expires_at <= now))
    session.add(PasswordReset(id=_digest(token), user_id=user.id, created_at=now, expires_at=now + lifetime))
    session.commit()
    return token


def reset_user(session: Session, token: str | None) -> User | None:
    """The user a reset token belongs to, if it is known and has not expired."""
    if not token or len(token) > 100:
        return None
    row = session.get(PasswordReset, _digest(token))
    if row is None or row.expires_at <= utcnow():
        return None
    return session.get(User, row.user_id)


def redeem_reset(session: Session, token: str, new_password: str) -> User:
    """Set a new password with a reset token: the token is used up and every session ends."""
    user = reset_user(session, token)
    if user is None:
        raise AuthError("token", N_("this link is not valid any more; ask for a new one"))
    if len(new_password) < MIN_PASSWORD:
        raise AuthError("password", N_("use at least 8 characters"))
    credential = session.get(Credential, user.id)
    assert credential is not None
    credential.password_hash = _hasher.hash(new_password)
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(LoginFailure).where(LoginFailure.name == user.name))
    session.commit()
    return user


# --- owner's overview and per-account usage ------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary:
    """What the owner sees of an account: counts, never addresses, file names or diary content."""

    name: str
    created_at: dt.datetime
    is_owner: bool
    sign_ins: int
    failures: int


def account_summaries(session: Session, days: int = 30) -> list[AccountSummary]:
    since = utcnow() - dt.timedelta(days=days)
    counts: dict[tuple[str, str], int] = {
        (str(name), str(event)): int(n)
        for name, event, n in session.execute(
            select(AuditEvent.user_name, AuditEvent.event, func.count())
            .where(AuditEvent.at >= since, AuditEvent.event.in_(("sign_in", "sign_in_failed")))
            .group_by(AuditEvent.user_name, AuditEvent.event)
        )
    }
    rows = session.execute(
        select(User.name, Credential.created_at, Credential.is_owner)
        .join(Credential, Credential.user_id == User.id)
        .order_by(User.name)
    )
    return [
        AccountSummary(
            name=name,
            created_at=created,
            is_owner=bool(owner),
            sign_ins=counts.get((name, "sign_in"), 0),
            failures=counts.get((name, "sign_in_failed"), 0),
        )
        for name, created, owner in rows
    ]


def unknown_name_failures(session: Session, days: int = 30) -> int:
    since = utcnow() - dt.timedelta(days=days)
    query = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.at >= since, AuditEvent.user_name == "", AuditEvent.event == "sign_in_failed")
    )
    return int(session.scalar(query) or 0)


def rows_today(session: Session, user_id: int) -> int:
    from crampcare.diary.quota import rows_today as today

    return today(session, user_id)


def add_rows_today(session: Session, user_id: int, rows: int) -> None:
    """Count diary rows added today (the per-account daily limit); commits."""
    from crampcare.diary.quota import take_rows

    take_rows(session, user_id, rows, None)
    session.commit()


# --- sessions ------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User) -> str:
    """A new session for ``user``; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # Housekeeping on sign-in (rare enough to be free): expired sessions and old failures go.
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - THROTTLE_WINDOW))
    session.add(
        WebSession(
            id=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + dt.timedelta(days=SESSION_DAYS),
        )
    )
    session.commit()
    return token


def resolve_session(session: Session, token: str | None) -> Account | None:
    """The account behind a cookie value, or None (missing, unknown or expired)."""
    if not token or len(token) > 100:
        return None
    row = session.execute(
        select(WebSession, User, Credential)
        .join(User, User.id == WebSession.user_id)
        .join(Credential, Credential.user_id == User.id)
        .where(WebSession.id == _digest(token))
    ).one_or_none()
    if row is None or row[0].expires_at <= utcnow():
        return None
    return Account(user=row[1], credential=row[2], session_id=row[0].id)


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.id == _digest(token)))
        session.commit()


# --- CSRF ----------------------------------------------------------------------------------------


def csrf_token(secret: bytes, binding: str) -> str:
    """A token tied to the session (or the anonymous visitor's cookie): HMAC, nothing stored."""
    return hmac.new(secret, b"csrf:" + binding.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, binding: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, binding), str(given))
