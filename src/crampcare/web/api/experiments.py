"""Your self-experiments: ``/experiments``, ``/experiments/tonight``, ``/experiments/{id}[/analysis]``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from crampcare.diary.service import DiaryError
from crampcare.experiments import service as exp
from crampcare.storage.models import Experiment
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

router = APIRouter()


class ExperimentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intervention: str = Field(examples=["calf_stretch_before_bed"])
    start: dt.date
    block_days: int = Field(default=7, ge=1, le=60)
    pairs: int = Field(default=6, ge=1, le=20)  # fewer pairs can never reach a verdict (docs/nof1.md)
    seed: int | None = Field(default=None, ge=0, le=exp.MAX_SEED)
    washout_days: int = Field(default=0, ge=0, le=59)
    imported: bool = Field(
        default=False,
        description="An experiment already run elsewhere: only then may `start` be in the past "
        "or `seed` be chosen.",
    )


class Night(BaseModel):
    date: str
    on: bool


class ExperimentOut(BaseModel):
    id: str
    intervention: str
    start: str
    end: str
    block_days: int
    pairs: int
    seed: int
    washout_days: int
    imported: bool = False
    created_at: str | None = None
    schedule_sha256: str | None = None
    schedule: list[Night]


class Tonight(BaseModel):
    experiment: str
    intervention: str
    date: str
    on: bool


def owned_experiment(ctx: ApiCtx, experiment_id: int) -> Any:
    try:
        return exp.get_experiment(ctx.db, ctx.user, experiment_id)
    except DiaryError:
        raise HTTPException(404, "no such experiment") from None


@router.get("/experiments", response_model=list[ExperimentOut], tags=["experiments"], responses=PAGE_ERRORS)
def list_experiments(
    request: Request,
    response: Response,
    ctx: ApiCtx = Depends(api_signed_in),
    limit: PageLimit = None,
    cursor: Cursor = None,
) -> Any:
    """Your experiments, oldest first, one page at a time (see ``/episodes``)."""
    size = page_size(request, limit)
    query = select(Experiment).where(Experiment.user_id == ctx.user.id)
    if cursor:
        query = query.where(Experiment.id > read_cursor(cursor)[1])
    rows = list(ctx.db.scalars(query.order_by(Experiment.id).limit(size + 1)))
    if len(rows) > size:
        rows = rows[:size]
        next_page(request, response, make_cursor(rows[-1].start_date.isoformat(), rows[-1].id))
    return [exp.experiment_plan(e) for e in rows]


@router.post(
    "/experiments", status_code=201, response_model=ExperimentOut, tags=["experiments"], responses=ERRORS
)
def create_experiment(body: ExperimentIn, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    experiment = exp.create_experiment(
        ctx.db,
        ctx.user,
        body.intervention,
        body.start,
        block_days=body.block_days,
        pairs=body.pairs,
        seed=body.seed,
        washout_days=body.washout_days,
        imported=body.imported,
    )
    return exp.experiment_plan(experiment)


@router.get(
    "/experiments/tonight",
    response_model=list[Tonight],
    tags=["experiments"],
    responses={401: ERRORS[401]},
)
def tonight(ctx: ApiCtx = Depends(api_signed_in), night: dt.date | None = None) -> Any:
    """What to do tonight (``night``: a date; default: tonight in UTC)."""
    from crampcare.records.nights import tonight as tonight_of

    day = night or tonight_of(dt.datetime.now(dt.UTC))
    return [
        Tonight(experiment=str(e.id), intervention=e.intervention, date=n.date.isoformat(), on=n.on)
        for e, n in exp.tonight_assignments(ctx.db, ctx.user, day)
    ]


@router.get(
    "/experiments/{experiment_id}", response_model=ExperimentOut, tags=["experiments"], responses=ERRORS
)
def get_experiment(experiment_id: Id, ctx: ApiCtx = Depends(api_signed_in)) -> Any:
    return exp.experiment_plan(owned_experiment(ctx, experiment_id))


@router.get(
    "/experiments/{experiment_id}/analysis",
    response_model=dict[str, Any],
    tags=["experiments"],
    responses=ERRORS,
)
def analysis(experiment_id: Id, ctx: ApiCtx = Depends(api_signed_in), as_of: dt.date | None = None) -> Any:
    """What ``crampcare experiment analyze --format json`` prints."""
    return exp.analyze_experiment(ctx.db, ctx.user, owned_experiment(ctx, experiment_id), as_of)


@router.delete("/experiments/{experiment_id}", status_code=204, tags=["experiments"], responses=ERRORS)
def delete_experiment(experiment_id: Id, ctx: ApiCtx = Depends(api_signed_in)) -> Response:
    owned_experiment(ctx, experiment_id)
    exp.delete_experiment(ctx.db, ctx.user, experiment_id, via="api", address=ctx.address)
    return Response(status_code=204)
