"""The web application factory.

``create_app(database_url)`` builds the FastAPI app: HTML pages (one router per module of
``web/views``), the JSON API (``web/api``) mounted at ``/api/v1`` with its own OpenAPI document, the
CDS Hooks services (``web/cds``), the doctor report (``web/report``), static files, security headers
and error pages. Every router is imported and included here by name (tests may add their own with
``extra_routers``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import event
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcare.i18n import translator
from crampcare.storage import Database, create_db_engine, is_sqlite, open_database
from crampcare.storage.engine import make_sessionmaker
from crampcare.web import warmup
from crampcare.web.context import VISITOR_COOKIE, NeedsLogin, NeedsSetup, pick_language
from crampcare.web.limits import Limits
from crampcare.web.static_files import HashedStaticFiles

STATIC = Path(__file__).parent / "static"
SETUP_TOKEN_ENV = "CRAMPCARE_SETUP_TOKEN"
# Paths answered in JSON even on errors: the API and the CDS Hooks services (called by EHRs).
JSON_PREFIXES = ("/api/", "/cds-services")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# SVG charts are served as images; matplotlib styles them with attributes, which a strict
# style-src would block, and they may never run script.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class SecurityHeaders:
    """Pure ASGI middleware: security headers on every response and the anonymous visitor cookie.

    The visitor cookie binds the CSRF token of a visitor who is not signed in (sign-in and sign-up
    forms). Pure ASGI rather than ``BaseHTTPMiddleware`` because it adds no per-request task.
    """

    def __init__(self, app: ASGIApp, secure_cookies: bool | None) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        visitor = cookies.get(VISITOR_COOKIE) or ""
        new_visitor = not (16 <= len(visitor) <= 64)
        if new_visitor:
            visitor = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["visitor"] = visitor
        scope["state"]["secure_cookies"] = self._secure(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                content_type = dict(headers).get(b"content-type", b"")
                csp = SVG_CSP if content_type.startswith(b"image/svg") else CSP
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if _over_https(scope):  # browsers must never fall back to plain HTTP
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                if not content_type.startswith(b"text/css") and not content_type.endswith(b"javascript"):
                    extra.append((b"cache-control", b"no-store"))  # health data: never in shared caches
                headers += [(k, v) for k, v in extra if k not in names]
                if new_visitor:
                    flags = "; Secure" if scope["state"]["secure_cookies"] else ""
                    cookie = f"{VISITOR_COOKIE}={visitor}; Path=/; HttpOnly; SameSite=Lax{flags}"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _secure(self, scope: Scope) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return _over_https(scope)


def _over_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    headers = dict(scope.get("headers", []))
    return headers.get(b"x-forwarded-proto", b"").lower() == b"https"


def _cookies(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header is treated as no cookies
        return {}
    return {k: m.value for k, m in jar.items()}


def _routers() -> list[APIRouter]:
    """Every router but the API's, in the order they are tried: the pages, then CDS Hooks and the report."""
    from crampcare.web import cds, report
    from crampcare.web.views import (
        account,
        assess,
        auth,
        diary,
        experiments,
        home,
        knowledge,
        medicines,
        night,
        pwa,
        recovery,
        reminders,
    )

    # ``reminders`` also carries the lifespan of the reminder clock (crampcare.reminders.scheduler).
    pages = (
        home,
        auth,
        recovery,
        assess,
        diary,
        experiments,
        knowledge,
        account,
        night,
        pwa,
        reminders,
        medicines,
    )
    return [*(m.router for m in pages), cds.router, report.router]


def _error_page(request: Request, status: int, message: str) -> Response:
    """A plain, translated error page (never a traceback)."""
    lang = pick_language(request, None)
    tr = translator(lang)
    if request.url.path.startswith(JSON_PREFIXES):  # machines get JSON, never an HTML page
        return JSONResponse({"detail": message}, status_code=status)
    from crampcare.web.context import TEMPLATES

    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {"_": tr, "status": status, "message": tr(message), "account": None, "csrf": "", "lang": lang},
        status_code=status,
    )


ERROR_MESSAGES = {
    400: "The request was not understood.",
    401: "Please sign in first.",
    403: "This form has expired or was not sent from this site. Go back, reload the page and try again.",
    404: "There is nothing here. It may have been deleted, or it belongs to someone else.",
    405: "This address does not accept that kind of request.",
    413: "That file is too large.",
    429: "Too many attempts. Please wait a few minutes and try again.",
    500: "Something went wrong on our side. Nothing was saved. Please try again.",
}


