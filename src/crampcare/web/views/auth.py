"""First-run owner account, sign-up (when the owner allows it), sign-in and sign-out."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Response

from crampcare.web import auth
from crampcare.web.context import Ctx, form_str, page_ctx
from crampcare.web.deps import SESSION_COOKIE
from crampcare.web.views.common import clear_session_cookie, safe_next, set_session_cookie
from crampcare.web.zones import set_zone_from_browser

router = APIRouter()


def _signed_in_response(ctx: Ctx, user_name: str, token: str, target: str) -> Response:
    response = ctx.redirect(target)
    set_session_cookie(ctx, response, token)
    return response


def _account_form(
    ctx: Ctx, template: str, errors: dict[str, str], name: str = "", status: int = 200
) -> Response:
    return ctx.render(template, status_code=status, errors=errors, name=name)


def _setup_refusal(ctx: Ctx, given: str | None) -> Response | None:
    """Why this visitor may not create the owner account now (a page), or None when they may.

    Only an install without any account has a first-run page; an install whose owner left without
    naming a successor waits for ``crampcare owner set NAME``. When the server is reachable beyond
    this machine, the page also needs the one-time token ``crampcare serve`` printed: otherwise the
    first stranger to find a fresh server would own it.
    """
    if auth.has_accounts(ctx.db):
        if auth.has_owner(ctx.db):
            return ctx.redirect("/login")
        return ctx.render("no_owner.html", status_code=503)
    expected: str | None = ctx.request.app.state.setup_token
    if expected and not (given and hmac.compare_digest(given.encode(), expected.encode())):
        return ctx.render("setup_token.html", status_code=403)
    return None


@router.get("/setup")
def setup_page(ctx: Ctx = Depends(page_ctx), token: str = "") -> Response:
    refused = _setup_refusal(ctx, token)
    if refused is not None:
        return refused
    return ctx.render("setup.html", errors={}, name="", token=token)


@router.post("/setup")
def setup_submit(ctx: Ctx = Depends(page_ctx)) -> Response:
    token = form_str(ctx.form, "token")
    refused = _setup_refusal(ctx, token)  # also when someone was faster: the first visitor only
    if refused is not None:
        return refused
    return _create(ctx, "setup.html", owner=True, token=token)


@router.get("/signup")
def signup_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    if not auth.has_owner(ctx.db):
        return ctx.redirect("/setup")
    if not auth.signups_allowed(ctx.db):
        return ctx.render("signup_closed.html", status_code=403)
    return _account_form(ctx, "signup.html", {})


@router.post("/signup")
def signup_submit(ctx: Ctx = Depends(page_ctx)) -> Response:
    if not auth.has_owner(ctx.db):
        return ctx.redirect("/setup")
    if not auth.signups_allowed(ctx.db):
        return ctx.render("signup_closed.html", status_code=403)
    return _create(ctx, "signup.html", owner=False)


def _create(ctx: Ctx, template: str, *, owner: bool, token: str = "") -> Response:
    form = ctx.form
    name, password = form_str(form, "name").lower(), str(form.get("password") or "")
    if password != str(form.get("password2") or ""):
        errors = {"password2": ctx.tr("The two passwords differ.")}
        return ctx.render(template, status_code=422, errors=errors, name=name, token=token)
    try:
        user = auth.create_account(ctx.db, name, password, owner=owner, locale=ctx.lang)
    except auth.AuthError as err:
        return ctx.render(
            template, status_code=422, errors={err.field: ctx.tr(err.message)}, name=name, token=token
        )
    set_zone_from_browser(ctx.db, user, form_str(form, "tz"))
    auth.audit(ctx.db, user.name, "account_created", "owner" if owner else "", ctx.address)
    token = auth.start_session(ctx.db, user)
    auth.audit(ctx.db, user.name, "sign_in", "after sign-up", ctx.address)
    return _signed_in_response(ctx, user.name, token, "/diary")


@router.get("/login")
def login_page(ctx: Ctx = Depends(page_ctx), next: str = "/diary") -> Response:
    if not auth.has_accounts(ctx.db):
        return ctx.redirect("/setup")
    return ctx.render(
        "login.html", errors={}, name="", next=safe_next(next, "/diary"), signups=auth.signups_allowed(ctx.db)
    )


@router.post("/login")
def login_submit(ctx: Ctx = Depends(page_ctx)) -> Response:
    form = ctx.form
    name, password = form_str(form, "name").lower(), str(form.get("password") or "")
    target = safe_next(form_str(form, "next"), "/diary")
    signups = auth.signups_allowed(ctx.db)
    try:
        user = auth.authenticate(ctx.db, name, password, ctx.address)
    except auth.Throttled as err:
        minutes = max(1, round(err.retry_after_s / 60))
        message = ctx.tr("Too many attempts. Try again in {minutes} min.", minutes=minutes)
        response = ctx.render(
            "login.html",
            status_code=429,
            errors={"password": message},
            name=name,
            next=target,
            signups=signups,
        )
        response.headers["Retry-After"] = str(err.retry_after_s)
        return response
    except auth.AuthError as err:
        return ctx.render(
            "login.html",
            status_code=401,
            errors={err.field: ctx.tr("Wrong name or password.")},
            name=name,
            next=target,
            signups=signups,
        )
    token = auth.start_session(ctx.db, user)
    auth.audit(ctx.db, user.name, "sign_in", "", ctx.address)
    return _signed_in_response(ctx, user.name, token, target)


@router.post("/logout")
def logout(ctx: Ctx = Depends(page_ctx)) -> Response:
    auth.end_session(ctx.db, ctx.request.cookies.get(SESSION_COOKIE))
    if ctx.account is not None:
        auth.audit(ctx.db, ctx.account.user.name, "sign_out", "", ctx.address)
    response = ctx.redirect("/")
    clear_session_cookie(response)
    return response
