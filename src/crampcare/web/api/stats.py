"""``GET /stats``: what ``crampcare stats --format json`` prints, for your diary."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from crampcare.diary import service
from crampcare.web.api.common import ERRORS
from crampcare.web.deps import ApiCtx, api_signed_in

router = APIRouter()


@router.get("/stats", response_model=dict[str, Any], tags=["statistics"], responses={401: ERRORS[401]})
def stats(
    ctx: ApiCtx = Depends(api_signed_in),
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Any:
    """What ``crampcare stats --format json`` prints, for your diary."""
    return service.diary_summary(ctx.db, ctx.user, date_from, date_to)
