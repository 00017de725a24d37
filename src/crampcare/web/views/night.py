"""The night settings on the account page: bedtime and wake-up time (a cramp logged with "a cramp
now" between them counts as waking the person) and the colour theme (auto, light, dark).

Kept apart from ``views/account.py`` so that the account's security code and these preferences can
change independently.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Response

from crampcare.storage.prefs import THEMES, Prefs, save_prefs
from crampcare.web.context import Ctx, form_str, signed_in

router = APIRouter()


def parse_clock(text: str) -> dt.time | None:
    """ "22:00" (what an ``<input type="time">`` sends) as a time, or None."""
    try:
        value = dt.time.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(second=0, microsecond=0, tzinfo=None)


@router.post("/account/night")
def night_settings(ctx: Ctx = Depends(signed_in)) -> Response:
    from crampcare.web.views.account import _page

    assert ctx.account is not None
    bedtime, wake_time = (
        parse_clock(form_str(ctx.form, "bedtime")),
        parse_clock(form_str(ctx.form, "wake_time")),
    )
    theme = form_str(ctx.form, "theme", "auto")
    errors = {}
    if bedtime is None:
        errors["bedtime"] = ctx.tr("Give a time like 22:00.")
    if wake_time is None:
        errors["wake_time"] = ctx.tr("Give a time like 22:00.")
    if theme not in THEMES:
        errors["theme"] = ctx.tr("Choose one of the options.")
    if errors or bedtime is None or wake_time is None:
        return _page(ctx, errors, 422)
    save_prefs(ctx.db, ctx.account.user.id, Prefs(bedtime=bedtime, wake_time=wake_time, theme=theme))
    return ctx.redirect("/account?saved=1#night")
