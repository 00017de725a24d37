"""Account recovery without e-mail infrastructure, and with it when there is some.

- The owner makes a one-time, expiring reset link for an account (``POST /account/reset-link``); it
  is shown once, on the owner's screen, to be handed over in person.
- With ``crampcare serve --smtp URL``, anyone may ask for a link (``/forgot``); it goes to the account's
  name when that is an e-mail address. The answer never says whether the name exists.
- ``/reset?token=...`` sets a new password: the token is used up and every session of the account ends.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from crampcare.storage.auth_models import LoginFailure
from crampcare.storage.users import get_user, utcnow
from crampcare.web import auth
from crampcare.web.context import Ctx, form_str, page_ctx, signed_in
from crampcare.web.mail import reset_message, send_in_background

router = APIRouter()
FORGOT_KEY = "(reset request)"  # throttling key: requests from one address are limited like sign-ins


def _link(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/reset?token={token}"


@router.get("/forgot")
def forgot_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    return ctx.render("forgot.html", errors={}, mail=ctx.request.app.state.smtp is not None, sent=False)


@router.post("/forgot")
def forgot_submit(ctx: Ctx = Depends(page_ctx)) -> Response:
    smtp = ctx.request.app.state.smtp
    if smtp is None:
        return ctx.render("forgot.html", errors={}, mail=False, sent=False)
    try:
        auth.check_throttle(ctx.db, FORGOT_KEY, ctx.address)
    except auth.Throttled as err:
        minutes = max(1, round(err.retry_after_s / 60))
        errors = {"name": ctx.tr("Too many attempts. Try again in {minutes} min.", minutes=minutes)}
        response = ctx.render("forgot.html", status_code=429, errors=errors, mail=True, sent=False)
        response.headers["Retry-After"] = str(err.retry_after_s)
        return response
    ctx.db.add(LoginFailure(name=FORGOT_KEY, address=ctx.address[:64], at=utcnow()))
    ctx.db.commit()
    user = get_user(ctx.db, form_str(ctx.form, "name").lower())
    if user is not None and "@" in user.name:
        token = auth.issue_reset(ctx.db, user)
        message = reset_message(smtp, user.name, _link(ctx.request.app.state.public_url, token), user.locale)
        send_in_background(smtp, message)
        auth.audit(ctx.db, user.name, "reset_requested", "", ctx.address)
    # The same page whether or not the name exists, and the mail leaves from another thread, so
    # neither the words nor the time of the answer tell a visitor who has an account here.
    return ctx.render("forgot.html", errors={}, mail=True, sent=True)


@router.get("/reset")
def reset_page(ctx: Ctx = Depends(page_ctx), token: str = "") -> Response:
    user = auth.reset_user(ctx.db, token)
    status = 200 if user is not None else 410
    return ctx.render(
        "reset.html",
        status_code=status,
        errors={},
        valid=user is not None,
        token=token,
        name=user.name if user else "",
    )


@router.post("/reset")
def reset_submit(ctx: Ctx = Depends(page_ctx)) -> Response:
    token = form_str(ctx.form, "token")
    password = str(ctx.form.get("password") or "")
    user = auth.reset_user(ctx.db, token)
    if user is None:
        return ctx.render("reset.html", status_code=410, errors={}, valid=False, token="", name="")
    if password != str(ctx.form.get("password2") or ""):
        errors = {"password2": ctx.tr("The two passwords differ.")}
        return ctx.render(
            "reset.html", status_code=422, errors=errors, valid=True, token=token, name=user.name
        )
    try:
        auth.redeem_reset(ctx.db, token, password)
    except auth.AuthError as err:
        errors = {"password": ctx.tr(err.message)}
        return ctx.render(
            "reset.html", status_code=422, errors=errors, valid=True, token=token, name=user.name
        )
    auth.audit(ctx.db, user.name, "password_reset", "", ctx.address)
    return ctx.redirect("/login?reset=1")


@router.post("/account/reset-link")
def owner_reset_link(ctx: Ctx = Depends(signed_in)) -> Response:
    """The owner makes a reset link for someone; shown once, here, never stored in readable form."""
    if not ctx.is_owner:
        return ctx.render(
            "error.html", status_code=403, status=403, message=ctx.tr("Only the owner can change this.")
        )
    user = get_user(ctx.db, form_str(ctx.form, "name").lower())
    if user is None:
        return ctx.render(
            "error.html", status_code=404, status=404, message=ctx.tr("There is no account with this name.")
        )
    token = auth.issue_reset(ctx.db, user)
    assert ctx.account is not None
    auth.audit(ctx.db, user.name, "reset_link_made", "by the owner", "")
    auth.audit(ctx.db, ctx.account.user.name, "reset_link_made", user.name, ctx.address)
    base = ctx.request.app.state.public_url or str(ctx.request.base_url)
    return ctx.render("reset_link.html", name=user.name, link=_link(base, token))
