"""``crampcare diary``: add, day, list, edit, delete, import and export the cramp diary."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crampcare.cli.errors import as_options, fail, name_options
from crampcare.cli.local_db import (
    DbOption,
    check_format,
    check_rows,
    count_rows,
    local_session,
    parse_date_option,
    take_rows,
)

if TYPE_CHECKING:
    from crampcare.diary.csv_io import ParsedFile
    from crampcare.storage.models import DayLog, Episode

diary_app = typer.Typer(help="The cramp diary: episodes, day logs, import and export.", no_args_is_help=True)

# CSV column -> command-line option, so that problems name what the person typed.
OPTION_OF = {
    "started_at": "--at",
    "duration_s": "--duration",
    "muscle": "--muscle",
    "side": "--side",
    "severity": "--severity",
    "woke_from_sleep": "--woke",
    "relieved_by": "--relieved-by",
    "notes": "--notes",
    "date": "--date",
    "stretched_before_bed": "--stretched",
    "fluid_litres": "--fluid",
    "caffeine_drinks": "--caffeine",
    "alcohol_units": "--alcohol",
    "exercise_minutes": "--exercise",
}
LARGE_IMPORT_ROWS = 5000

name_options("diary", OPTION_OF)


def register(app: typer.Typer) -> None:
    app.add_typer(diary_app, name="diary")


def _as_options(problems: list[str]) -> list[str]:
    return as_options(problems, OPTION_OF)


def _zone(tz: str | None) -> dt.tzinfo | None:
    """The zone for times typed without an offset: ``--tz``, else CRAMPCARE_TZ, else the machine's."""
    import os
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = tz or os.environ.get("CRAMPCARE_TZ")
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            f"--tz: unknown time zone {name!r}; use a name like Europe/London or Europe/Moscow"
        ) from None


def _local_iso(at: str | None, tz: str | None = None) -> str:
    """``--at`` as ISO text with an offset; a time typed without one is read in the configured zone
    (``--tz``, CRAMPCARE_TZ or the machine's) and echoed back, so nobody is surprised by the night."""
    from crampcare.records.values import read_local_time

    zone = _zone(tz)
    if at is None:
        return dt.datetime.now(zone).astimezone(zone).isoformat(timespec="seconds")
    try:
        value = dt.datetime.fromisoformat(at.strip())
        if value.tzinfo is not None:
            return value.isoformat()
    except ValueError:
        pass
    try:
        day, clock = read_local_time(at)
    except ValueError:
        return at  # the validator reports it with the expected format
    if clock is None:
        raise fail(
            f"--at: {at!r} has no time of day; give one, e.g. {day.isoformat()}T03:10 or 30.11.2026 03:10"
        )
    naive = dt.datetime.combine(day, clock)
    local = naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()
    where = getattr(zone, "key", None) or "this computer's time zone"
    typer.echo(f"read --at as {local.isoformat(timespec='minutes')} ({where})", err=True)
    return local.isoformat()


def _episode_json(ep: Episode) -> dict[str, object]:
    from crampcare.diary.json_io import episode_json
    from crampcare.diary.service import episode_record

    return {"id": ep.id, **episode_json(episode_record(ep))}


def _episode_line(ep: Episode) -> str:
    from crampcare.diary.service import episode_record

    rec = episode_record(ep)
    severity = "" if rec.severity is None else f", severity {rec.severity}"
    duration = "" if rec.duration_s is None else f", {rec.duration_s} s"
    return (
        f"episode {ep.id}: {rec.started_at.isoformat()} {rec.muscle} {rec.side}{severity}{duration} "
        f"(night of {rec.night.isoformat()})"
    )


def _episode_cells(
    at: str | None,
    duration: str | None,
    muscle: str | None,
    side: str | None,
    severity: str | None,
    woke: bool | None,
    relieved_by: str | None,
    notes: str | None,
) -> dict[str, str]:
    given = {
        "started_at": at,
        "duration_s": duration,
        "muscle": muscle,
        "side": side,
        "severity": severity,
        "woke_from_sleep": None if woke is None else ("true" if woke else "false"),
        "relieved_by": relieved_by,
        "notes": notes,
    }
    return {k: v for k, v in given.items() if v is not None}


