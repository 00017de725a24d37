"""The CDS Hooks HTTP routes: discovery, ``patient-view``, ``order-select``, feedback, CORS preflight.

The cards themselves come from :mod:`crampcare.fhir.cds` (prefetch mapped by
:mod:`crampcare.fhir.cds_map`, request checks by :mod:`crampcare.fhir.cds_security`); this module only
authorises, reads and answers HTTP, always in JSON (an EHR never gets an HTML page or a traceback).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from crampcare.fhir.cds import (
    ORDER_SELECT,
    PATIENT_VIEW,
    SERVICE_IDS,
    Card,
    Make,
    answer_cards,
    feedback_problems,
    order_select_cards,
    patient_view_cards,
    request_problems,
    services,
)
from crampcare.fhir.cds_map import PatientPicture, resources_of
from crampcare.fhir.cds_security import (
    REPLAY,
    CdsSettings,
    DatabaseReplay,
    ReplayGuard,
    check_request,
    settings_from_env,
)
from crampcare.fhir.medicines import MedicineReader, short

LOG = logging.getLogger("crampcare.cds")
router = APIRouter(tags=["cds-hooks"])

CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type"


def settings_of(request: Request) -> CdsSettings:
    """The app's CDS settings (``app.state.cds_settings``), else those from the environment."""
    found = getattr(request.app.state, "cds_settings", None)
    if isinstance(found, CdsSettings):
        return found
    cached = getattr(request.app.state, "_cds_env_settings", None)
    if not isinstance(cached, CdsSettings):
        try:
            cached = settings_from_env()
        except (OSError, ValueError):  # unreadable issuer configuration: fail closed
            LOG.exception("CRAMPCARE_CDS_ISSUERS cannot be read; every CDS call is refused")
            cached = CdsSettings(require_jwt=True)
        request.app.state._cds_env_settings = cached
    return cached


def base_url(request: Request, settings: CdsSettings) -> str:
    return settings.base_url or str(request.base_url).rstrip("/")


def _json(
    request: Request, settings: CdsSettings, body: Any, status: int = 200, **headers: str
) -> JSONResponse:
    response = JSONResponse(body, status_code=status, headers=headers or None)
    origin = request.headers.get("origin")
    if origin and settings.allows_origin(origin):
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in settings.cors_origins else origin
        response.headers["Vary"] = "Origin"
    return response


def _problems(
    request: Request, settings: CdsSettings, status: int, *detail: str, **headers: str
) -> JSONResponse:
    return _json(request, settings, {"detail": list(detail)}, status, **headers)


def _audiences(request: Request, settings: CdsSettings) -> list[str]:
    """What ``aud`` may be: this endpoint's URL as called, and on the configured public URL."""
    path = request.url.path
    own = str(request.url.replace(query="", fragment=""))
    out = [own, own.rstrip("/")]
    if settings.base_url:
        out.append(settings.base_url + path)
    return out


def _replay_guard(request: Request) -> ReplayGuard:
    """Token ids are remembered in the server's database (shared by its workers) when it has one."""
    db = getattr(request.app.state, "db", None)
    if db is None:
        return REPLAY
    guard: ReplayGuard | None = getattr(request.app.state, "cds_replay", None)
    if guard is None:
        guard = request.app.state.cds_replay = DatabaseReplay(db)
    return guard


