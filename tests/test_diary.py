"""The diary: night semantics, validation, CSV import/export, service functions (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.diary.csv_io import parse_csv_text
from crampcare.diary.exporters import export_csv, export_json, get_exporter
from crampcare.diary.json_io import parse_json_document
from crampcare.diary.service import (
    DiaryError,
    add_episode,
    day_log_records,
    delete_episode,
    edit_episode,
    episode_from_cells,
    episode_records,
    import_file,
    import_records,
    list_day_logs,
    list_episodes,
    set_day_log,
)
from crampcare.records import RELIEF_CODES, SIDES, DayLogRecord, EpisodeRecord
from crampcare.records.nights import last_night, night_of, tonight
from crampcare.records.values import Today, muscles
from crampcare.storage import Database, DayLog, Episode, get_or_create_user, open_database

TODAY = Today(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))
EPISODE_HEADER = "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes"
DAY_HEADER = "date,stretched_before_bed,fluid_litres,caffeine_drinks,alcohol_units,exercise_minutes,notes"


def zone(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(minutes=round(hours * 60)))


@pytest.fixture
def db(db_url: str) -> Database:
    database = open_database(db_url)
    yield database  # type: ignore[misc]
    database.dispose()


def count(database: Database, model: type) -> int:
    with database.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


# --- nights ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "night"),
    [
        ("2026-11-20T12:00:00+01:00", "2026-11-20"),  # noon opens the night of D
        ("2026-11-20T23:59:59+01:00", "2026-11-20"),
        ("2026-11-21T00:00:00+01:00", "2026-11-20"),
        ("2026-11-21T11:59:59+01:00", "2026-11-20"),  # last second of the night of D
        ("2026-11-21T12:00:00+01:00", "2026-11-21"),
        ("2026-11-20T11:59:59-08:00", "2026-11-19"),
    ],
)
def test_night_boundaries_follow_local_noon(local: str, night: str) -> None:
    assert night_of(dt.datetime.fromisoformat(local)).isoformat() == night


def test_dst_changes_do_not_move_episodes_to_another_night() -> None:
    # Europe/Berlin: clocks go forward on 2026-03-29 at 02:00 and back on 2026-10-25 at 03:00.
    spring = dt.datetime.fromisoformat("2026-03-29T03:30:00+02:00")
    before_back = dt.datetime.fromisoformat("2026-10-25T02:30:00+02:00")
    after_back = dt.datetime.fromisoformat("2026-10-25T02:30:00+01:00")
    assert night_of(spring) == dt.date(2026, 3, 28)
    assert night_of(before_back) == night_of(after_back) == dt.date(2026, 10, 24)
    # Different instants, so they are two episodes, not a duplicate.
    assert EpisodeRecord(before_back, "calf", "left").key != EpisodeRecord(after_back, "calf", "left").key


def test_travel_uses_the_offset_recorded_not_utc() -> None:
    # 13:00 in Tokyo is 04:00 UTC: by UTC it would be the previous night; locally it is the next one.
    tokyo = dt.datetime.fromisoformat("2026-11-20T13:00:00+09:00")
    assert night_of(tokyo) == dt.date(2026, 11, 20)
    assert night_of(tokyo.astimezone(dt.UTC)) == dt.date(2026, 11, 19)
    # 08:00 in New York is 13:00 UTC: locally still the night of the 20th.
    new_york = dt.datetime.fromisoformat("2026-11-21T08:00:00-05:00")
    assert night_of(new_york) == dt.date(2026, 11, 20)
    assert night_of(new_york.astimezone(dt.UTC)) == dt.date(2026, 11, 21)


def test_stored_episodes_keep_their_night_whatever_the_reader_zone(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = ["2026-11-20T13:00:00+09:00", "2026-11-21T08:00:00-05:00", "2026-03-29T03:30:00+02:00"]
    with db.session() as s:
        user = get_or_create_user(s)
        for t in times:
            add_episode(s, user, EpisodeRecord(dt.datetime.fromisoformat(t), "calf", "left"))
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # a reader far from every recorded zone
    with db.session() as s:
        user = get_or_create_user(s)
        stored = {e.started_at.isoformat(): e.night.isoformat() for e in episode_records(s, user)}
        nights = {e.night_date.isoformat() for e in list_episodes(s, user)}
    assert stored == {times[0]: "2026-11-20", times[1]: "2026-11-20", times[2]: "2026-03-28"}
    assert nights == {"2026-11-20", "2026-03-28"}


def test_tonight_before_six_is_still_last_night() -> None:
    # At 05:22 "tonight" is the evening ahead; the night just gone is "last night" until noon.
    assert tonight(dt.datetime(2026, 12, 2, 5, 22)) == dt.date(2026, 12, 2)
    assert last_night(dt.datetime(2026, 12, 2, 5, 22)) == dt.date(2026, 12, 1)
    assert tonight(dt.datetime(2026, 11, 25, 21, 0)) == dt.date(2026, 11, 25)
    assert last_night(dt.datetime(2026, 11, 25, 12, 0)) is None


# --- validation and import ---------------------------------------------------------------------


def test_each_bad_value_is_named_with_file_and_line() -> None:
    text = (
        f"{EPISODE_HEADER}\n"
        "2026-11-20T03:10:00+01:00,90,calf,left,7,true,stretch,fine\n"
        "2026-11-21T03:10:00+01:00,90,calf,left,11,true,,\n"
        "2090-11-20T03:10:00+01:00,90,calf,left,5,,,\n"
        "2026-11-22T03:10:00+01:00,-5,calf,left,5,,,\n"
        "2026-11-23T03:10:00+01:00,90,knee,left,5,,,\n"
        "2026-11-23T03:10:00,90,calf,sideways,5,maybe,yoga,\n"
    )
    parsed = parse_csv_text(io.StringIO(text), "f.csv", TODAY)
    assert parsed.problems[0] == "f.csv:3: severity: must be from 0 to 10, not 11"
    assert parsed.problems[1] == "f.csv:4: started_at: 2090-11-20 is in the future"
    assert parsed.problems[2] == "f.csv:5: duration_s: must be from 0 to 86400 seconds, not -5"
    assert parsed.problems[3].startswith("f.csv:6: muscle: unknown muscle 'knee'")
    line7 = [p for p in parsed.problems if p.startswith("f.csv:7:")]
    assert [p.split(": ")[1] for p in line7] == ["started_at", "side", "woke_from_sleep", "relieved_by"]
    assert len(parsed.episodes) == 1


def test_line_numbers_count_physical_lines_of_multiline_notes() -> None:
    text = (
        f'{EPISODE_HEADER}\n2026-11-20T03:10:00+01:00,90,calf,left,7,,,"two\nlines"\n'
        "\n2026-11-21T03:10:00+01:00,,calf,up,,,,\n"
    )
    parsed = parse_csv_text(io.StringIO(text), "f.csv", TODAY)
    assert parsed.problems == ["f.csv:5: side: unknown side 'up'; one of both, left, right"]
    assert parsed.episodes[0].notes == "two\nlines"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "f.csv:1: header: the file is empty"),
        ("when,what\n", "f.csv:1: header: expected an episode header"),
        # A misspelt known column is refused (it would silently drop data); other extra columns
        # are ignored and listed (issue 14: tests/test_diary_import_shapes.py).
        (
            f"{EPISODE_HEADER},sevrity\n",
            "f.csv:1: header: unknown column 'sevrity'; did you mean 'severity'?",
        ),
        ("started_at,side\n", "f.csv:1: header: missing column 'muscle'"),
        (f"{DAY_HEADER}\n2026-11-20,yes,1,2,3,4,\n", "f.csv:2: stretched_before_bed: must be true or false"),
        (f"{DAY_HEADER}\n2026-11-20,,-1,,,,\n", "f.csv:2: fluid_litres: must be a number from 0 to 20"),
        (f"{DAY_HEADER}\n2026-11-20,,nan,,,,\n", "f.csv:2: fluid_litres: must be a number"),
        (f"{DAY_HEADER}\n2026-02-30,,,,,,\n", "f.csv:2: date: '2026-02-30' is not a date"),
        (f"{DAY_HEADER}\n2026-11-20,,,,\n", "f.csv:2: row: has 5 cells, the header has 7"),
    ],
)
def test_header_and_day_log_problems(text: str, problem: str) -> None:
    parsed = parse_csv_text(io.StringIO(text), "f.csv", TODAY)
    assert parsed.problems and parsed.problems[0].startswith(problem)


def test_a_bad_row_imports_nothing(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "eps.csv"
    path.write_text(
        f"{EPISODE_HEADER}\n2026-11-20T03:10:00+01:00,90,calf,left,7,,,\n2026-11-21T03:10:00+01:00,90,calf,left,11,,,\n"
    )
    with db.session() as s:
        user = get_or_create_user(s)
        with pytest.raises(DiaryError) as err:
            import_file(s, user, path, TODAY)
    assert err.value.problems == [f"{path}:3: severity: must be from 0 to 10, not 11"]
    assert count(db, Episode) == 0


def test_reimport_is_idempotent_and_a_second_day_row_replaces_the_first(db: Database, tmp_path: Path) -> None:
    eps = tmp_path / "eps.csv"
    eps.write_text(
        f"{EPISODE_HEADER}\n2026-11-20T03:10:00+01:00,90,calf,left,7,,,\n2026-11-20T03:10:00+01:00,90,calf,right,5,,,\n"
    )
    days = tmp_path / "days.csv"
    days.write_text(
        f"{DAY_HEADER}\n2026-11-20,true,1.5,3,,,first\n2026-11-21,,,,,,\n2026-11-20,false,,1,,,second\n"
    )
    with db.session() as s:
        user = get_or_create_user(s)
        first = import_file(s, user, eps, TODAY)
        again = import_file(s, user, eps, TODAY)
        import_file(s, user, days, TODAY)
        import_file(s, user, days, TODAY)
        logs = {d.date.isoformat(): d for d in day_log_records(s, user)}
    assert (first.inserted, first.updated, again.inserted, again.updated) == (2, 0, 0, 2)
    assert count(db, Episode) == 2
    assert count(db, DayLog) == 2
    replaced = logs["2026-11-20"]
    assert (replaced.stretched_before_bed, replaced.fluid_litres, replaced.caffeine_drinks) == (
        False,
        None,
        1.0,
    )
    assert replaced.notes == "second"


def test_the_same_instant_in_another_offset_is_the_same_episode(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "eps.csv"
    path.write_text(f"{EPISODE_HEADER}\n2026-11-20T03:10:00+01:00,90,calf,left,7,,,\n")
    other = tmp_path / "other.csv"
    other.write_text(f"{EPISODE_HEADER}\n2026-11-20T02:10:00Z,60,calf,left,6,,,\n")
    with db.session() as s:
        user = get_or_create_user(s)
        import_file(s, user, path, TODAY)
        result = import_file(s, user, other, TODAY)
        assert result.updated == 1
        assert [e.severity for e in episode_records(s, user)] == [6]


def test_missing_day_values_stay_missing_not_zero(db: Database) -> None:
    with db.session() as s:
        user = get_or_create_user(s)
        set_day_log(s, user, {"date": "2026-11-20", "caffeine_drinks": "2"}, today=TODAY)
        set_day_log(s, user, {"date": "2026-11-20", "alcohol_units": "0"}, today=TODAY)  # merges
        (log,) = list_day_logs(s, user)
        assert (log.caffeine_drinks, log.alcohol_units, log.fluid_litres) == (2.0, 0.0, None)
        set_day_log(s, user, {"date": "2026-11-20", "fluid_litres": "1"}, merge=False, today=TODAY)
        (log,) = list_day_logs(s, user)
        assert (log.caffeine_drinks, log.fluid_litres) == (None, 1.0)


def test_edit_and_delete(db: Database) -> None:
    with db.session() as s:
        user = get_or_create_user(s)
        ep = add_episode(
            s,
            user,
            episode_from_cells(
                {"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "left"}, TODAY
            ),
        )
        edited = edit_episode(
            s, user, ep.id, {"severity": "4", "started_at": "2026-11-20T13:10:00+01:00"}, TODAY
        )
        assert (edited.severity, edited.night_date) == (4, dt.date(2026, 11, 20))
        with pytest.raises(DiaryError, match="severity: must be from 0 to 10"):
            edit_episode(s, user, ep.id, {"severity": "11"}, TODAY)
        with pytest.raises(DiaryError, match="already starts then"):
            add_episode(s, user, episode_records(s, user)[0])
        delete_episode(s, user, ep.id)
        with pytest.raises(DiaryError, match="id: no episode"):
            delete_episode(s, user, ep.id)
    assert count(db, Episode) == 0


def test_users_do_not_see_each_others_diary(db: Database) -> None:
    record = EpisodeRecord(dt.datetime(2026, 11, 20, 3, tzinfo=zone(1)), "calf", "left")
    with db.session() as s:
        alice, bob = get_or_create_user(s, "alice"), get_or_create_user(s, "bob")
        ep = add_episode(s, alice, record)
        assert episode_records(s, bob) == []
        with pytest.raises(DiaryError):
            delete_episode(s, bob, ep.id)


def test_fhir_exporter_hook_is_optional() -> None:
    assert get_exporter("csv") is export_csv and get_exporter("json") is export_json
    assert get_exporter("nonsense") is None


# --- export -> import round trip ---------------------------------------------------------------

_offsets = st.integers(min_value=-14 * 4, max_value=14 * 4).map(lambda q: zone(q / 4))
_instants = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2026, 11, 1))
_notes = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), max_size=20
) | st.sampled_from(["", "with, comma", 'a "quote"', "two\nlines", " padded "])
_episodes = st.builds(
    EpisodeRecord,
    started_at=st.builds(lambda t, z: t.replace(tzinfo=dt.UTC).astimezone(z), _instants, _offsets),
    muscle=st.sampled_from(sorted(muscles())),
    side=st.sampled_from(SIDES),
    duration_s=st.none() | st.integers(0, 86400),
    severity=st.none() | st.integers(0, 10),
    woke_from_sleep=st.none() | st.booleans(),
    relieved_by=st.lists(st.sampled_from(RELIEF_CODES), max_size=3).map(tuple),
    notes=_notes,
)


def _amount(high: float) -> st.SearchStrategy[float | None]:
    return (
        st.none()
        | st.floats(min_value=0, max_value=high, allow_nan=False)
        | st.integers(0, int(high)).map(float)
    )


_day_logs = st.builds(
    DayLogRecord,
    date=st.dates(dt.date(1990, 1, 1), dt.date(2026, 11, 1)),
    stretched_before_bed=st.none() | st.booleans(),
    fluid_litres=_amount(20),
    caffeine_drinks=_amount(50),
    alcohol_units=_amount(100),
    exercise_minutes=_amount(1440),
    notes=_notes,
)


def _unique(episodes: list[EpisodeRecord]) -> list[EpisodeRecord]:
    by_key = {e.key: e for e in episodes}
    return sorted(by_key.values(), key=lambda e: (e.key[0], e.muscle, e.side))


def _sorted(records: list[EpisodeRecord]) -> list[EpisodeRecord]:
    return sorted(records, key=lambda e: (e.key[0], e.muscle, e.side))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    episodes=st.lists(_episodes, max_size=12),
    day_logs=st.lists(_day_logs, max_size=6, unique_by=lambda d: d.date),
)
def test_export_then_import_reproduces_the_diary(
    db: Database, episodes: list[EpisodeRecord], day_logs: list[DayLogRecord]
) -> None:
    episodes = _unique(episodes)
    with db.session() as s:
        original = get_or_create_user(s, f"orig-{uuid.uuid4().hex}")
        import_records(s, original, episodes, day_logs)
        eps_csv = export_csv(s, original, "episodes")
        days_csv = export_csv(s, original, "day_logs")
        document = json.loads(export_json(s, original))
        via_csv = get_or_create_user(s, f"csv-{original.name}")
        parsed_e = parse_csv_text(io.StringIO(eps_csv), "e.csv", TODAY)
        parsed_d = parse_csv_text(io.StringIO(days_csv), "d.csv", TODAY)
        assert parsed_e.problems == parsed_d.problems == []
        import_records(s, via_csv, parsed_e.episodes, parsed_d.day_logs)
        via_json = get_or_create_user(s, f"json-{original.name}")
        parsed_j = parse_json_document(document, "x.json", TODAY)
        assert parsed_j.problems == []
        import_records(s, via_json, parsed_j.episodes, parsed_j.day_logs)
        expected_days = sorted(day_logs, key=lambda d: d.date)
        for user in (original, via_csv, via_json):
            stored = _sorted(episode_records(s, user))
            assert stored == episodes
            # aware datetimes compare equal across offsets: check the recorded offsets survive too
            assert [e.started_at.isoformat() for e in stored] == [e.started_at.isoformat() for e in episodes]
            assert day_log_records(s, user) == expected_days
        # and exporting the copy gives the very same text
        assert export_csv(s, via_csv, "episodes") == eps_csv
        assert export_csv(s, via_json, "day_logs") == days_csv


# --- the column-wise fast lane accepts exactly what the row-by-row path accepts -------------------

_GOOD = "2026-11-20T03:10:00+01:00,90,calf,left,7,true,stretch;walk,note"


_CASES = [
    (
        [
            _GOOD,
            "2026-11-21T03:10:00Z,,foot,both,,,,",
            '2026-11-22T23:59:59-09:30,0,toes,right,0,false,,"x, y"',
        ],
        "fast",
    ),
    ([_GOOD, "2026-11-20T03:10:00+01:00,60,calf,left,5,,,dup key: last wins"], "fast"),
    ([_GOOD, "2026-11-21T03:10:00+01:00,90, calf ,left,7,,,"], "rows"),  # spaces: the fast lane declines
    ([_GOOD, "", "2026-11-21T03:10:00+01:00,90,calf,left,7,,,"], "rows"),  # a blank line
    ([_GOOD, "2090-11-21T03:10:00+01:00,90,calf,left,7,,,"], "bad"),
    ([_GOOD, "2026-11-21T03:10:00+01:00,90,calf,left,11,,,"], "bad"),
    ([_GOOD, "2026-11-21T03:10:00,90,calf,left,7,,,"], "bad"),
    ([_GOOD, "2026-11-21T03:10:00+01:00,-5,knee,left,7,,,"], "bad"),
    ([_GOOD, "2026-11-21T03:10:00+15:00,90,calf,left,7,,,"], "bad"),
    ([_GOOD, "1899-12-31T03:10:00+01:00,90,calf,left,7,,,"], "bad"),
    ([_GOOD, "2026-11-21T03:10:00+01:00,90,calf,left,7,maybe,,"], "bad"),
]


@pytest.mark.parametrize(("body", "lane"), _CASES)
def test_fast_lane_agrees_with_the_row_path(tmp_path: Path, body: list[str], lane: str) -> None:
    from crampcare.diary.csv_io import parse_csv_file
    from crampcare.diary.fast_import import episode_storage_rows
    from crampcare.diary.service import _episode_row

    path = tmp_path / "e.csv"
    path.write_text(EPISODE_HEADER + "\n" + "\n".join(body) + "\n")
    slow = parse_csv_file(path, TODAY)
    fast = episode_storage_rows(path, TODAY, user_id=7)
    assert bool(slow.problems) == (lane == "bad")
    assert (fast is not None) == (lane == "fast")
    if fast is not None:
        assert fast == [_episode_row(7, r) for r in slow.episodes]


def test_fast_lane_is_used_for_a_clean_file_and_reimport_is_idempotent(db: Database, tmp_path: Path) -> None:
    from crampcare.diary.fast_import import episode_storage_rows

    path = tmp_path / "e.csv"
    lines = [
        f"2026-0{1 + i // 28}-{1 + i % 28:02d}T03:10:00+01:00,90,calf,left,{i % 11},true,,"
        for i in range(200)
    ]
    path.write_text(EPISODE_HEADER + "\n" + "\n".join(lines) + "\n")
    assert episode_storage_rows(path, TODAY, 1) is not None
    with db.session() as s:
        user = get_or_create_user(s)
        first = import_file(s, user, path, TODAY)
        again = import_file(s, user, path, TODAY)
        records = episode_records(s, user)
    assert (first.inserted, again.inserted, again.updated) == (200, 0, 200)
    assert len(records) == 200 and records[0].started_at.isoformat() == "2026-01-01T03:10:00+01:00"
    assert records[10].night == dt.date(2026, 1, 10) and records[10].severity == 10
