"""Self-experiments (N-of-1): a wizard that explains the idea and creates the randomised schedule,
tonight's assignment, and the result with its uncertainty in plain words. The schedule and the
statistics are ``crampcare.experiments.service`` (the same as ``crampcare experiment``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Response

from crampcare.diary.service import DiaryError
from crampcare.experiments import service as exp
from crampcare.i18n import N_
from crampcare.labels import verdict_label
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


def _label(ctx: Ctx, code: str) -> str:
    return exp.intervention_label(code, ctx.lang)


def _untestable(ctx: Ctx, code: str) -> str | None:
    """Why this person cannot test ``code`` (their latest assessment may grade it down), in words."""
    from crampcare.labels import code_label
    from crampcare.stats.nof1_cent import untestable_text

    kind = exp.untestable_kind(code, exp.grade_for_person(ctx.db, _user(ctx), code))
    label = code_label(ctx.tr, "recommendations", code)  # starts the sentence: capitalised
    return None if kind is None else untestable_text(kind, label.rstrip("."), ctx.lang)


def _today(ctx: Ctx) -> dt.date:
    return dt.datetime.now(ctx.user_zone()).date()


def _index(
    ctx: Ctx,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
    review: dict[str, Any] | None = None,
) -> Response:
    return ctx.render(
        "experiments.html",
        status_code=status,
        experiments=exp.list_experiments(ctx.db, _user(ctx)),
        choices=choices(),
        untestable={c: _untestable(ctx, c) for c in choices()},
        values=values,
        errors=errors,
        end_date=exp.end_date,
        review=review,
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


def _problems(ctx: Ctx, values: dict[str, str], start: dt.date, numbers: dict[str, int]) -> list[str]:
    """The service's refusals, with the untestable-intervention one in the person's words."""
    found = exp.design_problems(
        ctx.db,
        _user(ctx),
        values["intervention"],
        start,
        numbers["block_days"],
        numbers["pairs"],
        numbers["washout_days"],
        bool(values["imported"]),
        _today(ctx),
    )
    why = _untestable(ctx, values["intervention"])
    problems = [p for p in found if not p.startswith("intervention:")]
    return ([f"intervention: {why}"] if why else []) + problems


def _review(ctx: Ctx, intervention: str, start: dt.date, numbers: dict[str, int]) -> dict[str, Any]:
    """Design before data: what ``crampcare experiment plan`` computes, and every warning."""
    from dataclasses import asdict

    from crampcare.stats import nof1_cent as words
    from crampcare.stats.nof1_power import TYPICAL_RATE, plan

    block, pairs, washout = numbers["block_days"], numbers["pairs"], numbers["washout_days"]
    label = _label(ctx, intervention)
    warnings = [
        words.design_check_text(c.kind, asdict(c), label, ctx.lang)
        for c in exp.design_checks(intervention, block, pairs, washout)
    ]
    end = start + dt.timedelta(days=2 * pairs * block - 1)
    warnings += [
        words.overlap_text(
            _label(ctx, other.intervention),
            other.start_date.isoformat(),
            exp.end_date(other).isoformat(),
            ctx.lang,
        )
        for other in exp.overlapping_dates(ctx.db, _user(ctx), start, end)
    ]
    rate = exp.own_cramp_rate(ctx.db, _user(ctx), _today(ctx))
    source = "diary" if rate else "typical"
    base = rate or TYPICAL_RATE
    search = plan(base, block, None, washout=lambda days: washout) | {"baseline_source": source}
    chosen = plan(base, block, pairs, washout=lambda days: washout)
    return {
        "warnings": warnings,
        "plan": words.plan_report(search, label, ctx.lang),
        "chosen": words.chosen_design_text(chosen, ctx.lang),
    }


def _fingerprint(values: dict[str, str]) -> str:
    return "|".join(values[name] for name in ("intervention", "start", "block_days", "pairs", "washout_days"))


@router.post("/experiments")
def create(ctx: Ctx = Depends(signed_in)) -> Response:
    """Check the design (``action=check``, or any warning not yet confirmed) or create the schedule."""
    values = {name: form_str(ctx.form, name) for name in FIELDS}
    problems: list[str] = []
    try:
        start = dt.date.fromisoformat(values["start"])
    except ValueError:
        problems.append("start: enter a date (YYYY-MM-DD)")
        start = _today(ctx)
    numbers = {name: _int(values, name, problems) for name in ("block_days", "pairs", "washout_days")}
    if not problems:
        problems = _problems(ctx, values, start, numbers)
    if problems:
        return _index(ctx, values, field_errors(problems, FIELDS), status=422)
    checking = form_str(ctx.form, "action") == "check"
    # A confirmation holds only for the design that was reviewed, not one changed after it.
    if checking or form_str(ctx.form, "confirmed") != _fingerprint(values):
        review = _review(ctx, values["intervention"], start, numbers) | {"fingerprint": _fingerprint(values)}
        if checking or review["warnings"]:
            return _index(ctx, values, {}, review=review)
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
        ctx.db.rollback()
        return _index(ctx, values, field_errors(err.problems, FIELDS), status=422)
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
    from crampcare.stats.nof1_cent import cent_report

    experiment = _owned(ctx, experiment_id)
    result = exp.analyze_experiment(ctx.db, _user(ctx), experiment, as_of=_today(ctx), lang=ctx.lang)
    return ctx.render(
        "experiment.html",
        experiment=experiment,
        result=result,
        cent=cent_report(result, ctx.lang, experiment.intervention in exp.ADHERENCE),
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
    words = {text: ctx.tr(text) for text in EXPERIMENT_CHART_WORDS}
    verdict = result.get("verdict")
    figure = experiment_chart(
        result,
        theme=theme,
        tr=lambda text: words.get(text, text),
        title=ctx.tr("Experiment: {name}", name=_label(ctx, experiment.intervention)),
        verdict=verdict_label(str(verdict), ctx.tr) if verdict else "",
    )
    return Response(svg_text(figure), media_type="image/svg+xml")


# The words drawn inside the experiment chart (charts.figures.experiment_chart), translated here.
EXPERIMENT_CHART_WORDS = (
    N_("cramps that night"),
    N_("with it"),
    N_("without it"),
    N_("no nights over yet"),
    N_("Cramps with it for each without"),
)


@router.post("/experiments/{experiment_id}/delete")
def delete(experiment_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    _owned(ctx, experiment_id)
    exp.delete_experiment(ctx.db, _user(ctx), experiment_id, address=ctx.address)
    return ctx.redirect("/experiments")