def _authorised(request: Request, settings: CdsSettings) -> JSONResponse | None:
    header = request.headers.get("authorization")
    result = check_request(header, settings, _audiences(request, settings), _replay_guard(request))
    if result.problem is None:
        return None
    return _problems(
        request,
        settings,
        401,
        f"authorization: {result.problem}",
        **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


async def _read_json(request: Request, settings: CdsSettings) -> tuple[Any, JSONResponse | None]:
    """The request's JSON body, or the JSON error response (too large, not JSON)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
        return None, _problems(
            request, settings, 413, f"request: larger than {settings.max_body_bytes} bytes"
        )
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > settings.max_body_bytes:
            return None, _problems(
                request, settings, 413, f"request: larger than {settings.max_body_bytes} bytes"
            )
    try:
        return json.loads(raw or b"null"), None
    except (ValueError, RecursionError):
        return None, _problems(request, settings, 400, "request: not valid JSON")


@router.get("/cds-services")
def discovery(request: Request) -> JSONResponse:
    from crampcare.knowledge import load

    return _json(request, settings_of(request), {"services": services(load())})


@router.options("/cds-services")
@router.options("/cds-services/{service_id}")
@router.options("/cds-services/{service_id}/feedback")
def preflight(request: Request) -> Response:
    """CORS preflight for browser-based CDS clients (allowed origins come from the settings)."""
    settings = settings_of(request)
    origin = request.headers.get("origin")
    if not origin or not settings.allows_origin(origin):
        return _problems(request, settings, 403, "cors: this origin is not allowed to call the service")
    response = _json(request, settings, None, 200)
    response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
    response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
    response.headers["Access-Control-Max-Age"] = "600"
    return response


async def _answer(request: Request, service_id: str, make: Make) -> JSONResponse:
    settings = settings_of(request)
    denied = _authorised(request, settings)
    if denied is not None:
        return denied
    body, error = await _read_json(request, settings)
    if error is not None:
        return error
    problems = request_problems(body, SERVICE_IDS[service_id])
    if problems:
        return _problems(request, settings, 400, *problems)
    prefetch = body.get("prefetch") or {}
    # Our template's key is "patient", but a client may prefetch under its own keys (the spec's
    # example uses "patientToGreet"): what matters is that the Patient is there.
    has_patient = any(
        r.get("resourceType") == "Patient" for value in prefetch.values() for r in resources_of(value)
    )
    if not has_patient:
        # We never fetch from the EHR ourselves, so the prefetch is a precondition (spec: 412).
        return _problems(
            request,
            settings,
            412,
            "prefetch.patient: required, the Patient resource (this service does not query the FHIR server)",
        )
    try:
        status, answer = await run_in_threadpool(answer_cards, body, make, base_url(request, settings))
    except Exception:  # never an HTML page or a traceback to an EHR
        LOG.exception("CDS service %s failed", service_id)
        return _problems(request, settings, 500, "the service failed on this request; it was logged")
    return _json(request, settings, answer, status)


@router.post(f"/cds-services/{PATIENT_VIEW}")
async def patient_view(request: Request) -> JSONResponse:
    return await _answer(request, PATIENT_VIEW, lambda _b, pic, kb, _reader: patient_view_cards(pic, kb))


@router.post(f"/cds-services/{ORDER_SELECT}")
async def order_select(request: Request) -> JSONResponse:
    def make(b: Mapping[str, Any], pic: PatientPicture, kb: Any, reader: MedicineReader) -> list[Card]:
        context = b["context"]
        if not isinstance(context.get("draftOrders"), dict):
            return []
        return order_select_cards(b, pic, kb, reader)

    return await _answer(request, ORDER_SELECT, make)


@dataclass
class FeedbackLog:
    """Card outcomes reported by CDS clients (per process; also written to the log)."""

    entries: list[dict[str, Any]] = field(default_factory=list)


FEEDBACK = FeedbackLog()


@router.post("/cds-services/{service_id}/feedback")
async def feedback(service_id: str, request: Request) -> JSONResponse:
    """CDS Hooks 2.0 feedback: which cards were accepted or overridden (and why)."""
    settings = settings_of(request)
    if service_id not in SERVICE_IDS:
        return _problems(request, settings, 404, f"service {short(service_id, 60)!r}: no such service")
    denied = _authorised(request, settings)
    if denied is not None:
        return denied
    body, error = await _read_json(request, settings)
    if error is not None:
        return error
    problems = feedback_problems(body)
    if problems:
        return _problems(request, settings, 400, *problems)
    for item in body["feedback"]:
        entry = {
            "service": service_id,
            "card": short(item["card"], 80),
            "outcome": item["outcome"],
            "overrideReason": (item.get("overrideReason") or {}).get("reason", {}).get("code")
            if isinstance(item.get("overrideReason"), dict)
            and isinstance(item["overrideReason"].get("reason"), dict)
            else None,
        }
        FEEDBACK.entries = [*FEEDBACK.entries[-999:], entry]
        LOG.info("CDS feedback %s", entry)
    return _json(request, settings, {}, 200)