def _install_error_handlers(app: FastAPI) -> None:
    async def needs_login(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    async def needs_setup(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/setup", status_code=303)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = ERROR_MESSAGES.get(exc.status_code, "The request was not understood.")
        response = _error_page(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def too_deep(request: Request, exc: Exception) -> Response:
        # JSON nested thousands deep exhausts the parser's recursion: bad input, not a server fault.
        if request.url.path.startswith(("/api/", "/cds-services")):
            return JSONResponse({"detail": "the body is nested too deeply"}, status_code=400)
        return _error_page(request, 400, ERROR_MESSAGES[400])

    async def server_error(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(("/api/", "/cds-services")):  # machines get JSON, never a page
            return JSONResponse({"detail": ERROR_MESSAGES[500]}, status_code=500)
        return _error_page(request, 500, ERROR_MESSAGES[500])

    app.add_exception_handler(NeedsLogin, needs_login)
    app.add_exception_handler(NeedsSetup, needs_setup)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RecursionError, too_deep)
    app.add_exception_handler(Exception, server_error)


def reads_without_lock(db: Database) -> Database:
    """For GET requests on SQLite: the same database without ``BEGIN IMMEDIATE``.

    The storage layer starts every SQLite transaction with ``BEGIN IMMEDIATE`` so that concurrent
    writers queue instead of failing. For a web server that means every page view takes the write
    lock, and under load readers starve (seconds of tail latency). WAL lets readers run beside a
    writer, so GET requests use a second engine whose statements run in autocommit: each read sees a
    consistent snapshot, and the rare write a GET makes (an audit line on export) waits its turn
    through ``busy_timeout`` like any other writer. PostgreSQL needs none of this.
    """
    if not is_sqlite(db.engine):
        return db
    engine = create_db_engine(db.engine.url.render_as_string(hide_password=False))
    for listener in list(engine.dispatch.begin):  # drop the BEGIN IMMEDIATE hook, keep the pragmas
        event.remove(engine, "begin", listener)
    return Database(engine=engine, sessions=make_sessionmaker(engine))


def create_app(
    database_url: str | None = None,
    *,
    secure_cookies: bool | None = None,
    extra_routers: Sequence[APIRouter] = (),
    cds_settings: Any = None,
    setup_token: str | None = None,
    smtp_url: str | None = None,
    public_url: str | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The whole web app on ``database_url`` (None: ``CRAMPCARE_DATABASE_URL`` or the default file).

    ``secure_cookies``: True/False to force the cookies' ``Secure`` flag; None decides per request
    (HTTPS, or ``X-Forwarded-Proto: https`` from a reverse proxy). ``cds_settings``: a
    :class:`crampcare.fhir.cds_security.CdsSettings` (None: from ``CRAMPCARE_CDS_*`` variables).
    ``setup_token``: when set, the first-run page (which creates the owner) asks for it; ``crampcare
    serve`` sets one whenever the server is reachable beyond this machine.
    ``smtp_url``: people may ask for a reset link by e-mail (``crampcare.web.mail``); the links in
    mails start with ``public_url`` (never with the request's Host header, which a visitor chooses).
    ``limits``: per-account limits (``crampcare.web.limits``).
    """
    from crampcare.web.api import create_api
    from crampcare.web.mail import parse_smtp_url

    app = FastAPI(title="crampcare", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.setup_token = setup_token or None
    app.state.smtp = parse_smtp_url(smtp_url) if smtp_url else None
    if app.state.smtp is not None and not public_url:
        raise ValueError("sending reset links by e-mail needs the server's public URL")
    app.state.public_url = (public_url or "").rstrip("/") or None
    app.state.limits = limits or Limits.from_env()
    app.state.db = open_database(database_url)
    if cds_settings is not None:
        app.state.cds_settings = cds_settings
    app.state.read_db = reads_without_lock(app.state.db)
    api = create_api()
    api.state.db = app.state.db
    api.state.read_db = app.state.read_db
    api.state.limits = app.state.limits
    # First: routes are matched in order, and an API call should not be tried against every page.
    app.mount("/api/v1", api)
    for router in [*_routers(), *extra_routers]:
        app.include_router(router)
    app.include_router(warmup.router)  # statistics and chart libraries imported at start-up
    app.mount("/static", HashedStaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    app.add_middleware(SecurityHeaders, secure_cookies=secure_cookies)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` and ``crampcare serve --workers N`` (settings via env)."""
    secure = os.environ.get("CRAMPCARE_SECURE_COOKIES")
    return create_app(
        os.environ.get("CRAMPCARE_DATABASE_URL"),
        secure_cookies=None if secure is None else secure.lower() in {"1", "true", "yes"},
        setup_token=os.environ.get(SETUP_TOKEN_ENV),
        smtp_url=os.environ.get("CRAMPCARE_SMTP_URL"),
        public_url=os.environ.get("CRAMPCARE_PUBLIC_URL"),
    )
