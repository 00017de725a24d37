"""``crampcare demo``: fill an empty database with a realistic, seeded diary and an experiment."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from crampcare.cli.errors import fail
from crampcare.cli.local_db import DbOption, local_session


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the made-up diary.")] = 2026,
    force: Annotated[
        bool, typer.Option("--force", help="Erase the local user's diary and experiments first.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Fill the database with five months of made-up diary and a finished stretching experiment."""
    from sqlalchemy import delete

    from crampcare.diary.demo import EXPERIMENT_BLOCK_DAYS, EXPERIMENT_PAIRS, demo_diary
    from crampcare.diary.service import (
        add_medication,
        delete_all,
        episode_records,
        import_records,
        list_medications,
    )
    from crampcare.experiments.service import create_experiment, list_experiments
    from crampcare.storage.models import Experiment

    yesterday = dt.date.today() - dt.timedelta(days=1)
    data = demo_diary(yesterday, seed)
    with local_session(db) as (session, user):
        has_data = bool(episode_records(session, user)) or bool(list_experiments(session, user))
        if has_data and not force:
            raise fail("demo: this database already has a diary; use another --db, or --force to erase it")
        if force:
            delete_all(session, user)
            session.execute(delete(Experiment).where(Experiment.user_id == user.id))
            session.commit()
        import_records(session, user, data.episodes, data.day_logs)
        experiment = create_experiment(
            session,
            user,
            "calf_stretch_before_bed",
            data.experiment_start,
            EXPERIMENT_BLOCK_DAYS,
            EXPERIMENT_PAIRS,
            data.experiment_seed,
            imported=True,  # a made-up past experiment: its seed and start were chosen, not drawn now
        )
        if not list_medications(session, user):
            add_medication(session, user, "amlodipine", yesterday - dt.timedelta(days=400), dose="5 mg daily")
    typer.echo(
        f"demo diary: {len(data.episodes)} cramps over {len({e.night for e in data.episodes})} nights, "
        f"{len(data.day_logs)} day logs, and experiment {experiment.id} (stretching before bed, "
        f"{EXPERIMENT_PAIRS} pairs of {EXPERIMENT_BLOCK_DAYS} nights). Try:\n"
        "  crampcare diary list --from " + (yesterday - dt.timedelta(days=14)).isoformat() + "\n"
        "  crampcare stats\n"
        "  crampcare stats --chart charts/\n"
        "  crampcare experiment analyze\n"
        "  crampcare diary export --format json --output diary.json"
    )
