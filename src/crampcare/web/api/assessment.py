"""``POST /assess`` (public; what ``crampcare assess`` prints) and ``GET /health``."""

from __future__ import annotations

import copy
import json
from typing import Any

from fastapi import APIRouter, Request, Response

from crampcare.assess import assess, parse_inputs
from crampcare.assess.validate import loads_strict
from crampcare.spec import schema
from crampcare.web.api.common import ERRORS, Lang, problems_response

router = APIRouter()


def _assess_json(inputs: list[Any], is_batch: bool, lang: str) -> str:
    results = [assess(i, lang=lang).to_json() for i in inputs]
    return json.dumps(results if is_batch else results[0], ensure_ascii=False)


def _assess_openapi() -> dict[str, Any]:
    def clean(name: str) -> dict[str, Any]:
        s = copy.deepcopy(schema(name))
        s.pop("$schema", None)
        s.pop("$id", None)
        return s

    one, result = clean("assessment-input"), clean("assessment-result")
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [one, {"type": "array", "items": one, "maxItems": 100}]}
                }
            },
        },
        "responses": {
            "200": {
                "description": "the AssessmentResult (or an array of them, in the same order)",
                "content": {
                    "application/json": {"schema": {"oneOf": [result, {"type": "array", "items": result}]}}
                },
            },
        },
    }


@router.get("/health", response_model=dict[str, str], tags=["meta"])
async def health() -> dict[str, str]:
    """A trivial endpoint (load-test baseline)."""
    return {"status": "ok"}


@router.post(
    "/assess",
    tags=["assessment"],
    openapi_extra=_assess_openapi(),
    responses={400: ERRORS[400], 422: ERRORS[422]},
    response_model=None,
)
async def assess_endpoint(request: Request, lang: Lang = "en") -> Response:
    """Assess one AssessmentInput or a batch; the same output as ``crampcare assess``."""
    # Read and answer the JSON directly: the engine takes well under a millisecond, and FastAPI's
    # generic body parsing and response encoding would cost several times that.
    try:
        payload = loads_strict(await request.body())
    except json.JSONDecodeError:
        return problems_response(["input: not JSON"], ())
    except UnicodeDecodeError:
        return problems_response(["input: not UTF-8 text"], ())
    except RecursionError:
        return problems_response(["input: nested too deeply"], ())
    except ValueError as err:  # NaN or Infinity
        return problems_response([f"input: not valid JSON ({err})"], ())
    inputs, is_batch = parse_inputs(payload)
    if len(inputs) > 20:  # a big batch must not hold up every other request on this worker
        from starlette.concurrency import run_in_threadpool

        body = await run_in_threadpool(_assess_json, inputs, is_batch, lang)
    else:
        body = _assess_json(inputs, is_batch, lang)
    return Response(body, media_type="application/json")
