"""Reminders (issue 11): this browser's push subscription, which reminders a person wants and when
(in their own time zone), a test notification, and the experiment schedule as an ``.ics`` calendar.

The router carries the reminder clock's lifespan (``crampcare.reminders.scheduler``): including it in
the app starts the background sender with the server.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from crampcare.i18n import N_
from crampcare.reminders import scheduler
from crampcare.reminders import service as reminders
from crampcare.reminders.vapid import VapidConfigError, load_keys
from crampcare.web.context import Ctx, form_str, signed_in
from crampcare.web.views.night import parse_clock

router = APIRouter(lifespan=scheduler.lifespan)
# The service's refusals (``ReminderError.message``), translated here with ``ctx.tr``: listed so that
# Babel puts them in web.po.
REFUSALS = (
    N_("this browser gave an address that is not a push service"),
    N_("this browser's push service is not one crampcare knows"),
    N_("this browser gave keys that cannot be read"),
)


def _user_id(ctx: Ctx) -> int:
    assert ctx.account is not None
    return ctx.account.user.id


def account_values(ctx: Ctx) -> dict[str, Any]:
    """What the account page's reminders section shows (``views/account.py`` adds it to the page)."""
    try:
        key: str | None = load_keys(ctx.db).public_key
    except VapidConfigError:
        key = None  # the operator's key setting is wrong: the page says reminders are unavailable
    return {
        "reminders": reminders.get_settings(ctx.db, _user_id(ctx)),
        "push_key": key,
        "devices": reminders.subscriptions(ctx.db, _user_id(ctx)),
        "reminder_notice": ctx.request.query_params.get("reminders"),
    }


def export_values(session: Session, user_id: int) -> dict[str, Any]:
    """Reminder settings and devices for "download all my data": which push service and since when,
    not the endpoint itself (a capability URL: whoever holds it and the keys can notify the device)."""
    settings = reminders.get_settings(session, user_id)
    return {
        "evening_log": {"on": settings.evening_on, "at": settings.evening_time.strftime("%H:%M")},
        "experiment": {"on": settings.experiment_on, "at": settings.experiment_time.strftime("%H:%M")},
        "devices": [
            {
                "push_service": urlsplit(sub.endpoint).hostname or "",
                "since": sub.created_at.isoformat(),
                "last_delivered": sub.last_success_at.isoformat() if sub.last_success_at else None,
            }
            for sub in reminders.subscriptions(session, user_id)
        ],
    }


@router.post("/account/reminders")
def save(ctx: Ctx = Depends(signed_in)) -> Response:
    from crampcare.web.views.account import _page

    evening, experiment = (
        parse_clock(form_str(ctx.form, "evening_time")),
        parse_clock(form_str(ctx.form, "experiment_time")),
    )
    errors = {}
    if evening is None:
        errors["evening_time"] = ctx.tr("Give a time like 22:00.")
    if experiment is None:
        errors["experiment_time"] = ctx.tr("Give a time like 22:00.")
    if errors or evening is None or experiment is None:
        return _page(ctx, errors, 422)
    settings = reminders.Settings(
        evening_on=form_str(ctx.form, "evening_on") == "on",
        evening_time=evening,
        experiment_on=form_str(ctx.form, "experiment_on") == "on",
        experiment_time=experiment,
    )
    reminders.save_settings(ctx.db, _user_id(ctx), settings)
    return ctx.redirect("/account?reminders=saved#reminders")


@router.post("/reminders/subscription")
def subscribe(ctx: Ctx = Depends(signed_in)) -> Response:
    """Called by ``static/reminders.js`` with this browser's ``PushSubscription`` (form-encoded)."""
    assert ctx.account is not None
    try:
        reminders.subscribe(
            ctx.db,
            ctx.account.user,
            form_str(ctx.form, "endpoint"),
            form_str(ctx.form, "p256dh"),
            form_str(ctx.form, "auth"),
        )
    except reminders.ReminderError as err:
        ctx.db.rollback()
        return JSONResponse({"field": err.field, "message": ctx.tr(err.message)}, status_code=422)
    return JSONResponse({"message": ctx.tr("Notifications are on for this device.")})


@router.post("/reminders/subscription/delete")
def unsubscribe(ctx: Ctx = Depends(signed_in)) -> Response:
    assert ctx.account is not None
    reminders.unsubscribe(ctx.db, ctx.account.user, form_str(ctx.form, "endpoint"))
    return JSONResponse({"message": ctx.tr("Notifications are off for this device.")})


@router.post("/reminders/test")
def test(ctx: Ctx = Depends(signed_in)) -> Response:
    assert ctx.account is not None
    try:
        report = reminders.send_test(ctx.db, ctx.account.user)
    except VapidConfigError:
        return ctx.redirect("/account?reminders=failed#reminders")
    return ctx.redirect(f"/account?reminders={'sent' if report.sent else 'failed'}#reminders")


@router.get("/experiments/{experiment_id}/schedule.ics")
def calendar(experiment_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    """The experiment's nights as calendar events at the person's experiment-reminder time."""
    from crampcare.diary.calendar_ics import experiment_calendar
    from crampcare.diary.service import DiaryError
    from crampcare.experiments import service as exp

    assert ctx.account is not None
    try:
        experiment = exp.get_experiment(ctx.db, ctx.account.user, experiment_id)
    except DiaryError:
        raise HTTPException(status_code=404) from None
    at = reminders.get_settings(ctx.db, _user_id(ctx)).experiment_time
    body = experiment_calendar(experiment, ctx.zone_name, ctx.lang, at, stamp=dt.datetime.now(dt.UTC))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="crampcare-experiment-{experiment_id}.ics"'},
    )
