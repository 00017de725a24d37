"""N-of-1 experiments: create (a seeded, stored schedule), look up, tonight's assignment, analyse.

The statistics are in ``crampcare.stats.nof1`` and ``crampcare.stats.schedule``; this module loads
what they need from the database. A night D of the schedule counts once it is over, i.e. when
D < ``as_of`` (normally today): the night of D runs until noon on D+1.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crampcare.diary.service import DiaryError
from crampcare.records import ExperimentRecord
from crampcare.storage.audit import audit, detail_via
from crampcare.storage.models import DayLog, Episode, Experiment, ExperimentNight, User
from crampcare.storage.transactions import transaction
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


def intervention_label(code: str, lang: str = "en") -> str:
    """A short lower-case description of an intervention code for sentences (in ``lang``)."""
    from crampcare.i18n import translator
    from crampcare.labels import intervention_label as label

    return label(code, translator(lang))


def default_washout(intervention: str, block_days: int) -> int:
    """The knowledge base's carry-over nights for an intervention (0 if unknown), below a block."""
    from crampcare.knowledge import load

    item = load().interventions.get(intervention)
    nights = (item.carryover_nights if item is not None else None) or 0
    return min(nights, max(block_days - 1, 0))


@dataclass(frozen=True, slots=True)
class DesignCheck:
    """A design that is allowed but cannot say what the person wants to know (no wording here:
    the CLI and the web phrase it, see ``design_warnings`` and ``nof1_cent.design_check_text``)."""

    kind: str  # "no_verdict", "washout_short", "carryover_whole_block"
    pairs: int = 0
    block_days: int = 0
    washout_days: int = 0
    carryover: int = 0
    min_p: float = 0.0
    need_pairs: int = 0


def design_checks(intervention: str, block_days: int, pairs: int, washout_days: int) -> list[DesignCheck]:
    """The checks ``experiment create`` and the web wizard both run before a schedule is drawn."""
    from crampcare.knowledge import load
    from crampcare.stats.nof1 import can_reach_verdict, min_p_value, min_pairs_for_verdict

    base = DesignCheck("", pairs, block_days, washout_days, 0, 0.0, min_pairs_for_verdict())
    checks = []
    if pairs >= 1 and not can_reach_verdict(pairs):
        checks.append(replace(base, kind="no_verdict", min_p=min_p_value(pairs)))
    item = load().interventions.get(intervention)
    carry = (item.carryover_nights if item is not None else None) or 0
    if carry and washout_days < min(carry, block_days - 1):
        checks.append(replace(base, kind="washout_short", carryover=carry))
    if carry and carry >= block_days:
        checks.append(replace(base, kind="carryover_whole_block", carryover=carry))
    return checks


def design_warnings(intervention: str, block_days: int, pairs: int, washout_days: int) -> list[str]:
    """``design_checks`` as the CLI prints them (with the options to change)."""
    from crampcare.stats.nof1 import ALPHA

    warnings = []
    for c in design_checks(intervention, block_days, pairs, washout_days):
        if c.kind == "no_verdict":
            need = c.need_pairs
            warnings.append(
                f"warning: with {pairs} pairs of blocks the smallest possible randomisation p is "
                f"{c.min_p:.3g}, above {ALPHA}: this schedule can never reach a verdict (likely "
                f"helps or likely harms), only 'inconclusive'. A design that can: --pairs {need} "
                f"--block-days {block_days} ({2 * need * block_days} nights); `crampcare experiment plan "
                f"--intervention {intervention}` shows how many pairs find a real effect"
            )
        elif c.kind == "washout_short":
            warnings.append(
                f"warning: the effect of {intervention} may linger about {c.carryover} nights after a "
                f"change, but only {washout_days} nights of each block are left out (--washout); the "
                "blocks will blur into each other"
            )
        else:
            warnings.append(
                f"warning: the effect of {intervention} may linger about {c.carryover} nights, as long as "
                f"a whole block of {block_days} nights; use --block-days {2 * c.carryover} or more"
            )
    return warnings


def own_cramp_rate(session: Session, user: User, today: dt.date, nights: int = 56) -> float | None:
    """Cramps a night over the person's last ``nights`` nights of diary (None: too little diary).

    The span starts at the first entry if the diary is younger, and needs at least 14 nights."""
    first_episode = session.scalar(select(func.min(Episode.night_date)).where(Episode.user_id == user.id))
    first_log = session.scalar(select(func.min(DayLog.date)).where(DayLog.user_id == user.id))
    firsts = [d for d in (first_episode, first_log) if d is not None]
    if not firsts:
        return None
    start = max(min(firsts), today - dt.timedelta(days=nights))
    span = (today - start).days
    if span < 14:
        return None
    count = session.scalar(
        select(func.count())
        .select_from(Episode)
        .where(Episode.user_id == user.id, Episode.night_date >= start, Episode.night_date < today)
    )
    return int(count or 0) / span


