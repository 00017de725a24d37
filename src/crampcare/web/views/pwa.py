"""The installable, offline app: the web manifest, the service worker (served from the root so that
it controls every page) and the offline page it shows when there is no connection.

The offline page holds no personal data (the worker keeps it in its cache): it is rendered like the
page a visitor sees, and only offers "a cramp now", which app.js keeps on the phone (IndexedDB)
until the connection returns.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, partial
from pathlib import Path

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from crampcare.i18n import LANGUAGES, translator
from crampcare.labels import code_label
from crampcare.records import SIDES
from crampcare.web.context import TEMPLATES, Ctx, page_ctx
from crampcare.web.views.diary import muscles

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"
THEME_COLOUR = "#0b4f8a"


def manifest(lang: str) -> dict[str, object]:
    tr = translator(lang)
    return {
        "name": "crampcare",
        "short_name": "crampcare",
        "description": tr("A cramp diary that works at night, even offline."),
        "lang": lang,
        "start_url": "/diary",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": f"/static/icons/icon-{size}.png",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }


@router.get("/manifest.webmanifest", include_in_schema=False)
def web_manifest(ctx: Ctx = Depends(page_ctx)) -> Response:
    return Response(
        json.dumps(manifest(ctx.lang), ensure_ascii=False), media_type="application/manifest+json"
    )


@cache
def shell_version() -> str:
    """A hash of everything the worker caches (static files and page templates)."""
    digest = hashlib.sha256()
    for path in sorted([*STATIC.rglob("*"), *(STATIC.parent / "templates").glob("*.html")]):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    # Served from the root: a worker controls only the pages under the folder it comes from.
    # no-cache: the browser checks for a new version on every visit.
    return Response(
        (STATIC / "sw.js").read_text(encoding="utf-8").replace("__VERSION__", shell_version()),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/offline", include_in_schema=False)
def offline(request: Request, ctx: Ctx = Depends(page_ctx)) -> HTMLResponse:
    """Rendered as for a visitor (no name, no token): the worker keeps this page in its cache."""
    return TEMPLATES.TemplateResponse(
        request,
        "offline.html",
        {
            "_": ctx.tr,
            "lang": ctx.lang,
            "account": None,
            "csrf": "",
            "is_owner": False,
            "languages": LANGUAGES,
            "label": partial(code_label, ctx.tr),
            "muscles": muscles()[:6],
            "sides": SIDES,
        },
    )
