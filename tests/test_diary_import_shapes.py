"""``diary import`` of the CSV files people really have (issue 14): spreadsheet exports in
Windows-1251 with ``;`` and decimal commas, Excel serial dates, a BOM and reordered columns,
Russian names and values, times without an offset read in the person's zone.

Every file is written here, byte by byte, the way the spreadsheet would save it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from crampcare.cli import app
from crampcare.diary.service import (
    DiaryError,
    day_log_records,
    episode_records,
    import_file,
    read_import_file,
)
from crampcare.records.values import Today
from crampcare.storage import Episode, get_or_create_user, open_database

TODAY = Today(dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC))
MOSCOW = ZoneInfo("Europe/Moscow")
runner = CliRunner()

# What Russian Excel saves with "CSV (разделители - точки с запятой)": Windows-1251, ';', CRLF,
# day-first dates without an offset, decimal commas, Russian names and values, an extra column.
RUSSIAN_EPISODES = (
    "Дата и время;Мышца;Сторона;Сила;Длительность (с);Разбудила;Что помогло;Заметки;Пульс\r\n"
    '30.11.2026 03:10;Икра;левая;7;90;да;растяжка, ходьба;"после прогулки; устал";72\r\n'
    "29.11.2026 2:45;стопа;обе;5,0;45;нет;;;70\r\n"
)
RUSSIAN_DAYS = (
    "Дата;Растяжка перед сном;Вода (л);Кофе;Алкоголь;Нагрузка (мин);Примечание;Вес\r\n"
    "29.11.2026;да;1,5;2;0;30;гости;81,4\r\n"
    "30.11.2026;нет;2,25;;;;;81,2\r\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def count(db_url: str) -> int:
    db = open_database(db_url)
    try:
        with db.session() as s:
            return int(s.scalar(sa.select(sa.func.count()).select_from(Episode)) or 0)
    finally:
        db.dispose()


def stored(db_url: str) -> list[tuple[str, str, str, int | None, int | None, bool | None, str, str]]:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            return [
                (
                    e.started_at.isoformat(),
                    e.muscle,
                    e.side,
                    e.severity,
                    e.duration_s,
                    e.woke_from_sleep,
                    ";".join(e.relieved_by),
                    e.notes,
                )
                for e in sorted(episode_records(s, user))
            ]
    finally:
        db.dispose()


def test_russian_excel_export_checks_then_imports_once(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path / "дневник.csv", RUSSIAN_EPISODES, "cp1251")
    code, out, err = run("diary", "import", str(path), "--db", db_url, "--tz", "Europe/Moscow", "--check")
    assert (code, err) == (0, "")
    assert count(db_url) == 0  # --check writes nothing
    assert "2 rows of episodes; 2 would be imported" in out
    assert "read as Windows-1251, semicolon-separated; times without an offset read in Europe/Moscow" in out
    assert "column 'Дата и время' -> started_at" in out
    assert "ignored columns: 'Пульс'" in out
    assert "started_at='2026-11-30T03:10:00+03:00'" in out and "muscle='calf'" in out

    code, out, err = run("diary", "import", str(path), "--db", db_url, "--tz", "Europe/Moscow")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"imported 2 episodes from {path}: 2 new, 0 updated"
    assert "Windows-1251" in out and "Europe/Moscow" in out and "'Пульс'" in out
    assert stored(db_url) == [
        ("2026-11-29T02:45:00+03:00", "foot", "both", 5, 45, False, "", ""),
        ("2026-11-30T03:10:00+03:00", "calf", "left", 7, 90, True, "stretch;walk", "после прогулки; устал"),
    ]
    # Idempotent: the same file again adds nothing.
    code, out, _ = run("diary", "import", str(path), "--db", db_url, "--tz", "Europe/Moscow")
    assert (code, out.splitlines()[0]) == (0, f"imported 2 episodes from {path}: 0 new, 2 updated")
    assert count(db_url) == 2


def test_the_zone_comes_from_crampcare_tz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "e.csv", RUSSIAN_EPISODES, "cp1251")
    monkeypatch.setenv("CRAMPCARE_TZ", "Asia/Yekaterinburg")
    db_url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    code, out, err = run("diary", "import", str(path), "--db", db_url)
    assert (code, err) == (0, "")
    assert "Asia/Yekaterinburg" in out
    assert stored(db_url)[1][0] == "2026-11-30T03:10:00+05:00"


def test_russian_day_log_export_with_decimal_commas(tmp_path: Path) -> None:
    path = write(tmp_path / "days.csv", RUSSIAN_DAYS, "cp1251")
    db = open_database(f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            result = import_file(s, user, path, TODAY)
            logs = list(day_log_records(s, user))
    finally:
        db.dispose()
    assert (result.kind, result.inserted, result.encoding, result.delimiter) == (
        "day_logs",
        2,
        "Windows-1251",
        ";",
    )
    assert result.extras == ("Вес",)
    first, second = sorted(logs)
    assert (first.date, first.stretched_before_bed, first.fluid_litres, first.caffeine_drinks) == (
        dt.date(2026, 11, 29),
        True,
        1.5,
        2.0,
    )
    assert (first.alcohol_units, first.exercise_minutes, first.notes) == (0.0, 30.0, "гости")
    assert (second.date, second.stretched_before_bed, second.fluid_litres, second.caffeine_drinks) == (
        dt.date(2026, 11, 30),
        False,
        2.25,
        None,  # an empty cell is "not recorded", not zero
    )


def test_english_excel_export_with_serial_dates(tmp_path: Path) -> None:
    # 46356 is 30 Nov 2026 in Excel's count; .13 of a day is 03:07:12; 46355.5 is noon on the 29th.
    eps = write(
        tmp_path / "eps.csv",
        "Start,Muscle,Side,Severity,Duration,Notes,Weather\r\n"
        "46356.13,Calf,Right,6,120,,cold\r\n"
        "46355.5,hamstrings,L,3,30.0,after gym,mild\r\n",
    )
    days = write(tmp_path / "days.csv", "Date,Water (l),Coffee,Exercise\r\n46356,2.5,1,45\r\n")
    parsed = read_import_file(eps, TODAY, zone=ZoneInfo("Europe/London"))
    assert parsed.problems == []
    assert parsed.extras == ["Weather"]
    assert [(e.started_at.isoformat(), e.muscle, e.side, e.duration_s) for e in parsed.episodes] == [
        ("2026-11-30T03:07:12+00:00", "calf", "right", 120),
        ("2026-11-29T12:00:00+00:00", "thigh_back", "left", 30),
    ]
    logs = read_import_file(days, TODAY).day_logs
    assert [(d.date, d.fluid_litres, d.caffeine_drinks, d.exercise_minutes) for d in logs] == [
        (dt.date(2026, 11, 30), 2.5, 1.0, 45.0)
    ]


def test_separate_date_and_time_columns_make_the_start(tmp_path: Path) -> None:
    eps = write(
        tmp_path / "e.csv",
        "Дата;Время;Мышца;Сторона;Тяжесть\r\n30.11.2026;3:10;пальцы;правая;4\r\n",
        "cp1251",
    )
    days = write(tmp_path / "d.csv", "Дата;Жидкость\r\n30.11.2026 0:00;1,75\r\n", "cp1251")
    parsed = read_import_file(eps, TODAY, zone=MOSCOW)
    assert parsed.problems == []
    first = parsed.episodes[0]
    assert (first.started_at, first.muscle, first.side, first.duration_s) == (
        dt.datetime(2026, 11, 30, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        "toes",
        "right",
        None,
    )
    assert parsed.episodes[0].severity == 4
    logs = read_import_file(days, TODAY).day_logs
    assert [(d.date, d.fluid_litres) for d in logs] == [(dt.date(2026, 11, 30), 1.75)]


def test_utf8_bom_with_reordered_columns_stores_what_the_canonical_file_stores(tmp_path: Path) -> None:
    canonical = write(
        tmp_path / "canonical.csv",
        "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n"
        "2026-11-20T03:10:00+01:00,90,calf,left,7,true,stretch,ok\n",
    )
    reordered = write(
        tmp_path / "bom.csv",
        "\ufeffnotes,side,SEVERITY,Muscle,started_at,woke_from_sleep,relieved_by,duration_s\n"
        "ok,left,7,calf,2026-11-20T03:10:00+01:00,true,stretch,90\n",
    )
    russian_tab = write(
        tmp_path / "tab.csv",
        "\ufeffЗаметки\tСторона\tСила\tМышца\tНачало\tРазбудила\tЧто помогло\tДлительность\n"
        "ok\tлевая\t7\tикры\t2026-11-20T03:10:00+01:00\tДа\tрастяжка\t90\n",
    )
    results = {}
    for path in (canonical, reordered, russian_tab):
        db = open_database(f"sqlite:///{tmp_path / (path.stem + '.sqlite')}")
        try:
            with db.session() as s:
                user = get_or_create_user(s)
                result = import_file(s, user, path, TODAY)
                results[path.stem] = (result, list(episode_records(s, user)))
        finally:
            db.dispose()
    assert results["bom"][1] == results["canonical"][1] == results["tab"][1]
    assert results["bom"][0].encoding == "UTF-8 with BOM"
    assert (results["tab"][0].encoding, results["tab"][0].delimiter) == ("UTF-8 with BOM", "\t")


def test_a_canonical_file_prints_exactly_the_line_it_printed_before(tmp_path: Path) -> None:
    path = write(
        tmp_path / "eps.csv",
        "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes\n"
        "2026-11-20T03:10:00+01:00,90,calf,left,7,true,,ok\n",
    )
    code, out, err = run("diary", "import", str(path), "--db", f"sqlite:///{tmp_path / 'd.sqlite'}")
    assert (code, out, err) == (0, f"imported 1 episodes from {path}: 1 new, 0 updated\n", "")


def test_daylight_saving_is_handled_by_the_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path / "e.csv",
        "started_at,muscle,side\n"
        "2026-07-10 03:10,calf,left\n"  # summer time
        "2026-11-10T03:10,calf,left\n"  # winter time
        "25.10.2026 02:30,calf,left\n",  # happened twice: read as the first (summer) one
    )
    parsed = read_import_file(path, TODAY, zone=ZoneInfo("Europe/Berlin"))
    assert parsed.problems == []
    assert [e.started_at.isoformat() for e in parsed.episodes] == [
        "2026-07-10T03:10:00+02:00",
        "2026-11-10T03:10:00+01:00",
        "2026-10-25T02:30:00+02:00",
    ]
    skipped = write(tmp_path / "gap.csv", "started_at,muscle,side\n29.03.2026 02:30,calf,left\n")
    problems = read_import_file(skipped, TODAY, zone=ZoneInfo("Europe/Berlin")).problems
    assert problems == [
        f"{skipped}:2: started_at: 2026-03-29 02:30 does not exist in Europe/Berlin (the clocks went "
        "forward); give the time with its UTC offset"
    ]


def test_the_fast_path_hands_offsetless_canonical_files_to_the_zone(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "started_at,muscle,side\n2026-11-30T03:10,calf,left\n")
    db = open_database(f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            with pytest.raises(DiaryError) as err:
                import_file(s, user, path, TODAY)  # no zone (the web app): refused, with a hint
            assert err.value.problems[-1].startswith(
                f"{path}: started_at: every started_at lacks a UTC offset: give --tz ZONE"
            )
            import_file(s, user, path, TODAY, zone=MOSCOW)
            assert [e.started_at.isoformat() for e in episode_records(s, user)] == [
                "2026-11-30T03:10:00+03:00"
            ]
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (
            "Вода (л);Кофе;Примечание\r\n1,5;2;\r\n",
            "cp1251",
            ":1: header: expected an episode header (started_at,duration_s,muscle,side,severity,"
            "woke_from_sleep,relieved_by,notes) or a day-log header (date,stretched_before_bed,"
            "fluid_litres,caffeine_drinks,alcohol_units,exercise_minutes,notes); this looks like a "
            "day-log file but has no date column (date or дата)",
        ),
        (
            "Мышца;Сторона;Сила\r\nикра;левая;5\r\n",
            "cp1251",
            "this looks like an episode file but has no column with the start time",
        ),
        ("started_at,muscel,side\n", "utf-8", ":1: header: unknown column 'muscel'; did you mean 'muscle'?"),
        (
            "Начало;Мышца;Сторона\r\n30.11.2026 03:10;бедро;левая\r\n",
            "cp1251",
            ":2: muscle: 'бедро' is ambiguous",
        ),
        (
            "Начало;Мышца;Сторона\r\n30.11.2026 03:10;икра;верх\r\n",
            "cp1251",
            ":2: side: unknown side 'верх'; one of both, left, right",
        ),
        (
            "Начало;Мышца;Сторона\r\n30.11.2026;икра;левая\r\n",
            "cp1251",
            ":2: started_at: '30.11.2026' has no time",
        ),
        (
            "Дата;Вода (л)\r\n30.11.2026;полтора\r\n",
            "cp1251",
            ":2: fluid_litres: 'полтора' is not a number like 1.5 or 1,5",
        ),
        ("Дата;Вода (л)\r\n11/30/2026;1\r\n", "cp1251", ":2: date: '11/30/2026' is not a date"),
        ("started_at|muscle|side\n", "utf-8", "the header is one single column"),
    ],
)
def test_refusals_name_line_column_and_the_likely_cause(
    tmp_path: Path, text: str, encoding: str, expected: str
) -> None:
    path = write(tmp_path / "f.csv", text, encoding)
    problems = read_import_file(path, TODAY, zone=MOSCOW).problems
    assert any(p.startswith(f"{path}{expected}") or expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("Длительность, с;Мышца;Сторона;Начало", ";"),
        ("started_at,muscle,side,notes", ","),
        ("Начало\tМышца\tСторона\tЗаметки; прочее", "\t"),
        ('"started_at;x",muscle,side', ","),
    ],
)
def test_the_delimiter_is_the_one_that_yields_known_columns(header: str, delimiter: str) -> None:
    from crampcare.diary.csv_shapes import sniff_delimiter

    assert sniff_delimiter(header) == delimiter


def test_a_file_in_neither_encoding_says_so(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("Дата;Вода\r\n".encode("cp1251") + b"\x98\r\n")  # 0x98 is unused in cp1251
    code, out, err = run("diary", "import", str(path), "--db", f"sqlite:///{tmp_path / 'd.sqlite'}")
    assert code == 2 and out == ""
    assert f"{path}: file: the file is not UTF-8 or Windows-1251 text" in err
    utf16 = write(tmp_path / "u.csv", "\ufeffdate\tfluid_litres\n", "utf-16-le")
    assert "(it is UTF-16 text" in read_import_file(utf16, TODAY).problems[0]
    nul = tmp_path / "n.csv"
    nul.write_bytes(b"date,notes\n2026-11-30,\x00\n")
    assert "not UTF-8 or Windows-1251 text (contains NUL bytes" in read_import_file(nul, TODAY).problems[0]


def test_check_lists_the_problems_and_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "Начало;Мышца;Сторона\r\n30.11.2026 03:10;колено;левая\r\n", "cp1251")
    code, out, err = run("diary", "import", str(path), "--tz", "Europe/Moscow", "--check")
    assert code == 1
    assert "1 rows of episodes; 0 would be imported" in out
    assert f"{path}:2: muscle: unknown muscle 'колено'" in err


def test_the_web_upload_reads_times_in_the_account_zone(tmp_path: Path) -> None:
    """A spreadsheet's times without an offset, uploaded on the web, are read in the account's zone."""
    import sqlalchemy as sa

    from crampcare.storage.auth_models import Credential
    from crampcare.storage.models import Episode
    from crampcare.web.app import create_app
    from tests.web_support import sign_up_owner

    app = create_app(f"sqlite:///{tmp_path / 'web.sqlite'}")
    owner = sign_up_owner(app)
    with app.state.db.session() as s:
        s.execute(sa.update(Credential).values(timezone="Europe/Moscow"))
        s.commit()
    text = "Дата и время;Мышца;Сторона;Сила\n30.11.2026 03:10;икра;левая;7\n".encode("cp1251")
    files = {"file": ("excel.csv", text, "text/csv")}
    r = owner.client.post("/diary/import", data={"csrf": owner.token()}, files=files)
    assert r.status_code == 200, r.text
    with app.state.db.session() as s:
        episode = s.scalars(sa.select(Episode)).one()
    assert episode.utc_offset_min == 180  # Moscow, not UTC