# Recommendation categories that are not something to switch on and off at bedtime: actions
# ("call the emergency number"), reviews, and advice that depends on a blood test.
UNTESTABLE_CATEGORIES = frozenset({"action", "review"})


def untestable_kind(intervention: str, grade_for_person: str | None = None) -> str | None:
    """Why this intervention cannot be a self-experiment, as a kind, or None if it can.

    Only what is graded at least ``insufficient_evidence`` may be tested: a treatment the evidence
    calls harmful (quinine, valproate) is never randomised, for anyone; ``grade_for_person`` is its
    grade in this person's latest assessment (pregnancy, kidney disease and medicines change it).
    Kinds: "unknown", "not_nightly", "not_recommended", "not_recommended_for_you".
    """
    from crampcare.knowledge import load
    from crampcare.spec import codes

    if intervention not in codes("recommendations"):
        return "unknown"
    item = load().interventions[intervention]
    if item.category in UNTESTABLE_CATEGORIES:
        return "not_nightly"
    grade = grade_for_person or item.grade
    if grade == "not_recommended":
        return "not_recommended_for_you" if grade_for_person else "not_recommended"
    return None


def why_untestable(intervention: str, grade_for_person: str | None = None) -> str | None:
    """``untestable_kind`` as a ``field: problem`` line (CLI and API), or None if it can be tested."""
    kind = untestable_kind(intervention, grade_for_person)
    if kind == "unknown":
        return f"intervention: unknown intervention {intervention!r} (see the recommendations codes)"
    if kind == "not_nightly":
        return (
            f"intervention: {intervention!r} is an action or a review, not something to test night by night"
        )
    if kind is not None:
        whose = "for you (your latest assessment)" if kind == "not_recommended_for_you" else "by the evidence"
        return f"intervention: {intervention!r} is not recommended {whose}; it cannot be tested on yourself"
    return None


def grade_for_person(session: Session, user: User, intervention: str) -> str | None:
    """The intervention's grade in the person's latest saved assessment, if it names it."""
    return _grade_for(session, user, intervention)


def _grade_for(session: Session, user: User, intervention: str) -> str | None:
    """The intervention's grade in the person's latest saved assessment, if it names it."""
    from crampcare.diary.assessments import latest_assessment

    latest = latest_assessment(session, user)
    if latest is None:
        return None
    for rec in latest.result.get("recommendations", []):
        if rec.get("id") == intervention:
            return str(rec.get("evidence"))
    return None


def schedule_hash(experiment: Experiment) -> str:
    """SHA-256 of the plan as drawn: design, seed, start and every night's assignment."""
    from crampcare.records import plan_digest

    nights = [(n.date, n.on) for n in experiment.nights]
    e = experiment
    return plan_digest(e.intervention, e.start_date, e.block_days, e.pairs, e.seed, e.washout_days, nights)


def _design_problems(
    session: Session,
    user: User,
    intervention: str,
    start: dt.date,
    block_days: int,
    pairs: int,
    seed: int | None,
    washout_days: int,
    imported: bool,
    today: dt.date,
) -> list[str]:
    from crampcare.stats.schedule import check_design

    problems = []
    why_not = why_untestable(intervention, _grade_for(session, user, intervention))
    if why_not:
        problems.append(why_not)
    problems += check_design(block_days, pairs, washout_days)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        problems.append(f"seed: must be from 0 to {MAX_SEED}, not {seed}")
    elif seed is not None and not imported:
        problems.append(
            "seed: the program draws the seed itself; a chosen seed is accepted only when importing "
            "an experiment already run elsewhere (imported)"
        )
    if start < today and not imported:
        problems.append(
            f"start: {start.isoformat()} is in the past; a past start is accepted only when importing "
            "an experiment already run elsewhere (imported)"
        )
    return problems


def design_problems(
    session: Session,
    user: User,
    intervention: str,
    start: dt.date,
    block_days: int,
    pairs: int,
    washout_days: int,
    imported: bool,
    today: dt.date,
) -> list[str]:
    """What ``create_experiment`` would refuse (``field: problem`` lines), without creating it."""
    return _design_problems(
        session, user, intervention, start, block_days, pairs, None, washout_days, imported, today
    )


def _new_experiment(
    user: User,
    intervention: str,
    start: dt.date,
    block_days: int,
    pairs: int,
    seed: int,
    washout_days: int,
    imported: bool,
    nights: list[ExperimentNight],
) -> Experiment:
    """An experiment with its nights and schedule hash, not yet added to a session."""
    experiment = Experiment(
        user_id=user.id,
        intervention=intervention,
        start_date=start,
        block_days=block_days,
        pairs=pairs,
        seed=seed,
        washout_days=washout_days,
        created_at=utcnow(),
        imported=imported,
    )
    experiment.nights.extend(nights)
    experiment.schedule_sha256 = schedule_hash(experiment)
    return experiment


