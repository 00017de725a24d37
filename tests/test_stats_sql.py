"""``crampcare stats`` from SQL aggregates equals the record-based computation, and its cache follows
every write (the diary version), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from crampcare.diary import service
from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.stats.diary_stats import diary_stats
from crampcare.stats.sql_summary import sql_diary_stats
from crampcare.storage import Database, DayLog, Episode, get_or_create_user, open_database
from crampcare.storage.versioning import diary_version

# Offsets a traveller records with, including half-hour zones and one west of UTC.
OFFSETS = (60, 120, -300, 330, 545, -570, 0)
MUSCLES = ("calf", "foot", "thigh_back", "toes")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.dispose()


def random_diary(seed: int, nights: int) -> tuple[list[EpisodeRecord], list[DayLogRecord]]:
    rng = np.random.default_rng(seed)
    first = dt.date(2024, 3, 1)
    episodes: dict[tuple[dt.datetime, str, str], EpisodeRecord] = {}
    logs = []
    for i in range(nights):
        day = first + dt.timedelta(days=i)
        if rng.random() < 0.7:
            logs.append(
                DayLogRecord(
                    day,
                    stretched_before_bed=None if rng.random() < 0.2 else bool(rng.random() < 0.5),
                    fluid_litres=None if rng.random() < 0.3 else float(rng.choice([1.0, 1.5, 2.25])),
                    caffeine_drinks=float(rng.integers(0, 5)),
                    exercise_minutes=None if rng.random() < 0.5 else float(rng.choice([0, 30, 45])),
                )
            )
        for _ in range(int(rng.poisson(0.8))):
            zone = dt.timezone(dt.timedelta(minutes=int(rng.choice(OFFSETS))))
            # Any minute of the day: both sides of midnight and of noon, in the recorded offset.
            local = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=int(rng.integers(0, 24 * 60)))
            record = EpisodeRecord(
                local.replace(tzinfo=zone),
                str(rng.choice(MUSCLES)),
                "left",
                None if rng.random() < 0.2 else int(rng.integers(5, 300)),
                None if rng.random() < 0.2 else int(rng.integers(0, 11)),
            )
            episodes[record.key] = record
    return sorted(episodes.values(), key=lambda r: r.key), logs


def both_ways(
    db: Database, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> tuple[str, str]:
    with db.session() as session:
        user = get_or_create_user(session)
        sql = sql_diary_stats(session, user.id, date_from, date_to)
        records = diary_stats(
            service.episode_records(session, user, date_from, date_to),
            service.day_log_records(session, user, date_from, date_to),
        )
    # json.dumps compares key order too: `crampcare stats --format json` must print the same text.
    return json.dumps(sql), json.dumps(records)


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_summary_equals_the_record_computation(db: Database, seed: int) -> None:
    episodes, logs = random_diary(seed, 240)
    with db.session() as session:
        service.import_records(session, get_or_create_user(session), episodes, logs)
    sql, records = both_ways(db)
    assert sql == records
    summary = json.loads(sql)
    # The comparison must cover the regressions too, not only their "not enough data" branches.
    assert summary["factors"]["factors"] and summary["trend"]["rate_ratio_per_month"] is not None
    sql, records = both_ways(db, dt.date(2024, 5, 3), dt.date(2024, 8, 20))
    assert sql == records


def test_sql_summary_of_an_empty_and_a_logs_only_diary(db: Database) -> None:
    assert both_ways(db)[0] == both_ways(db)[1]
    with db.session() as session:
        service.import_records(session, get_or_create_user(session), (), [DayLogRecord(dt.date(2025, 1, 5))])
    sql, records = both_ways(db)
    assert sql == records and '"nights": 1' in sql


def test_muscle_ties_keep_the_order_of_first_appearance(db: Database) -> None:
    zone = dt.timezone(dt.timedelta(hours=1))
    at = [dt.datetime(2025, 1, d, 2, 0, tzinfo=zone) for d in (2, 3, 4, 5)]
    episodes = [
        EpisodeRecord(at[0], "foot", "left"),
        EpisodeRecord(at[1], "calf", "left"),
        EpisodeRecord(at[2], "calf", "left"),
        EpisodeRecord(at[3], "foot", "left"),
    ]
    with db.session() as session:
        service.import_records(session, get_or_create_user(session), episodes)
        stats = service.diary_summary(session, get_or_create_user(session))
    assert list(stats["by_muscle"].items()) == [("foot", 2), ("calf", 2)]


def test_every_kind_of_write_bumps_the_version_and_refreshes_the_cache(db: Database, tmp_path: Path) -> None:
    zone = dt.timezone(dt.timedelta(hours=1))
    with db.session() as session:
        user = get_or_create_user(session)
        versions = [diary_version(session, user.id)]

        def after(change: str) -> dict[str, object]:
            stats = service.diary_summary(session, user)
            version = diary_version(session, user.id)
            assert version > versions[-1], f"{change} did not bump the diary version"
            versions.append(version)
            return stats

        assert service.diary_summary(session, user)["episodes"] == 0
        episode = service.add_episode(
            session, user, EpisodeRecord(dt.datetime(2025, 1, 2, 2, tzinfo=zone), "calf", "left")
        )
        assert after("add")["episodes"] == 1
        service.edit_episode(session, user, episode.id, {"muscle": "foot"})
        assert after("edit")["by_muscle"] == {"foot": 1}
        service.set_day_log(session, user, {"date": "2025-01-01", "caffeine_drinks": "2"})
        assert after("day log")["days_logged"] == 1
        csv_file = tmp_path / "episodes.csv"
        csv_file.write_text(
            "started_at,muscle,side,severity\n2025-01-03T03:00:00+01:00,calf,right,4\n", encoding="utf-8"
        )
        service.import_file(session, user, csv_file)
        assert after("import")["episodes"] == 2
        unchanged = diary_version(session, user.id)
        service.import_file(session, user, csv_file)
        assert diary_version(session, user.id) == unchanged, (
            "re-importing an unchanged file changed the version"
        )
        service.delete_episode(session, user, episode.id)
        assert after("delete")["episodes"] == 1
        service.delete_day_log(session, user, dt.date(2025, 1, 1))
        assert after("delete day log")["days_logged"] == 0
        service.delete_all(session, user)
        assert after("delete all")["episodes"] == 0
        # The cached copy is the caller's to change.
        service.diary_summary(session, user)["episodes"] = 99
        assert service.diary_summary(session, user)["episodes"] == 0


def test_a_write_through_another_session_is_seen(db: Database) -> None:
    with db.session() as reader, db.session() as writer:
        user = get_or_create_user(reader)
        assert service.diary_summary(reader, user)["episodes"] == 0
        reader.commit()
        writer_user = get_or_create_user(writer)
        writer.add(
            Episode(
                user_id=writer_user.id,
                started_at_utc=dt.datetime(2025, 1, 2, 1),
                utc_offset_min=60,
                night_date=dt.date(2025, 1, 1),
                muscle="calf",
                side="left",
            )
        )
        writer.add(DayLog(user_id=writer_user.id, date=dt.date(2025, 1, 1)))
        writer.commit()
        assert service.diary_summary(reader, user)["episodes"] == 1
        assert reader.scalar(sa.select(sa.func.count()).select_from(DayLog)) == 1


def test_a_rolled_back_write_never_leaves_its_numbers_in_the_cache(db: Database) -> None:
    def episode(user_id: int, hour: int, muscle: str) -> Episode:
        return Episode(
            user_id=user_id,
            started_at_utc=dt.datetime(2025, 1, 2, hour),
            utc_offset_min=60,
            night_date=dt.date(2025, 1, 1),
            muscle=muscle,
            side="left",
        )

    with db.session() as session:
        user = get_or_create_user(session)
        session.add(episode(user.id, 1, "calf"))
        session.flush()  # bumps the version inside the open transaction
        assert service.diary_summary(session, user)["by_muscle"] == {"calf": 1}
        session.rollback()
        # The next write reaches the same version number the rolled-back one had.
        session.add(episode(user.id, 2, "foot"))
        session.commit()
        assert service.diary_summary(session, user)["by_muscle"] == {"foot": 1}