At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Start (default: now): 2026-11-20T03:10+01:00, or without an offset (2026-11-20 03:10, "
        "20.11.2026 03:10) read in --tz.",
    ),
]
Tz = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Time zone for --at without an offset, e.g. Europe/Moscow (default: CRAMPCARE_TZ "
        "or this computer's).",
    ),
]
Duration = Annotated[str | None, typer.Option("--duration", help="Duration in seconds.")]
Muscle = Annotated[str | None, typer.Option("--muscle", help="A cramp_locations code, e.g. calf, foot.")]
Side = Annotated[str | None, typer.Option("--side", help="left, right or both.")]
Severity = Annotated[str | None, typer.Option("--severity", help="0 (none) to 10 (worst).")]
Woke = Annotated[bool | None, typer.Option("--woke/--no-woke", help="Did it wake you?")]
Relieved = Annotated[
    str | None, typer.Option("--relieved-by", help="';'-separated: stretch, walk, massage, heat, other.")
]
Notes = Annotated[str | None, typer.Option("--notes", help="Free text.")]
Fmt = Annotated[str, typer.Option("--format", help="text or json")]


@diary_app.command("add")
def add(
    at: At = None,
    duration: Duration = None,
    muscle: Muscle = None,
    side: Side = None,
    severity: Severity = None,
    woke: Woke = None,
    relieved_by: Relieved = None,
    notes: Notes = None,
    tz: Tz = None,
    fmt: Fmt = "text",
    db: DbOption = None,
) -> None:
    """Record a cramp episode."""
    from crampcare.diary.service import add_episode, episode_from_cells

    check_format(fmt, ("text", "json"))
    cells = _episode_cells(_local_iso(at, tz), duration, muscle, side, severity, woke, relieved_by, notes)
    record = episode_from_cells(cells)
    with local_session(db) as (session, user):
        take_rows(session, user.id, 1)  # committed with the episode
        episode = add_episode(session, user, record)
        if fmt == "json":
            typer.echo(json.dumps(_episode_json(episode)))
        else:
            typer.echo(f"added {_episode_line(episode)}")


@diary_app.command("edit")
def edit(
    episode_id: Annotated[int, typer.Argument(help="The episode id (see diary list).")],
    at: At = None,
    duration: Duration = None,
    muscle: Muscle = None,
    side: Side = None,
    severity: Severity = None,
    woke: Woke = None,
    relieved_by: Relieved = None,
    notes: Notes = None,
    tz: Tz = None,
    db: DbOption = None,
) -> None:
    """Change fields of an episode; fields not given keep their values."""
    from crampcare.diary.service import edit_episode

    at_text = None if at is None else _local_iso(at, tz)
    cells = _episode_cells(at_text, duration, muscle, side, severity, woke, relieved_by, notes)
    with local_session(db) as (session, user):
        episode = edit_episode(session, user, episode_id, cells)
        typer.echo(f"changed {_episode_line(episode)}")


@diary_app.command("delete")
def delete(
    episode_id: Annotated[int | None, typer.Argument(help="The episode id (see diary list).")] = None,
    day: Annotated[str | None, typer.Option("--day", help="Delete the day log of this date instead.")] = None,
    db: DbOption = None,
) -> None:
    """Delete an episode (by id) or a day log (--day DATE)."""
    from crampcare.diary.service import delete_day_log, delete_episode

    if (episode_id is None) == (day is None):
        raise fail("diary delete: give an episode id or --day DATE (one of them)")
    day_date = parse_date_option(day, "--day")
    with local_session(db) as (session, user):
        if day_date is not None:
            delete_day_log(session, user, day_date, via="cli")
            typer.echo(f"deleted the day log of {day_date.isoformat()}")
        else:
            assert episode_id is not None
            delete_episode(session, user, episode_id, via="cli")
            typer.echo(f"deleted episode {episode_id}")