def _drawn_nights(
    start: dt.date, block_days: int, pairs: int, seed: int, washout_days: int
) -> list[ExperimentNight]:
    from crampcare.stats.schedule import make_schedule

    return [
        ExperimentNight(date=night.date, pair_index=night.pair, block_index=night.block, on=night.on)
        for night in make_schedule(start, block_days, pairs, seed, washout_days)
    ]


def create_experiment(
    session: Session,
    user: User,
    intervention: str,
    start: dt.date,
    block_days: int = 7,
    pairs: int = 3,
    seed: int | None = None,
    washout_days: int = 0,
    imported: bool = False,
    today: dt.date | None = None,
) -> Experiment:
    """Draw and store a randomised paired-block schedule before any outcome exists.

    The program draws the seed. A chosen ``seed`` or a ``start`` before ``today`` would let a
    schedule be picked after seeing the nights, so both are accepted only for an experiment run
    elsewhere (``imported``), which every report then labels as imported.
    """
    with transaction(session):
        today = today or dt.date.today()
        problems = _design_problems(
            session, user, intervention, start, block_days, pairs, seed, washout_days, imported, today
        )
        if problems:
            raise DiaryError(problems)
        seed = secrets.randbelow(MAX_SEED) if seed is None else seed
        nights = _drawn_nights(start, block_days, pairs, seed, washout_days)
        experiment = _new_experiment(
            user, intervention, start, block_days, pairs, seed, washout_days, imported, nights
        )
        session.add(experiment)
    return experiment


def _given_nights(record: ExperimentRecord) -> list[ExperimentNight] | list[str]:
    """The nights of an exported schedule that the seed does not reproduce, kept as given, or why
    they cannot be: every night of the design exactly once, each block all 'on' or all 'off', and
    one 'on' and one 'off' block in each pair (what the randomisation test assumes)."""
    days = 2 * record.pairs * record.block_days
    expected = [record.start + dt.timedelta(days=d) for d in range(days)]
    if [date for date, _ in record.schedule] != expected:
        return [
            f"schedule: must list each of the {days} nights from {record.start.isoformat()} once, in order"
        ]
    blocks = [
        {on for _, on in record.schedule[b * record.block_days : (b + 1) * record.block_days]}
        for b in range(2 * record.pairs)
    ]
    if any(len(block) != 1 for block in blocks):
        return ["schedule: every block of nights must be all on or all off"]
    if any(blocks[2 * p] == blocks[2 * p + 1] for p in range(record.pairs)):
        return ["schedule: each pair of blocks must have one block on and one off"]
    return [
        ExperimentNight(
            date=date, pair_index=i // record.block_days // 2, block_index=i // record.block_days, on=on
        )
        for i, (date, on) in enumerate(record.schedule)
    ]


def restore_experiments(
    session: Session,
    user: User,
    records: Sequence[ExperimentRecord],
    label: str = "",
    places: Sequence[str] | None = None,
) -> tuple[int, int]:
    """Store exported experiments as imported ones, without committing; (inserted, matched).

    Each keeps its seed, start, design and schedule exactly: the nights ``make_schedule`` draws
    from the seed when they are the stored ones, else the stored nights as given. They are always
    labelled imported, as ``create_experiment(..., imported=True)`` would: a file can be edited, so
    nothing shows that its schedule was drawn before the nights were seen. One already stored (same
    plan, i.e. the same schedule hash) is not stored again. Raises ``DiaryError`` with every
    problem, lines starting with ``label:experiments[i]`` (or ``places[i]``).

    This is the one restore path of every format: a record that carries its provenance (a FHIR
    CarePlan: ``imported``, ``created_at`` and ``schedule_sha256``) keeps it, after its declared
    SHA-256 is checked against its plan.
    """
    from crampcare.stats.schedule import check_design

    today = dt.date.today()
    problems: list[str] = []
    built: list[Experiment] = []
    for index, rec in enumerate(records):
        where = places[index] if places is not None else f"{label}:experiments[{index}]"
        found = _design_problems(
            session,
            user,
            rec.intervention,
            rec.start,
            rec.block_days,
            rec.pairs,
            rec.seed,
            rec.washout_days,
            True,
            today,
        )
        nights: list[ExperimentNight] | list[str] = []
        if rec.schedule_sha256 is not None and rec.schedule_sha256 != rec.digest:
            found.append("the schedule does not match its SHA-256")
        if not found and not check_design(rec.block_days, rec.pairs, rec.washout_days):
            drawn = _drawn_nights(rec.start, rec.block_days, rec.pairs, rec.seed, rec.washout_days)
            same = [(n.date, n.on) for n in drawn] == list(rec.schedule)
            nights = drawn if same else _given_nights(rec)
            found = [n for n in nights if isinstance(n, str)]
        if found:
            problems.extend(f"{where}: {p}" for p in found)
            continue
        experiment = _new_experiment(
            user,
            rec.intervention,
            rec.start,
            rec.block_days,
            rec.pairs,
            rec.seed,
            rec.washout_days,
            True if rec.imported is None else rec.imported,
            [n for n in nights if isinstance(n, ExperimentNight)],
        )
        if rec.created_at is not None:
            experiment.created_at = rec.created_at
        built.append(experiment)
    if problems:
        raise DiaryError(problems)
    stored = {schedule_hash(e) for e in list_experiments(session, user)}
    new = 0
    for experiment in built:
        if experiment.schedule_sha256 in stored:
            continue
        stored.add(experiment.schedule_sha256 or "")
        session.add(experiment)
        new += 1
    session.flush()
    return new, len(built) - new


