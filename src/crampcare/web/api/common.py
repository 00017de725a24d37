"""What every JSON API route shares: the error shapes, path and query types, and paging."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from crampcare.web.limits import limits_of

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Lang = Annotated[Literal["en", "ru"], Query(description="language of the texts (codes stay the same)")]


# --- errors --------------------------------------------------------------------------------------


class Problem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str = "value_error"


class ValidationProblems(BaseModel):
    detail: list[Problem]
    problems: list[str] = Field(description="one line per problem, as the CLI prints them")


class Message(BaseModel):
    detail: str


def problems_response(
    lines: list[str], prefix: tuple[str, ...] = ("body",), prefixes: list[tuple[str, ...]] | None = None
) -> JSONResponse:
    """422 with one line per problem; ``prefixes`` gives each line its own ``loc`` prefix."""
    detail = []
    for index, line in enumerate(lines):
        path, _, msg = line.partition(": ")
        start = prefixes[index] if prefixes is not None else prefix
        detail.append({"loc": [*start, *path.replace("[", ".").replace("]", "").split(".")], "msg": msg})
    body = ValidationProblems.model_validate({"detail": detail, "problems": lines})
    return JSONResponse(body.model_dump(), status_code=422)


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Message, "description": "the body is not JSON"},
    401: {"model": Message, "description": "not signed in"},
    403: {"model": Message, "description": "missing or wrong X-CSRF-Token"},
    404: {"model": Message, "description": "no such item of yours"},
    422: {"model": ValidationProblems, "description": "bad input; one problem per field"},
}


# --- pages ---------------------------------------------------------------------------------------

PageLimit = Annotated[
    int | None,
    Query(ge=1, description="items per page (default 100, at most 1000: ask for more and get a 422)"),
]
Cursor = Annotated[
    str | None, Query(max_length=200, description="where the next page starts: from the previous page")
]
PAGE_ERRORS: dict[int | str, dict[str, Any]] = {401: ERRORS[401], 422: ERRORS[422]}


def page_size(request: Request, limit: int | None) -> int:
    limits = limits_of(request.app.state)
    if limit is None:
        return limits.page_size
    if limit > limits.max_page_size:
        raise RequestValidationError(
            [{"loc": ("query", "limit"), "msg": f"must be <= {limits.max_page_size}", "type": "value_error"}]
        )
    return limit


def make_cursor(key: str, item_id: int) -> str:
    return base64.urlsafe_b64encode(f"{key}|{item_id}".encode()).decode().rstrip("=")


def read_cursor(cursor: str) -> tuple[str, int]:
    """The position a cursor encodes; a 422 for anything this server did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key, _, item = raw.partition("|")
        dt.date.fromisoformat(key[:10])
        return key, int(item)
    except ValueError:
        raise RequestValidationError(
            [{"loc": ("query", "cursor"), "msg": "not a cursor from this API", "type": "value_error"}]
        ) from None


def next_page(request: Request, response: Response, cursor: str) -> None:
    url = request.url.include_query_params(cursor=cursor)
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
    response.headers["X-Next-Cursor"] = cursor
