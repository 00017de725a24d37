"""Static files with a content hash in their address, cached by browsers for a year.

Pages link ``{{ static("style.css") }}``, which becomes ``/static/style.css?v=<hash of the file>``:
a changed file gets a new address, so a long cache never serves an old stylesheet or script. Requests
without the hash (the service worker's shell list, old bookmarks) are served as before.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
LONG_CACHE = "public, max-age=31536000, immutable"


@cache
def file_hash(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The address of a static file with its content hash (raises for a file that does not exist)."""
    return f"/static/{name}?v={file_hash(name)}"


class HashedStaticFiles(StaticFiles):
    """Static files; a request that carries the current ``v=`` hash may be cached for a year."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        response = await super().get_response(path, scope)
        query = scope.get("query_string", b"").decode("latin-1")
        if (
            response.status_code == 200
            and (STATIC / path).is_file()
            and f"v={file_hash(path)}" in query.split("&")
        ):
            response.headers["cache-control"] = LONG_CACHE
        return response
