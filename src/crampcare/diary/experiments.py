"""N-of-1 experiments: create (a seeded, stored schedule), look up, tonight's assignment, analyse.

The statistics are in ``crampcare.stats.nof1`` and ``crampcare.stats.schedule``; this module loads
what they need from the database. A night D of the schedule counts once it is over, i.e. when
D < ``as_of`` (normally today): the night of D runs until noon on D+1.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crampcare.diary.service import DiaryError
from crampcare.storage.models import DayLog, Episode, Experiment, ExperimentNight, User
from crampcare.storage.users import utcnow

# How the day log tells whether an intervention was actually done on a day (per-protocol analysis).
# Interventions without a day-log column (e.g. a magnesium tablet) are analysed by schedule only.
ADHERENCE: dict[str, Callable[[DayLog], bool | None]] = {
    "calf_stretch_before_bed": lambda d: d.stretched_before_bed,
    "reduce_caffeine": lambda d: None if d.caffeine_drinks is None else d.caffeine_drinks <= 1,
    "reduce_alcohol": lambda d: None if d.alcohol_units is None else d.alcohol_units == 0,
    "adequate_fluids": lambda d: None if d.fluid_litres is None else d.fluid_litres >= 1.5,
    "regular_exercise": lambda d: None if d.exercise_minutes is None else d.exercise_minutes >= 20,
}
MAX_SEED = 2**31 - 1


def intervention_label(code: str) -> str:
    """A short lower-case description of an intervention code for sentences."""
    from crampcare.spec import vocabulary

    text = str(vocabulary().get("recommendations", {}).get(code, code.replace("_", " ")))
    text = text.rstrip(".").split(";")[0]
    return text[:1].lower() + text[1:]


def create_experiment(
    session: Session,
    user: User,
    intervention: str,
    start: dt.date,
    block_days: int = 7,
    pairs: int = 3,
    seed: int | None = None,
    washout_days: int = 0,
) -> Experiment:
    """Draw and store a randomised paired-block schedule (``seed`` drawn at random when omitted)."""
    from crampcare.spec import codes
    from crampcare.stats.schedule import check_design, make_schedule

    problems = []
    if intervention not in codes("recommendations"):
        problems.append(
            f"intervention: unknown intervention {intervention!r} (see the recommendations codes)"
        )
    problems += check_design(block_days, pairs, washout_days)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        problems.append(f"seed: must be from 0 to {MAX_SEED}, not {seed}")
    if problems:
        raise DiaryError(problems)
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    experiment = Experiment(
        user_id=user.id,
        intervention=intervention,
        start_date=start,
        block_days=block_days,
        pairs=pairs,
        seed=seed,
        washout_days=washout_days,
        created_at=utcnow(),
    )
    for night in make_schedule(start, block_days, pairs, seed, washout_days):
        experiment.nights.append(
            ExperimentNight(date=night.date, pair_index=night.pair, block_index=night.block, on=night.on)
        )
    session.add(experiment)
    session.commit()
    return experiment


def list_experiments(session: Session, user: User) -> list[Experiment]:
    return list(
        session.scalars(select(Experiment).where(Experiment.user_id == user.id).order_by(Experiment.id))
    )


def get_experiment(session: Session, user: User, experiment_id: int | None = None) -> Experiment:
    """The experiment with this id, or the latest one when ``experiment_id`` is None."""
    query = select(Experiment).where(Experiment.user_id == user.id)
    if experiment_id is None:
        experiment = session.scalars(query.order_by(Experiment.id.desc()).limit(1)).first()
        if experiment is None:
            raise DiaryError("experiment: none yet; create one with `crampcare experiment create`")
        return experiment
    experiment = session.scalars(query.where(Experiment.id == experiment_id)).one_or_none()
    if experiment is None:
        raise DiaryError(f"id: no experiment {experiment_id}")
    return experiment


def end_date(experiment: Experiment) -> dt.date:
    return experiment.start_date + dt.timedelta(days=2 * experiment.pairs * experiment.block_days - 1)


def experiment_plan(experiment: Experiment) -> dict[str, Any]:
    """The stored plan as the spec prints it (plus the design parameters)."""
    return {
        "id": str(experiment.id),
        "intervention": experiment.intervention,
        "start": experiment.start_date.isoformat(),
        "end": end_date(experiment).isoformat(),
        "block_days": experiment.block_days,
        "pairs": experiment.pairs,
        "seed": experiment.seed,
        "washout_days": experiment.washout_days,
        "schedule": [{"date": n.date.isoformat(), "on": n.on} for n in experiment.nights],
    }


def tonight_assignments(
    session: Session, user: User, night: dt.date
) -> list[tuple[Experiment, ExperimentNight]]:
    """Every experiment that has ``night`` in its schedule, with that night's entry."""
    query = (
        select(Experiment, ExperimentNight)
        .join(ExperimentNight, ExperimentNight.experiment_id == Experiment.id)
        .where(Experiment.user_id == user.id, ExperimentNight.date == night)
        .order_by(Experiment.id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def _episode_counts(session: Session, user: User, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    query = (
        select(Episode.night_date, func.count())
        .where(Episode.user_id == user.id, Episode.night_date >= start, Episode.night_date <= end)
        .group_by(Episode.night_date)
    )
    return {row[0]: int(row[1]) for row in session.execute(query)}


def analyze_experiment(
    session: Session, user: User, experiment: Experiment, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The experiment's result (``crampcare.stats.nof1.analyze``) over the nights that are over."""
    from crampcare.stats.nof1 import NightObservation, analyze

    as_of = as_of or dt.date.today()
    end = end_date(experiment)
    counts = _episode_counts(session, user, experiment.start_date, end)
    done_of = ADHERENCE.get(experiment.intervention)
    logs: dict[dt.date, DayLog] = {}
    if done_of is not None:
        query = select(DayLog).where(
            DayLog.user_id == user.id, DayLog.date >= experiment.start_date, DayLog.date <= end
        )
        logs = {log.date: log for log in session.scalars(query)}
    observed = []
    pending = washout = 0
    for night in experiment.nights:
        if night.date >= as_of:
            pending += 1
            continue
        if (night.date - experiment.start_date).days % experiment.block_days < experiment.washout_days:
            washout += 1
            continue
        log = logs.get(night.date)
        observed.append(
            NightObservation(
                date=night.date,
                on=night.on,
                pair=night.pair_index,
                count=counts.get(night.date, 0),
                done=done_of(log) if (done_of is not None and log is not None) else None,
            )
        )
    result = analyze(
        observed,
        intervention=experiment.intervention,
        block_days=experiment.block_days,
        washout_days=experiment.washout_days,
        label=intervention_label(experiment.intervention),
        seed=experiment.seed,
    )
    return {
        "id": str(experiment.id),
        **result,
        "nights_pending": pending,
        "nights_washout": washout,
        "as_of": as_of.isoformat(),
        "nights": [
            {"date": n.date.isoformat(), "on": n.on, "episodes": n.count, "done": n.done} for n in observed
        ],
    }