def overlapping(session: Session, user: User, experiment: Experiment) -> list[Experiment]:
    """The person's other experiments whose nights overlap this one's: their results mix."""
    return [
        other
        for other in list_experiments(session, user)
        if other.id != experiment.id
        and other.start_date <= end_date(experiment)
        and experiment.start_date <= end_date(other)
    ]


def overlapping_dates(session: Session, user: User, start: dt.date, end: dt.date) -> list[Experiment]:
    """The person's experiments that run on some night from ``start`` to ``end`` (a planned one)."""
    return [e for e in list_experiments(session, user) if e.start_date <= end and start <= end_date(e)]


def overlap_warnings(session: Session, user: User, experiment: Experiment) -> list[str]:
    return [
        f"warning: experiment {other.id} ({other.intervention}, {other.start_date.isoformat()} to "
        f"{end_date(other).isoformat()}) runs on some of the same nights; the two results will be "
        "harder to tell apart"
        for other in overlapping(session, user, experiment)
    ]


def list_experiments(session: Session, user: User) -> list[Experiment]:
    return list(
        session.scalars(select(Experiment).where(Experiment.user_id == user.id).order_by(Experiment.id))
    )


def delete_experiment(
    session: Session, user: User, experiment_id: int, *, via: str = "", address: str = ""
) -> None:
    """Delete one of the user's experiments (its nights go with it) and record it in the audit log."""
    session.delete(get_experiment(session, user, experiment_id))
    session.commit()
    audit(session, user.name, "experiment_deleted", detail_via(str(experiment_id), via), address)


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
        "imported": experiment.imported,
        "created_at": experiment.created_at.isoformat(timespec="seconds") + "Z",
        "schedule_sha256": experiment.schedule_sha256,
        "schedule": [{"date": n.date.isoformat(), "on": n.on} for n in experiment.nights],
    }


def schedule_blocks(experiment: Experiment) -> list[dict[str, Any]]:
    """The stored schedule as blocks in order: pair (from 1), with or without, first and last night."""
    blocks: dict[int, list[ExperimentNight]] = {}
    for night in sorted(experiment.nights, key=lambda n: n.date):
        blocks.setdefault(night.block_index, []).append(night)
    return [
        {
            "pair": nights[0].pair_index + 1,
            "on": nights[0].on,
            "start": nights[0].date.isoformat(),
            "end": nights[-1].date.isoformat(),
            "nights": len(nights),
        }
        for _, nights in sorted(blocks.items())
    ]


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
    session: Session,
    user: User,
    experiment: Experiment,
    as_of: dt.date | None = None,
    lang: str = "en",
    estimate_weeks: bool = True,
) -> dict[str, Any]:
    """The experiment's result (``crampcare.stats.nof1.analyze``) over the nights that are over.

    ``estimate_weeks=False`` skips the simulation of how many more weeks would settle an
    inconclusive verdict (the FHIR export leaves it out and must stay quick).
    """
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
        planned_pairs=experiment.pairs,
        label=intervention_label(experiment.intervention, lang),
        seed=experiment.seed,
        estimate_weeks=estimate_weeks,
        lang=lang,
    )
    return {
        "id": str(experiment.id),
        "imported": experiment.imported,
        **result,
        "start": experiment.start_date.isoformat(),
        "block_days": experiment.block_days,
        "washout_days": experiment.washout_days,
        "blocks": schedule_blocks(experiment),
        "nights_pending": pending,
        "nights_washout": washout,
        "as_of": as_of.isoformat(),
        "nights": [
            {"date": n.date.isoformat(), "on": n.on, "episodes": n.count, "done": n.done} for n in observed
        ],
    }
