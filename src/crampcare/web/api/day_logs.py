"""Your day logs: ``/day-logs`` (list) and ``/day-logs/{date}`` (read, replace, delete)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import select

from crampcare.diary import service
from crampcare.diary.service import DiaryError
from crampcare.records import DayLogEntry, DayLogRecord
from crampcare.storage.models import DayLog
from crampcare.web.api.common import (
    ERRORS,
    PAGE_ERRORS,
    Cursor,
    PageLimit,
    make_cursor,
    next_page,
    page_size,
    read_cursor,
)
from crampcare.web.deps import ApiCtx, api_signed_in
from crampcare.web.limits import OverLimit, take_rows

router = APIRouter()


# The body is the record's own model (``crampcare.records``): "1,5" is a number here too.
DayLogIn = DayLogEntry


class DayLogOut(BaseModel):
    date: str
    stretched_before_bed: bool | None = None
    fluid_litres: float | None = None
    caffeine_drinks: float | None = None
    alcohol_units: float | None = None
    exercise_minutes: float | None = None
    notes: str = ""


def day_log_out(row: Any) -> DayLogOut:
    r = service.day_log_record(row)
    return DayLogOut(
        date=r.date.isoformat(),
        stretched_before_bed=r.stretched_before_bed,
        fluid_litres=r.fluid_litres,
        caffeine_drinks=r.caffeine_drinks,
        alcohol_units=r.alcohol_units,
        exercise_minutes=r.exercise_minutes,
        notes=r.notes,
    )


@router.get("/day-logs", response_model=list[DayLogOut], tags=["diary"], responses=PAGE_ERRORS)
def list_day_logs(
    request: Request,
    response: Response,
    ctx: ApiCtx = Depends(api_signed_in),
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    limit: PageLimit = None,
    cursor: Cursor = None,
) -> Any:
    """Your day logs within [from, to] by date, one page at a time (see ``/episodes``)."""
    size = page_size(request, limit)
    if cursor:
        after = dt.date.fromisoformat(read_cursor(cursor)[0]) + dt.timedelta(days=1)
        date_from = max(date_from, after) if date_from is not None else after
    query = select(DayLog).where(DayLog.user_id == ctx.user.id)
    if date_from is not None:
        query = query.where(DayLog.date >= date_from)
    if date_to is not None:
        query = query.where(DayLog.date <= date_to)
    rows = list(ctx.db.scalars(query.order_by(DayLog.date).limit(size + 1)))
    if len(rows) > size:
        rows = rows[:size]
        next_page(request, response, make_cursor(rows[-1].date.isoformat(), 0))
    return [day_log_out(d) for d in rows]


@router.get("/day-logs/{day}", response_model=DayLogOut, tags=["diary"], responses=ERRORS)
def get_day_log(day: dt.date, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    row = service.get_day_log(ctx.db, ctx.user, day)
    if row is None:
        raise HTTPException(404, "no day log for that date")
    return day_log_out(row)


@router.put("/day-logs/{day}", response_model=DayLogOut, tags=["diary"], responses=ERRORS)
def put_day_log(request: Request, day: dt.date, body: DayLogIn, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    """Record the day (replacing what was recorded for that date)."""
    record = service.checked(DayLogRecord, {**body.model_dump(), "date": day})
    if service.get_day_log(ctx.db, ctx.user, day) is None:  # a new row, not a replacement
        try:
            take_rows(ctx.db, request.app.state.limits, ctx.user.id, 1)  # committed with the log
        except OverLimit:
            ctx.db.rollback()
            raise HTTPException(429, "today's limit of new diary rows is reached") from None
    row = service.save_day_log(ctx.db, ctx.user, record)
    return day_log_out(row)


@router.delete("/day-logs/{day}", status_code=204, tags=["diary"], responses=ERRORS)
def delete_day_log(day: dt.date, ctx: ApiCtx = Depends(api_signed_in)) -> Response:
    try:
        service.delete_day_log(ctx.db, ctx.user, day, via="api", address=ctx.address)
    except DiaryError:
        raise HTTPException(404, "no day log for that date") from None
    return Response(status_code=204)
