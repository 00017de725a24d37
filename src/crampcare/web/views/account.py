"""Account: language and time zone, password, export of all my data, deleting the account (after
offering the export), and for the owner: whether others may sign up, and the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcare.i18n import LANGUAGES
from crampcare.storage.audit import audit_events
from crampcare.storage.auth_models import Credential, SavedAssessment
from crampcare.storage.models import User
from crampcare.web import auth
from crampcare.web.context import Ctx, form_str, signed_in
from crampcare.web.views.common import clear_session_cookie, set_lang_cookie
from crampcare.web.views.reminders import account_values as reminder_values
from crampcare.web.views.reminders import export_values as reminders_export
from crampcare.web.zones import valid_zone

router = APIRouter()


def _account(ctx: Ctx) -> auth.Account:
    assert ctx.account is not None
    return ctx.account


def _page(ctx: Ctx, errors: dict[str, str] | None = None, status: int = 200, **extra: Any) -> Response:
    values: dict[str, Any] = {
        "errors": errors or {},
        "signups": auth.signups_allowed(ctx.db),
        # Everyone sees their own security events; the owner sees accounts and counts, never other
        # people's addresses or file names.
        "events": audit_events(ctx.db, _account(ctx).user.name, 50),
        "accounts": auth.account_summaries(ctx.db) if ctx.is_owner else [],
        "unknown_failures": auth.unknown_name_failures(ctx.db) if ctx.is_owner else 0,
        "saved": ctx.request.query_params.get("saved"),
    }
    values.update(reminder_values(ctx))
    values.update(extra)
    return ctx.render("account.html", status_code=status, **values)


@router.get("/account")
def account_page(ctx: Ctx = Depends(signed_in)) -> Response:
    return _page(ctx)


@router.post("/account/settings")
def settings(ctx: Ctx = Depends(signed_in)) -> Response:
    account = _account(ctx)
    lang, zone = form_str(ctx.form, "lang"), form_str(ctx.form, "timezone")
    errors = {}
    if lang not in LANGUAGES:
        errors["lang"] = ctx.tr("Choose English or Russian.")
    if valid_zone(zone) is None:
        errors["timezone"] = ctx.tr("Unknown time zone; use a name like Europe/London or Europe/Moscow.")
    if errors:
        return _page(ctx, errors, 422)
    account.user.locale = lang
    account.credential.timezone = zone
    ctx.db.commit()
    response = ctx.redirect("/account?saved=1")
    set_lang_cookie(ctx, response, lang)
    return response


def _too_many(ctx: Ctx, err: auth.Throttled) -> str:
    minutes = max(1, round(err.retry_after_s / 60))
    return ctx.tr("Too many attempts. Try again in {minutes} min.", minutes=minutes)


@router.post("/account/password")
def password(ctx: Ctx = Depends(signed_in)) -> Response:
    try:
        auth.change_password(
            ctx.db,
            _account(ctx),
            str(ctx.form.get("old_password") or ""),
            str(ctx.form.get("new_password") or ""),
            ctx.address,
        )
    except auth.Throttled as err:
        return _page(ctx, {"old_password": _too_many(ctx, err)}, 429)
    except auth.AuthError as err:
        return _page(ctx, {err.field: ctx.tr(err.message)}, 422)
    auth.audit(ctx.db, _account(ctx).user.name, "password_changed", "", ctx.address)
    return ctx.redirect("/account?saved=1")


@router.post("/account/signups")
def signups(ctx: Ctx = Depends(signed_in)) -> Response:
    if not ctx.is_owner:
        return _page(ctx, {"signups": ctx.tr("Only the owner can change this.")}, 403)
    allowed = form_str(ctx.form, "allowed") == "yes"
    auth.set_setting(ctx.db, "signups_allowed", "yes" if allowed else "no")
    auth.audit(
        ctx.db, _account(ctx).user.name, "signups_" + ("opened" if allowed else "closed"), "", ctx.address
    )
    return ctx.redirect("/account?saved=1")


def export_everything(session: Session, user: User, *, diary: bool = True) -> dict[str, Any]:
    """Everything stored about ``user``: the diary (as ``diary export --format json``; left out
    with ``diary=False``, for the streamed download), saved assessments, account settings and
    their own audit lines."""
    from crampcare.diary.exporters import export_json

    credential = session.get(Credential, user.id)
    assessments = session.scalars(
        select(SavedAssessment).where(SavedAssessment.user_id == user.id).order_by(SavedAssessment.id)
    )
    return {
        "account": {
            "name": user.name,
            "created_at": user.created_at.isoformat(),
            "language": user.locale,
            "timezone": credential.timezone if credential else None,
            **_night_settings(session, user),
        },
        "reminders": reminders_export(session, user.id),
        "diary": json.loads(export_json(session, user)) if diary else None,
        "assessments": [
            {
                "saved_at": a.created_at.isoformat(),
                "input": json.loads(a.input_json),
                "triage": a.triage_level,
            }
            for a in assessments
        ],
        "audit_log": [
            {"at": e.at.isoformat(), "event": e.event, "detail": e.detail, "address": e.address}
            for e in reversed(audit_events(session, user.name, 10_000))
        ],
    }


def _night_settings(session: Session, user: User) -> dict[str, str]:
    from crampcare.storage.prefs import get_prefs

    prefs = get_prefs(session, user.id)
    return {
        "bedtime": prefs.bedtime.strftime("%H:%M"),
        "wake_time": prefs.wake_time.strftime("%H:%M"),
        "theme": prefs.theme,
    }


def stream_everything(session: Session, user: User) -> Iterator[str]:
    """:func:`export_everything` as text chunks, the very same text as its ``json.dumps(...,
    ensure_ascii=False, indent=2) + "\\n"``, with the diary streamed a batch of rows at a time."""
    from crampcare.diary.exporters import stream_json

    def dump(value: Any) -> str:  # one level down: every line of the value indented two more
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")

    document = export_everything(session, user, diary=False)
    yield '{\n  "account": ' + dump(document["account"])
    yield ',\n  "reminders": ' + dump(document["reminders"]) + ',\n  "diary": '
    last = None
    for chunk in stream_json(session, user):
        if last is not None:
            yield last.replace("\n", "\n  ")  # JSON text has no raw line break inside a string
        last = chunk
    yield (last or "").rstrip("\n").replace("\n", "\n  ")
    yield ',\n  "assessments": ' + dump(document["assessments"])
    yield ',\n  "audit_log": ' + dump(document["audit_log"]) + "\n}\n"


@router.get("/account/export")
def export_all(ctx: Ctx = Depends(signed_in)) -> Response:
    from starlette.responses import StreamingResponse

    from crampcare.web.views.diary import stream_body

    user = _account(ctx).user
    auth.audit(ctx.db, user.name, "export", "all data", ctx.address)
    body = stream_body(ctx.request.app.state.read_db, user.id, stream_everything)
    return StreamingResponse(
        body,
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="crampcare-my-data.json"'},
    )


def _delete_page(ctx: Ctx, errors: dict[str, str], status: int = 200) -> Response:
    others = []
    if ctx.is_owner:  # the owner chooses who owns the install after them (or nobody, for now)
        others = [a.name for a in auth.account_summaries(ctx.db) if a.name != _account(ctx).user.name]
    return ctx.render("account_delete.html", status_code=status, errors=errors, others=others)


@router.get("/account/delete")
def delete_page(ctx: Ctx = Depends(signed_in)) -> Response:
    return _delete_page(ctx, {})


@router.post("/account/delete")
def delete_account(ctx: Ctx = Depends(signed_in)) -> Response:
    account = _account(ctx)
    try:
        right = auth.verify_password(ctx.db, account, str(ctx.form.get("password") or ""), ctx.address)
    except auth.Throttled as err:
        return _delete_page(ctx, {"password": _too_many(ctx, err)}, 429)
    if not right:
        return _delete_page(ctx, {"password": ctx.tr("This is not your password.")}, 422)
    try:
        auth.delete_account(ctx.db, account, ctx.address, form_str(ctx.form, "successor") or None)
    except auth.AuthError as err:
        ctx.db.rollback()
        return _delete_page(ctx, {err.field: ctx.tr(err.message)}, 422)
    response = ctx.redirect("/?deleted=1")
    clear_session_cookie(response)
    return response
