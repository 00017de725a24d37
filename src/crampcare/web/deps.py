"""The FastAPI dependencies every web route shares: database session, site secret, account, CSRF.

Pages build their rendering context on these (:mod:`crampcare.web.context`); the JSON API
(:mod:`crampcare.web.api`) and the report routes use them directly. One copy of each, so the
session, the cached secret and the CSRF rule cannot drift apart between the two shells.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from crampcare.storage.models import User
from crampcare.web import auth

SESSION_COOKIE = "cc_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db_session(request: Request) -> Iterator[Session]:
    # GET requests read through the lock-free engine (see ``app.reads_without_lock``).
    db = request.app.state.read_db if request.method in SAFE_METHODS else request.app.state.db
    with db.session() as session:
        yield session


def site_secret(request: Request, db: Session) -> bytes:
    """The site's signing secret (CSRF tokens)."""
    # Cached on the app: it never changes once created, and reading it on every request is waste.
    cached: bytes | None = getattr(request.app.state, "secret", None)
    if cached is None:
        cached = auth.site_secret(db)
        request.app.state.secret = cached
    return cached


def account_of(request: Request, db: Session) -> auth.Account | None:
    """The account whose session cookie came with the request, or None."""
    return auth.resolve_session(db, request.cookies.get(SESSION_COOKIE))


def client_address(request: Request) -> str:
    client = request.client
    return client.host if client else ""


class ApiCtx:
    """A signed-in API call: its session, account and the caller's address (for the audit log)."""

    def __init__(self, db: Session, account: auth.Account, address: str) -> None:
        self.db = db
        self.account = account
        self.user: User = account.user
        self.address = address


def api_signed_in(request: Request, db: Session = Depends(db_session)) -> ApiCtx:
    """The API's guard: 401 without a session, 403 on a change without the right ``X-CSRF-Token``."""
    account = account_of(request, db)
    if account is None:
        raise HTTPException(status_code=401, detail="sign in first")
    if request.method not in SAFE_METHODS and not auth.csrf_ok(
        site_secret(request, db), account.session_id, request.headers.get(CSRF_HEADER)
    ):
        raise HTTPException(status_code=403, detail="missing or wrong X-CSRF-Token header")
    return ApiCtx(db, account, client_address(request))
