"""Small helpers shared by the views: cookies, safe redirects, field errors from problem lines."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Response

from crampcare.web.auth import SESSION_DAYS
from crampcare.web.context import LANG_COOKIE, Ctx
from crampcare.web.deps import SESSION_COOKIE


def set_session_cookie(ctx: Ctx, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(ctx.request.state.secure_cookies),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def set_lang_cookie(ctx: Ctx, response: Response, lang: str) -> None:
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(ctx.request.state.secure_cookies),
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: an attacker's link must not bounce a person to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def field_errors(problems: Iterable[str], fields: Iterable[str] = ()) -> dict[str, list[str]]:
    """Group ``field: problem`` lines by field; lines naming no known field go under ``_form``."""
    known = set(fields)
    out: dict[str, list[str]] = {}
    for line in problems:
        name, sep, message = line.partition(": ")
        key = name if sep and (not known or name in known) else "_form"
        out.setdefault(key, []).append(message if key != "_form" else line)
    return out
