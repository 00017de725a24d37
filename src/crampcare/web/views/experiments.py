"""Self-experiments (N-of-1): a wizard that explains the idea and creates the randomised schedule,
tonight's assignment, and the result with its uncertainty in plain words. The schedule and the
statistics are ``crampcare.experiments.service`` (the same as ``crampcare experiment``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Response

from crampcare.diary.service import DiaryError
from crampcare.experiments import service as exp
from crampcare.records.nights import tonight
from crampcare.storage.models import Experiment, User
from crampcare.web.context import Ctx, form_str, signed_in
from crampcare.web.views.common import field_errors

router = APIRouter()
FIELDS = ("intervention", "start", "block_days", "pairs", "washout_days", "imported")


def _user(ctx: Ctx) -> User:
    assert ctx.account is not None
    return ctx.account.user


def choices() -> list[str]:
    """Interventions a person can switch on and off night by night, that the day log can confirm first."""
    return list(exp.ADHERENCE)


def _today(ctx: Ctx) -> dt.date:
    return dt.datetime.now(ctx.user_zone()).date()


def _index(ctx: Ctx, values: dict[str, str], errors: dict[str, list[str]], status: int = 200) -> Response:
    return ctx.render(
        "experiments.html",
        status_code=status,
        experiments=exp.list_experiments(ctx.db, _user(ctx)),
        choices=choices(),
        values=values,
        errors=errors,
        end_date=exp.end_date,
    )


@router.get("/experiments")
def index(ctx: Ctx = Depends(signed_in)) -> Response:
    start = _today(ctx) + dt.timedelta(days=1)
    values = {"intervention": choices()[0], "start": start.isoformat(), "block_days": "7", "pairs": "6"}
    return _index(ctx, values | {"washout_days": "0"}, {})


def _int(values: dict[str, str], name: str, problems: list[str]) -> int:
    try:
        return int(values[name])
    except ValueError:
        problems.append(f"{name}: enter a whole number")
        return 0


@router.post("/experiments")
def create(ctx: Ctx = Depends(signed_in)) -> Response:
    values = {name: form_str(ctx.form, name) for name in FIELDS}
    problems: list[str] = []
    try:
        start = dt.date.fromisoformat(values["start"])
    except ValueError:
        problems.append("start: enter a date (YYYY-MM-DD)")
        start = _today(ctx)
    numbers = {name: _int(values, name, problems) for name in ("block_days", "pairs", "washout_days")}
    if not problems:
        try:
            experiment = exp.create_experiment(
                ctx.db,
                _user(ctx),
                values["intervention"],
                start,
                block_days=numbers["block_days"],
                pairs=numbers["pairs"],
                washout_days=numbers["washout_days"],
                imported=bool(values["imported"]),
                today=_today(ctx),
            )
        except DiaryError as err:
            problems = err.problems
    if problems:
        ctx.db.rollback()
        return _index(ctx, values, field_errors(problems, FIELDS), status=422)
    return ctx.redirect(f"/experiments/{experiment.id}")


def _owned(ctx: Ctx, experiment_id: int) -> Experiment:
    try:
        return exp.get_experiment(ctx.db, _user(ctx), experiment_id)
    except DiaryError:
        raise HTTPException(status_code=404) from None


def tonight_entry(ctx: Ctx, experiment: Experiment) -> Any:
    night = tonight(dt.datetime.now(ctx.user_zone()))  # the evening ahead
    return next((n for n in experiment.nights if n.date == night), None)


@router.get("/experiments/{experiment_id}")
def show(experiment_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    experiment = _owned(ctx, experiment_id)
    result = exp.analyze_experiment(ctx.db, _user(ctx), experiment, as_of=_today(ctx))
    return ctx.render(
        "experiment.html",
        experiment=experiment,
        result=result,
        night=tonight_entry(ctx, experiment),
        end=exp.end_date(experiment),
    )


@router.get("/experiments/{experiment_id}/chart.svg")
def chart(experiment_id: int, ctx: Ctx = Depends(signed_in), theme: str = "light") -> Response:
    from crampcare.charts import experiment_chart, svg_text
    from crampcare.charts.figures import THEMES

    experiment = _owned(ctx, experiment_id)
    if theme not in THEMES:
        raise HTTPException(status_code=404)
    result = exp.analyze_experiment(ctx.db, _user(ctx), experiment, as_of=_today(ctx))
    return Response(svg_text(experiment_chart(result, theme=theme)), media_type="image/svg+xml")


@router.post("/experiments/{experiment_id}/delete")
def delete(experiment_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    _owned(ctx, experiment_id)
    exp.delete_experiment(ctx.db, _user(ctx), experiment_id, address=ctx.address)
    return ctx.redirect("/experiments")
