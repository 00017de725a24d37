"""The JSON API under ``/api/v1`` (spec section 3), with its OpenAPI document at ``/api/v1/openapi.json``.

- ``POST /assess`` is public and returns exactly what ``crampcare assess`` prints; bad input is a 422
  whose ``problems`` are the CLI's lines (``input[3].cramps.episodes_per_week: must be >= 0``).
- The diary, day logs, statistics and experiments are per user: a session cookie (sign in on the
  web page or with ``POST /session``), and for every request that changes something the
  ``X-CSRF-Token`` header from ``GET /session``. Another user's ids answer 404, never their data.
- Every 422 has the same shape: ``detail`` (a list of ``{loc, msg, type}``) and ``problems`` (lines).
"""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from crampcare.assess.validate import InputError
from crampcare.errors import Problems
from crampcare.web.api import assessment, day_logs, episodes, experiments, session, stats
from crampcare.web.api.common import problems_response

# In this order: it is the order of the OpenAPI document's paths.
ROUTERS = (
    assessment.router,
    session.router,
    episodes.router,
    day_logs.router,
    stats.router,
    experiments.router,
)


def create_api() -> FastAPI:
    api = FastAPI(
        title="crampcare API",
        version="1",
        description=__doc__,
        docs_url=None,  # Swagger UI needs a CDN and inline script; the JSON document is enough
        redoc_url=None,
        openapi_url="/openapi.json",
    )

    @api.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        lines: list[str] = []
        prefixes: list[tuple[str, ...]] = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            ctx = err.get("ctx") or {}
            if "problem" in ctx:  # a record's own words (crampcare.records), as the CLI prints them
                lines.append(f"{ctx.get('field') or '.'.join(loc[1:] or loc)}: {ctx['problem']}")
                prefixes.append(tuple(loc[:1]))
                continue
            lines.append(f"{'.'.join(loc[1:] or loc)}: {err.get('msg', 'invalid')}")
            prefixes.append(())
        return problems_response(lines, prefixes=prefixes)

    @api.exception_handler(Problems)
    async def problems_error(request: Request, exc: Problems) -> JSONResponse:
        """Every bad input a service refuses: 422 with one problem per field (services roll back)."""
        # Assessment problems name the whole body (``input[0]...``); diary ones name a body field.
        return problems_response(exc.problems, () if isinstance(exc, InputError) else ("body",))

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @api.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": "internal error; nothing was saved"}, status_code=500)

    for router in ROUTERS:
        api.include_router(router)
    return api
