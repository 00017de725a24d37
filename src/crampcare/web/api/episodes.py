"""Your cramp episodes: ``/episodes`` (list, create) and ``/episodes/{id}`` (read, change, delete)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import and_, or_, select

from crampcare.diary import service
from crampcare.diary.service import DiaryError
from crampcare.records import EpisodeChanges, EpisodeRecord
from crampcare.storage.models import Episode
from crampcare.web import zones
from crampcare.web.api.common import (
    ERRORS,
    PAGE_ERRORS,
    Cursor,
    Id,
    PageLimit,
    make_cursor,
    next_page,
    page_size,
    read_cursor,
)
from crampcare.web.deps import ApiCtx, api_signed_in
from crampcare.web.limits import OverLimit, take_rows

router = APIRouter()


# The request bodies are the records themselves (``crampcare.records``): their fields read JSON
# values with the same readers as CSV cells, form fields and options, so a bad value gets the same
# words as in the CLI.
EpisodeIn = EpisodeRecord
EpisodePatch = EpisodeChanges


class EpisodeOut(BaseModel):
    id: int
    started_at: str
    night: str
    muscle: str
    side: str
    duration_s: int | None
    severity: int | None
    woke_from_sleep: bool | None
    relieved_by: list[str]
    notes: str


def episode_out(episode: Episode) -> EpisodeOut:
    record = service.episode_record(episode)
    return EpisodeOut(
        id=episode.id,
        started_at=record.started_at.isoformat(),
        night=record.night.isoformat(),
        muscle=record.muscle,
        side=record.side,
        duration_s=record.duration_s,
        severity=record.severity,
        woke_from_sleep=record.woke_from_sleep,
        relieved_by=list(record.relieved_by),
        notes=record.notes,
    )


def owned_episode(ctx: ApiCtx, episode_id: int) -> Episode:
    try:
        return service.get_episode(ctx.db, ctx.user, episode_id)
    except DiaryError:
        raise HTTPException(404, "no such episode") from None


@router.get("/episodes", response_model=list[EpisodeOut], tags=["diary"], responses=PAGE_ERRORS)
def list_episodes(
    request: Request,
    response: Response,
    ctx: ApiCtx = Depends(api_signed_in),
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    limit: PageLimit = None,
    cursor: Cursor = None,
) -> Any:
    """Your episodes whose night is within [from, to], oldest first, one page at a time.

    When more follow, the ``Link`` header (``rel="next"``) and ``X-Next-Cursor`` say where."""
    size = page_size(request, limit)
    query = select(Episode).where(Episode.user_id == ctx.user.id)
    if date_from is not None:
        query = query.where(Episode.night_date >= date_from)
    if date_to is not None:
        query = query.where(Episode.night_date <= date_to)
    if cursor:
        at, last_id = read_cursor(cursor)
        start = dt.datetime.fromisoformat(at)
        query = query.where(
            or_(
                Episode.started_at_utc > start,
                and_(Episode.started_at_utc == start, Episode.id > last_id),
            )
        )
    rows = list(ctx.db.scalars(query.order_by(Episode.started_at_utc, Episode.id).limit(size + 1)))
    if len(rows) > size:
        rows = rows[:size]
        next_page(request, response, make_cursor(rows[-1].started_at_utc.isoformat(), rows[-1].id))
    return [episode_out(e) for e in rows]


@router.post("/episodes", status_code=201, response_model=EpisodeOut, tags=["diary"], responses=ERRORS)
def create_episode(request: Request, body: EpisodeIn, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    record = body
    if zones.is_future(record.started_at):  # the same rule as the web forms (a few minutes' slack)
        raise DiaryError([f"started_at: {record.started_at.isoformat()} is in the future"])
    try:
        take_rows(ctx.db, request.app.state.limits, ctx.user.id, 1)
    except OverLimit:
        ctx.db.rollback()
        raise HTTPException(429, "today's limit of new diary rows is reached") from None
    episode = service.add_episode(ctx.db, ctx.user, record)  # commits the episode and the count
    return episode_out(episode)


@router.get("/episodes/{episode_id}", response_model=EpisodeOut, tags=["diary"], responses=ERRORS)
def get_episode(episode_id: Id, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    return episode_out(owned_episode(ctx, episode_id))


@router.patch("/episodes/{episode_id}", response_model=EpisodeOut, tags=["diary"], responses=ERRORS)
def patch_episode(episode_id: Id, body: EpisodePatch, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    owned_episode(ctx, episode_id)
    episode = service.edit_episode(ctx.db, ctx.user, episode_id, body)
    return episode_out(episode)


@router.delete("/episodes/{episode_id}", status_code=204, tags=["diary"], responses=ERRORS)
def delete_episode(episode_id: Id, ctx: ApiCtx = Depends(api_signed_in)) -> Response:
    owned_episode(ctx, episode_id)
    service.delete_episode(ctx.db, ctx.user, episode_id, via="api", address=ctx.address)
    return Response(status_code=204)
