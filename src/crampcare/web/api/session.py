"""Signing in through the API: ``POST /session`` sets the cookie, ``GET /session`` gives the CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from crampcare.web import auth
from crampcare.web.api.common import ERRORS, Message
from crampcare.web.deps import SESSION_COOKIE, ApiCtx, api_signed_in, db_session, site_secret

router = APIRouter()


class SessionIn(BaseModel):
    name: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class SessionOut(BaseModel):
    user: str
    csrf_token: str


@router.post(
    "/session",
    response_model=SessionOut,
    tags=["session"],
    responses={400: ERRORS[400], 401: ERRORS[401], 422: ERRORS[422], 429: {"model": Message}},
)
def sign_in(body: SessionIn, request: Request, response: Response, db: Session = Depends(db_session)) -> Any:
    """Sign in (throttled like the web form); sets the session cookie and returns the CSRF token."""
    address = request.client.host if request.client else ""
    try:
        user = auth.authenticate(db, body.name, body.password, address)
    except auth.Throttled as err:
        raise HTTPException(429, "too many attempts", {"Retry-After": str(err.retry_after_s)}) from None
    except auth.AuthError:
        raise HTTPException(401, "wrong name or password") from None
    token = auth.start_session(db, user)
    auth.audit(db, user.name, "sign_in", "api", address)
    account = auth.resolve_session(db, token)
    assert account is not None
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=bool(request.state.secure_cookies),
        path="/",
    )
    return SessionOut(
        user=user.name, csrf_token=auth.csrf_token(site_secret(request, db), account.session_id)
    )


@router.get("/session", response_model=SessionOut, tags=["session"], responses={401: ERRORS[401]})
def who(request: Request, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    """The signed-in user and the CSRF token to send as ``X-CSRF-Token``."""
    return SessionOut(
        user=ctx.user.name, csrf_token=auth.csrf_token(site_secret(request, ctx.db), ctx.account.session_id)
    )
