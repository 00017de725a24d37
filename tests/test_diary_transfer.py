"""Everything in, everything out: the JSON export restores medicines and experiments too, all or
nothing and idempotently; CSV and JSON exports are streamed in bounded memory with the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.diary.csv_io import write_day_logs_csv, write_episodes_csv
from crampcare.diary.exporters import export_csv, export_json, stream_csv, stream_json
from crampcare.diary.json_io import diary_document
from crampcare.diary.service import (
    DiaryError,
    add_medication,
    day_log_records,
    episode_records,
    import_file,
    import_records,
    list_medications,
)
from crampcare.experiments.service import create_experiment, experiment_plan, list_experiments
from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.storage import Database, Episode, Experiment, get_or_create_user, open_database
from crampcare.storage.models import Medication, User

TODAY = dt.date(2026, 11, 30)
MSK = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def db(db_url: str) -> Any:
    database = open_database(db_url)
    yield database
    database.dispose()


def _fill(s: Any, user: Any) -> None:
    """A small diary with every kind of record and awkward text."""
    episodes = [
        EpisodeRecord(dt.datetime(2026, 10, 1, 3, 10, tzinfo=MSK), "calf", "left", 90, 7, True, ("stretch",)),
        EpisodeRecord(
            dt.datetime(2026, 10, 2, 2, 0, tzinfo=dt.UTC), "foot", "both", None, None, None, (), "=SUM(A1)"
        ),
        EpisodeRecord(
            dt.datetime(2026, 10, 3, 4, 0, tzinfo=MSK), "calf", "right", notes='судорога "ночью"\nдва'
        ),
    ]
    days = [DayLogRecord(dt.date(2026, 10, 1), True, 1.5, 2.0, None, 30.0, "чай, кофе")]
    import_records(s, user, episodes, days)
    add_medication(s, user, "Фуросемид 40 мг", dt.date(2025, 3, 1), dose="40 мг утром", notes="-от отёков")
    add_medication(s, user, "atorvastatin", dt.date(2024, 1, 1), dt.date(2026, 9, 1))
    create_experiment(
        s, user, "calf_stretch_before_bed", dt.date(2026, 10, 5), 3, 2, seed=11, imported=True, today=TODAY
    )


def _old_json(s: Any, user: Any) -> str:
    """The export as it was written before streaming: the whole document, then json.dumps."""
    medications = [
        {
            "name": m.name,
            "dose": m.dose,
            "started_on": m.started_on.isoformat(),
            "stopped_on": m.stopped_on.isoformat() if m.stopped_on else None,
            "notes": m.notes,
        }
        for m in list_medications(s, user)
    ]
    experiments = [experiment_plan(e) for e in list_experiments(s, user)]
    document = diary_document(episode_records(s, user), day_log_records(s, user), medications, experiments)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _old_csv(s: Any, user: Any, what: str) -> str:
    out = io.StringIO()
    if what == "day_logs":
        write_day_logs_csv(day_log_records(s, user), out)
    else:
        write_episodes_csv(episode_records(s, user), out)
    return out.getvalue()


def _without_ids(document: dict[str, Any]) -> dict[str, Any]:
    for plan in document["experiments"]:
        plan.pop("id")
        plan.pop("created_at")
    return document


def test_streamed_exports_are_the_same_bytes(db: Database) -> None:
    with db.session() as s:
        empty = get_or_create_user(s, "empty")
        assert export_json(s, empty) == _old_json(s, empty)
        assert json.loads(export_json(s, empty))["episodes"] == []
        for what in ("episodes", "day_logs"):
            assert export_csv(s, empty, what) == _old_csv(s, empty, what)
        user = get_or_create_user(s, "full")
        _fill(s, user)
        assert export_json(s, user) == _old_json(s, user)
        assert "".join(stream_json(s, user)) == _old_json(s, user)
        for what in ("episodes", "day_logs"):
            assert "".join(stream_csv(s, user, what)) == _old_csv(s, user, what)
        assert "'=SUM(A1)" in export_csv(s, user)  # formula cells stay neutralised
        assert "'-от отёков" not in export_csv(s, user)  # (medicines are not in the CSV)


def test_json_export_restores_everything_and_twice_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "diary.json"
    with db.session() as s:
        original = get_or_create_user(s, "original")
        _fill(s, original)
        exported = export_json(s, original)
        path.write_text(exported, encoding="utf-8")
        copy = get_or_create_user(s, "copy")
        first = import_file(s, copy, path)
        assert first.inserted == 3 + 1 + 2 + 1 and first.updated == 0
        again = export_json(s, copy)
        assert _without_ids(json.loads(again)) == _without_ids(json.loads(exported))
        second = import_file(s, copy, path)
        assert second.inserted == 0
        assert export_json(s, copy) == again  # ids and created_at too: nothing was touched
        counts = [
            s.scalar(sa.select(sa.func.count()).select_from(m).where(m.user_id == copy.id))
            for m in (Episode, Medication, Experiment)
        ]
        assert counts == [3, 2, 1]


def test_a_drawn_experiment_comes_back_labelled_imported(db: Database, tmp_path: Path) -> None:
    # Safety: a file can be edited after the nights were seen, so nothing read from a file may pass
    # for a schedule drawn by the program before the outcomes existed.
    path = tmp_path / "diary.json"
    with db.session() as s:
        original = get_or_create_user(s, "original")
        drawn = create_experiment(s, original, "reduce_caffeine", TODAY, 7, 2, today=TODAY)
        assert drawn.imported is False
        path.write_text(export_json(s, original), encoding="utf-8")
        copy = get_or_create_user(s, "copy")
        import_file(s, copy, path)
        (restored,) = list_experiments(s, copy)
        assert restored.imported is True
        assert [(n.date, n.on) for n in restored.nights] == [(n.date, n.on) for n in drawn.nights]
        assert restored.schedule_sha256 == drawn.schedule_sha256


def _document(**changes: Any) -> dict[str, Any]:
    start = dt.date(2026, 10, 5)
    # A schedule the seed does not draw (the program draws first_block_on from seed 11): every
    # pair 'off' first. Still a valid paired design.
    nights = [{"date": (start + dt.timedelta(days=d)).isoformat(), "on": (d // 2) % 2 == 1} for d in range(8)]
    plan = {
        "intervention": "calf_stretch_before_bed",
        "start": start.isoformat(),
        "block_days": 2,
        "pairs": 2,
        "seed": 11,
        "washout_days": 0,
        "schedule": nights,
    }
    plan.update(changes)
    return {
        "format": "crampcare-diary",
        "version": 1,
        "episodes": [{"started_at": "2026-10-06T03:00:00+03:00", "muscle": "calf", "side": "left"}],
        "day_logs": [],
        "medications": [{"name": "Аспаркам", "started_on": "01.09.2026"}],
        "experiments": [plan],
    }


def test_a_schedule_the_seed_does_not_draw_is_kept_as_given(db: Database, tmp_path: Path) -> None:
    from crampcare.stats.schedule import make_schedule

    document = _document()
    drawn = [n.on for n in make_schedule(dt.date(2026, 10, 5), 2, 2, 11)]
    given = [n["on"] for n in document["experiments"][0]["schedule"]]
    path = tmp_path / "given.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with db.session() as s:
        user = get_or_create_user(s)
        import_file(s, user, path)
        (experiment,) = list_experiments(s, user)
        assert [n.on for n in experiment.nights] == given
        if drawn != given:
            assert [n.pair_index for n in experiment.nights] == [0, 0, 0, 0, 1, 1, 1, 1]
            assert [n.block_index for n in experiment.nights] == [0, 0, 1, 1, 2, 2, 3, 3]
        (med,) = list_medications(s, user)
        assert med.started_on == dt.date(2026, 9, 1)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"intervention": "quinine"}, "intervention: 'quinine' is not recommended"),
        ({"pairs": 0}, "pairs: must be from 1"),
        ({"start": "9999-12-30"}, "start: must be from 1900-01-01 to 2100-12-31"),
        ({"on": "true", "schedule": [{"date": "2026-10-05", "on": "yes"}]}, "night: must be an object"),
        ({"seed": "eleven"}, "seed: must be a whole number"),
        ({"schedule": [{"date": "2026-10-05", "on": True}]}, "schedule: must list each of the 8 nights"),
        (
            {"schedule": [{"date": f"2026-10-{5 + d:02d}", "on": d % 2 == 0} for d in range(8)]},
            "schedule: every block of nights must be all on or all off",
        ),
        (
            {"schedule": [{"date": f"2026-10-{5 + d:02d}", "on": d < 4} for d in range(8)]},
            "schedule: each pair of blocks must have one block on and one off",
        ),
    ],
)
def test_a_bad_experiment_imports_nothing_at_all(
    db: Database, tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_document(**changes)), encoding="utf-8")
    with db.session() as s:
        user = get_or_create_user(s)
        with pytest.raises(DiaryError) as refused:
            import_file(s, user, path)
        assert any(f"{path}:experiments[0]" in p and problem in p for p in refused.value.problems), (
            refused.value.problems
        )
        s.rollback()
        assert episode_records(s, user) == [] and list_medications(s, user) == []
        assert list_experiments(s, user) == []


def test_a_bad_medicine_names_its_place(db: Database, tmp_path: Path) -> None:
    document = _document()
    document["medications"] = [{"name": "", "started_on": "2026-13-01", "stopped_on": None}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with db.session() as s:
        user = get_or_create_user(s)
        with pytest.raises(DiaryError) as refused:
            import_file(s, user, path)
        assert f"{path}:medications[0]: name: missing" in refused.value.problems
        assert any(p.startswith(f"{path}:medications[0]: started_on: ") for p in refused.value.problems)
        s.rollback()
        assert episode_records(s, user) == []


N_LARGE = 20_000


@pytest.mark.slow  # 20,000 episodes imported and streamed
def test_streaming_20000_episodes_keeps_memory_small(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'large.sqlite'}")
    start = dt.datetime(2020, 1, 1, 2, 0, tzinfo=dt.UTC)
    episodes = [
        EpisodeRecord(
            start + dt.timedelta(hours=3 * i), "calf", "left", 60, i % 11, True, ("stretch",), f"n{i}"
        )
        for i in range(N_LARGE)
    ]
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            import_records(s, user, episodes)
            del episodes
            expected = _old_csv(s, user, "episodes")
            expected_json = _old_json(s, user)
            s.expire_all()
            sizes = []
            for stream in (lambda: stream_csv(s, user), lambda: stream_json(s, user)):
                out = tmp_path / "out.txt"
                tracemalloc.start()
                base = tracemalloc.get_traced_memory()[0]
                with out.open("w", encoding="utf-8", newline="") as fh:
                    for chunk in stream():
                        fh.write(chunk)
                peak = tracemalloc.get_traced_memory()[1] - base
                tracemalloc.stop()
                sizes.append((peak, out.stat().st_size))
                text = out.read_text(encoding="utf-8")
                assert text == (expected if len(sizes) == 1 else expected_json)
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            _old_json(s, user)
            whole = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
    finally:
        db.dispose()
    for peak, size in sizes:
        # a few batches of rows and one text chunk, whatever the length of the diary
        assert peak < 1_000_000, (peak, size)
    assert whole > 5 * max(peak for peak, _ in sizes)  # the measurement can tell the difference


@pytest.fixture
def web_app(db_url: str) -> Any:
    from crampcare.web.app import create_app

    application = create_app(db_url, secure_cookies=False)
    yield application
    application.state.db.dispose()
    application.state.read_db.dispose()


def test_web_downloads_stream_the_same_bytes_and_restore_everything(web_app: Any) -> None:
    from tests.web_support import sign_up_owner

    any_app = web_app
    anna = sign_up_owner(any_app)
    with any_app.state.db.session() as s:
        user = s.scalars(sa.select(User).where(User.name == "anna")).one()
        _fill(s, user)
        expected = {"json": _old_json(s, user), "csv": _old_csv(s, user, "episodes")}
        days = _old_csv(s, user, "day_logs")
    for fmt, text in expected.items():
        r = anna.get(f"/diary/export?format={fmt}")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
        assert r.content == text.encode("utf-8")
    assert anna.get("/diary/export?format=csv&what=day_logs").content == days.encode("utf-8")
    # the JSON download re-imported: everything matched, nothing new, nothing changed
    files = {"file": ("diary.json", expected["json"].encode(), "application/json")}
    r = anna.client.post("/diary/import", data={"csrf": anna.token()}, files=files)
    assert r.status_code == 200, r.text
    assert anna.get("/diary/export?format=json").content == expected["json"].encode("utf-8")