@diary_app.command("day")
def day(
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")] = None,
    stretched: Annotated[
        bool | None, typer.Option("--stretched/--no-stretched", help="Stretched the calves before bed?")
    ] = None,
    fluid: Annotated[str | None, typer.Option("--fluid", help="Fluid drunk, litres.")] = None,
    caffeine: Annotated[str | None, typer.Option("--caffeine", help="Caffeinated drinks.")] = None,
    alcohol: Annotated[str | None, typer.Option("--alcohol", help="Alcohol units.")] = None,
    exercise: Annotated[str | None, typer.Option("--exercise", help="Exercise, minutes.")] = None,
    notes: Notes = None,
    db: DbOption = None,
) -> None:
    """Record what you did on a day (it describes the evening before that night).

    Options not given keep what was recorded before for that date.
    """
    from crampcare.diary.service import get_day_log, set_day_log

    given = {
        "date": date or dt.date.today().isoformat(),
        "stretched_before_bed": None if stretched is None else ("true" if stretched else "false"),
        "fluid_litres": fluid,
        "caffeine_drinks": caffeine,
        "alcohol_units": alcohol,
        "exercise_minutes": exercise,
        "notes": notes,
    }
    cells = {k: v for k, v in given.items() if v is not None}
    with local_session(db) as (session, user):
        try:
            day: dt.date | None = dt.date.fromisoformat(cells["date"])
        except ValueError:
            day = None  # set_day_log names the bad date
        if day is not None and get_day_log(session, user, day) is None:
            take_rows(session, user.id, 1)  # committed with the log
        log = set_day_log(session, user, cells, merge=True)
        typer.echo(f"day log saved for {log.date.isoformat()}")


def _day_json(log: DayLog) -> dict[str, object]:
    from crampcare.diary.json_io import day_log_json
    from crampcare.diary.service import day_log_record

    return day_log_json(day_log_record(log))


@diary_app.command("list")
def list_(
    date_from: Annotated[str | None, typer.Option("--from", help="First night, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last night, YYYY-MM-DD.")] = None,
    days: Annotated[bool, typer.Option("--days", help="List day logs instead of episodes.")] = False,
    fmt: Fmt = "text",
    db: DbOption = None,
) -> None:
    """List episodes (or day logs) by night, oldest first."""
    from crampcare.diary.service import list_day_logs, list_episodes

    check_format(fmt, ("text", "json"))
    start, end = parse_date_option(date_from, "--from"), parse_date_option(date_to, "--to")
    with local_session(db) as (session, user):
        if days:
            logs = list_day_logs(session, user, start, end)
            if fmt == "json":
                typer.echo(json.dumps([_day_json(log) for log in logs], indent=2))
            else:
                _print_day_table(logs)
            return
        episodes = list_episodes(session, user, start, end)
        if fmt == "json":
            typer.echo(json.dumps([_episode_json(ep) for ep in episodes], indent=2, ensure_ascii=False))
        else:
            _print_episode_table(episodes)


def _print_episode_table(episodes: list[Episode]) -> None:
    from rich.console import Console
    from rich.table import Table

    from crampcare.diary.service import episode_record

    table = Table(title=f"{len(episodes)} episodes")
    for name in (
        "id",
        "night",
        "started at",
        "muscle",
        "side",
        "severity",
        "duration s",
        "woke",
        "relieved by",
    ):
        table.add_column(name)
    for ep in episodes:
        rec = episode_record(ep)
        table.add_row(
            str(ep.id),
            rec.night.isoformat(),
            rec.started_at.isoformat(),
            rec.muscle,
            rec.side,
            "" if rec.severity is None else str(rec.severity),
            "" if rec.duration_s is None else str(rec.duration_s),
            "" if rec.woke_from_sleep is None else ("yes" if rec.woke_from_sleep else "no"),
            ", ".join(rec.relieved_by),
        )
    Console().print(table)


def _print_day_table(logs: list[DayLog]) -> None:
    from rich.console import Console
    from rich.table import Table

    from crampcare.diary.csv_io import day_log_cells
    from crampcare.diary.service import day_log_record
    from crampcare.records import DAY_LOG_FIELDS

    table = Table(title=f"{len(logs)} day logs")
    for name in DAY_LOG_FIELDS:
        table.add_column(name.replace("_", " "))
    for log in logs:
        table.add_row(*day_log_cells(day_log_record(log)))
    Console().print(table)


