"""Per-request context for the HTML views: database session, account, language, CSRF, rendering.

Every view takes ``ctx: Ctx = Depends(page_ctx)`` (or ``Depends(signed_in)`` when the page needs a
login) and renders through ``ctx.render``. The ``_()`` function the templates use is bound here to
the person's language, so templates never decide the language themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from crampcare.i18n import LANGUAGES, Translator, ntr, number, translator
from crampcare.labels import code_label
from crampcare.storage.prefs import Prefs, get_prefs
from crampcare.web import auth, zones
from crampcare.web.deps import CSRF_HEADER, SAFE_METHODS, account_of, client_address, db_session, site_secret
from crampcare.web.static_files import static_url

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["static"] = static_url  # {{ static("style.css") }}: address with a content hash
VISITOR_COOKIE = "cc_visitor"
LANG_COOKIE = "cc_lang"
CSRF_FIELD = "csrf"


class NeedsLogin(Exception):
    """Raised by ``signed_in``; the app turns it into a redirect to the sign-in page (or a 401)."""


class NeedsSetup(Exception):
    """No owner yet: every page leads to the first-run page."""


@dataclass
class Ctx:
    request: Request
    db: Session
    secret: bytes
    account: auth.Account | None
    lang: str
    tr: Translator
    binding: str
    form: FormData = field(default_factory=FormData)
    _prefs: Prefs | None = None

    @property
    def csrf(self) -> str:
        return auth.csrf_token(self.secret, self.binding)

    @property
    def address(self) -> str:
        return client_address(self.request)

    @property
    def is_owner(self) -> bool:
        return self.account is not None and self.account.credential.is_owner

    @property
    def zone_name(self) -> str:
        """The account's time zone (a tz database name); UTC for visitors and unknown names."""
        name = self.account.credential.timezone if self.account else None
        return zones.valid_zone(name) or "UTC"

    @property
    def prefs(self) -> Prefs:
        """Bedtime, wake-up time and theme of the signed-in person (defaults for visitors)."""
        if self.account is None:
            return Prefs()
        if self._prefs is None:
            self._prefs = get_prefs(self.db, self.account.user.id)
        return self._prefs

    def user_zone(self) -> dt.tzinfo:
        return zones.zone(self.zone_name)

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        values.update(
            request=self.request,
            _=self.tr,
            # {{ ngettext("{n} night", "{n} nights", count) }}: the form that goes with the count
            ngettext=partial(ntr, lang=self.tr),
            number=partial(number, self.lang),  # {{ number(1.5) }}: "1.5" / "1,5"
            lang=self.lang,
            account=self.account,
            csrf=self.csrf,
            is_owner=self.is_owner,
            languages=LANGUAGES,
            label=partial(code_label, self.tr),
            zone_name=self.zone_name,
            prefs=self.prefs,
        )
        return TEMPLATES.TemplateResponse(self.request, template, values, status_code=status_code)

    def redirect(self, url: str) -> RedirectResponse:
        # 303: the browser follows a POST with a GET, so reloading the next page never re-submits.
        return RedirectResponse(url, status_code=303)


def pick_language(request: Request, account: auth.Account | None) -> str:
    if account is not None and account.user.locale in LANGUAGES:
        return account.user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    accept = request.headers.get("accept-language", "").lower()
    return "ru" if accept.startswith("ru") else "en"


def build_ctx(request: Request, db: Session, form: FormData | None = None) -> Ctx:
    account = account_of(request, db)
    lang = pick_language(request, account)
    binding = account.session_id if account else request.state.visitor
    return Ctx(
        request=request,
        db=db,
        secret=site_secret(request, db),
        account=account,
        lang=lang,
        tr=translator(lang),
        binding=binding,
        form=form if form is not None else FormData(),
    )


async def form_data(request: Request) -> FormData:
    """The submitted form (parsed once; Starlette caches it on the request)."""
    if request.method in SAFE_METHODS:
        return FormData()
    return await request.form()


def page_ctx(request: Request, db: Session = Depends(db_session), form: FormData = Depends(form_data)) -> Ctx:
    """Context for any page; checks the CSRF token of every state-changing request."""
    ctx = build_ctx(request, db, form)
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not auth.csrf_ok(ctx.secret, ctx.binding, given if isinstance(given, str) else None):
            raise HTTPException(status_code=403, detail="csrf")
    return ctx


def signed_in(ctx: Ctx = Depends(page_ctx)) -> Ctx:
    if ctx.account is None:
        raise NeedsLogin
    return ctx


def form_str(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def form_list(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]
