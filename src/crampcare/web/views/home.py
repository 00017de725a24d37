"""The home page and the language switch (which works signed in or not)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from crampcare.i18n import LANGUAGES
from crampcare.web import auth
from crampcare.web.context import Ctx, form_str, page_ctx
from crampcare.web.views.common import safe_next, set_lang_cookie

router = APIRouter()


@router.get("/")
def home(ctx: Ctx = Depends(page_ctx)) -> Response:
    if not auth.has_accounts(ctx.db):
        return ctx.redirect("/setup")
    return ctx.render("home.html")


@router.post("/language")
def set_language(ctx: Ctx = Depends(page_ctx)) -> Response:
    form = ctx.form
    lang = form_str(form, "lang")
    if lang not in LANGUAGES:
        lang = "en"
    if ctx.account is not None:
        ctx.account.user.locale = lang
        ctx.db.commit()
    response = ctx.redirect(safe_next(form_str(form, "next"), "/"))
    set_lang_cookie(ctx, response, lang)
    return response