ImportTz = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Time zone for times in the file without a UTC offset, e.g. Europe/Moscow (default: "
        "CRAMPCARE_TZ or this computer's).",
    ),
]
CheckOption = Annotated[
    bool,
    typer.Option(
        "--check",
        help="Only show how the file would be read (encoding, separator, zone, columns, first "
        "rows) and what is wrong in it; write nothing.",
    ),
]
DELIMITER_WORDS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _import_zone(tz: str | None) -> dt.tzinfo:
    from crampcare.diary.csv_shapes import machine_zone

    return _zone(tz) or machine_zone()


def _read_as(encoding: str, delimiter: str, zone: str | None) -> str:
    where = f"; times without an offset read in {zone}" if zone else ""
    return f"read as {encoding}, {DELIMITER_WORDS.get(delimiter, repr(delimiter))}-separated{where}"


def _print_check(file: Path, parsed: ParsedFile) -> None:
    """``diary import --check``: how the file was read and what would be imported."""
    from crampcare.records import DAY_LOG_FIELDS, EPISODE_FIELDS

    kind = {"episodes": "episodes", "day_logs": "day logs"}.get(parsed.kind or "", "records")
    good = len(parsed.episodes) + len(parsed.day_logs)
    typer.echo(f"{file}: {parsed.rows} rows of {kind}; {good} would be imported (nothing written)")
    # Only episode times can lack an offset; day logs have dates.
    zone = parsed.zone if parsed.kind == "episodes" else None
    typer.echo(_read_as(parsed.encoding, parsed.delimiter, zone))
    for name, canonical in parsed.columns:
        typer.echo(f"  column {name.strip()!r} -> {canonical}")
    if parsed.extras:
        typer.echo(f"  ignored columns: {', '.join(map(repr, parsed.extras))}")
    fields = EPISODE_FIELDS if parsed.kind == "episodes" else DAY_LOG_FIELDS
    if parsed.preview:
        typer.echo(f"first {len(parsed.preview)} rows as read:")
        for cells in parsed.preview:
            shown = ", ".join(f"{n}={c!r}" for n, c in zip(fields, cells, strict=True) if c.strip())
            typer.echo(f"  {shown}")


def _phone_export(file: Path, zone: dt.tzinfo, db: str | None, check: bool) -> bool:
    """Import (or with ``check`` only show) an Apple Health or Google Fit export; False for other files."""
    from crampcare.diary.activity import FORMAT_NAMES, detect, import_activity, read_activity
    from crampcare.diary.activity_days import ActivityFileError

    fmt = detect(file)
    if fmt is None:
        return False
    try:
        if check:
            read = read_activity(file, zone, fmt)
        else:
            with local_session(db) as (session, user):
                read, inserted, updated = import_activity(session, user, file, zone, fmt)
                count_rows(session, user.id, inserted)  # new days count towards the daily allowance
    except ActivityFileError as err:
        raise fail([*err.problems, f"{file}: nothing imported"]) from None
    days = read.days
    what = (
        f"{FORMAT_NAMES[fmt]}: {len(days)} days from {days[0].date} to {days[-1].date} "
        f"({read.records} records read; times placed in {zone})"
    )
    if check:
        typer.echo(f"{file}: {what}; would import (nothing written)")
    else:
        typer.echo(f"imported {len(days)} days of activity from {file}: {inserted} new, {updated} updated")
        typer.echo(what)
    with_ = {name: sum(getattr(d, name) is not None for d in days) for name in ACTIVITY_FIELDS}
    typer.echo(
        f"  days with steps {with_['steps']}, with exercise minutes {with_['exercise_minutes']}, "
        f"with sleep {with_['sleep_hours']}"
    )
    if check:
        typer.echo(f"first {min(len(days), 5)} days as read:")
        for day in days[:5]:
            values = ", ".join(f"{name}={getattr(day, name)}" for name in ACTIVITY_FIELDS)
            typer.echo(f"  {day.date}: {values}, source={day.source!r}")
    return True


ACTIVITY_FIELDS = ("steps", "exercise_minutes", "sleep_hours")


@diary_app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="An episode or day-log CSV, a JSON export, an Apple Health export.zip or a Google "
            "Takeout Fit zip / daily activity metrics CSV."
        ),
    ],
    db: DbOption = None,
    tz: ImportTz = None,
    check: CheckOption = False,
) -> None:
    """Import a CSV of episodes or day logs, or a JSON export (everything in it: episodes, day logs,
    medicines, experiments): all rows or none; re-importing does not duplicate.

    Reads the spec's CSV and what spreadsheets save: UTF-8 or Windows-1251, comma, semicolon or
    tab, decimal commas, day-first and Excel dates, English or Russian column names and values.
    Phone exports (Apple Health, Google Fit) add steps, exercise minutes and sleep per day.
    """
    from rich.console import Console
    from rich.progress import Progress

    from crampcare.diary.csv_io import count_data_lines
    from crampcare.diary.service import DiaryError, import_file, read_import_file

    zone = _import_zone(tz)
    if _phone_export(file, zone, db, check):
        return
    if check:
        parsed = read_import_file(file, zone=zone)
        _print_check(file, parsed)
        if parsed.problems:
            raise fail([*parsed.problems, f"{file}: would import nothing until these are fixed"], code=1)
        return
    err = Console(stderr=True)
    rows = count_data_lines(file) if file.is_file() else 0
    show = rows >= LARGE_IMPORT_ROWS and err.is_terminal
    with local_session(db) as (session, user), Progress(console=err, transient=True, disable=not show) as bar:
        # Reading and writing each advance the bar once per row.
        task = bar.add_task(f"importing {file.name}", total=2 * rows)
        check_rows(session, user.id, rows)  # before anything is written, from the file's lines
        try:
            result = import_file(session, user, file, progress=lambda n: bar.advance(task, n), zone=zone)
        except DiaryError as exc:
            raise fail([*exc.problems, f"{file}: nothing imported"]) from None
        count_rows(session, user.id, result.inserted)
    kind = "episodes" if result.kind == "episodes" else "day logs" if result.kind == "day_logs" else "records"
    typer.echo(f"imported {result.rows} {kind} from {file}: {result.inserted} new, {result.updated} updated")
    # Only a file not in the spec's exact shape gets a second line: how it was read.
    plain = result.encoding.startswith("UTF-8") and result.delimiter == ","
    if not plain or result.zone or result.renamed or result.extras:
        typer.echo(_read_as(result.encoding, result.delimiter, result.zone))
        if result.renamed:
            typer.echo("columns: " + ", ".join(f"{a.strip()!r} -> {b}" for a, b in result.renamed))
        if result.extras:
            typer.echo(f"ignored columns: {', '.join(map(repr, result.extras))}")


@diary_app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv, json (fhir when installed)")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (default: stdout).")
    ] = None,
    days: Annotated[bool, typer.Option("--days", help="CSV: export day logs instead of episodes.")] = False,
    db: DbOption = None,
) -> None:
    """Export the diary. CSV holds episodes (or day logs with --days); JSON holds everything."""
    from crampcare.diary.exporters import available_formats, get_exporter, get_streamer, stream_csv

    exporter = get_exporter(fmt)
    if exporter is None:
        raise fail(f"--format: must be one of {', '.join(available_formats())}, not {fmt!r}")
    streamer = get_streamer(fmt)
    with local_session(db) as (session, user):
        if streamer is None:
            chunks: Iterable[str] = [exporter(session, user)]
        elif fmt == "csv":
            chunks = stream_csv(session, user, "day_logs" if days else "episodes")
        else:
            chunks = streamer(session, user)
        # Written as the rows are read: a diary of any length is exported in bounded memory.
        try:
            if output is None:
                for chunk in chunks:
                    sys.stdout.write(chunk)
                return
            _write_file(output, chunks)
        except Exception as exc:  # an exporter refusing its own output (FhirError): no traceback
            problems = getattr(exc, "problems", None)
            if problems is None:
                raise
            raise fail([*problems, f"--format {fmt}: the export stopped; nothing was written"]) from None
    typer.echo(f"wrote {output}", err=True)


def _write_file(output: Path, chunks: Iterable[str]) -> None:
    """Write beside ``output`` and rename when complete: a failed export never leaves a file that
    looks whole but is cut short."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise fail(f"--output: cannot write {output}: {exc.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
