"""Turning raw text (a CSV cell, a command-line option) into checked diary values.

Every parser raises ``FieldProblem`` with a message meant for a person: what is wrong and what is
allowed. Row parsers collect every problem of a row rather than stopping at the first, so one run
of ``diary import`` lists everything to fix.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from crampcare.diary.records import (
    DAY_LOG_FIELDS,
    EPISODE_FIELDS,
    RELIEF_CODES,
    SIDES,
    DayLogRecord,
    EpisodeRecord,
    MedicationRecord,
)
from crampcare.errors import Problem, Problems

T = TypeVar("T")

EARLIEST = dt.date(1900, 1, 1)
# Allow a day of slack for time zones and clocks that are a little off.
FUTURE_SLACK = dt.timedelta(days=1)
MAX_DURATION_S = 24 * 3600
MAX_OFFSET_MIN = 14 * 60
# Upper bounds that catch typos (an extra zero) without judging anybody's habits.
DAY_LOG_LIMITS = {
    "fluid_litres": 20.0,
    "caffeine_drinks": 50.0,
    "alcohol_units": 100.0,
    "exercise_minutes": 1440.0,
}


class FieldProblem(Problems):
    """A bad value for one field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__([Problem(field, problem)])


# Control characters other than tab and line breaks: a NUL cuts text short in C libraries and
# PostgreSQL refuses it; the others are invisible and come only from broken files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NOTES = 10_000


def parse_notes(text: str) -> str:
    """Free text as typed, refusing invisible control characters and absurd lengths."""
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise FieldProblem("notes", f"contains an invisible control character ({code}); remove it")
    if len(text) > MAX_NOTES:
        raise FieldProblem("notes", f"is longer than {MAX_NOTES} characters")
    return text


@dataclass(frozen=True)
class Today:
    """The reference 'now' for plausibility checks; injectable so tests are not date-dependent."""

    now: dt.datetime

    @classmethod
    def current(cls) -> Today:
        return cls(dt.datetime.now(dt.UTC))


@cache
def muscles() -> frozenset[str]:
    from crampcare.spec import codes

    return codes("cramp_locations")


def parse_started_at(text: str, today: Today, *, field: str = "started_at") -> dt.datetime:
    text = text.strip()
    if not text:
        raise FieldProblem(
            field, "missing; give an ISO 8601 time with UTC offset, e.g. 2026-11-20T03:10:00+01:00"
        )
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FieldProblem(
            field, f"{text!r} is not an ISO 8601 time like 2026-11-20T03:10:00+01:00"
        ) from None
    offset = value.utcoffset()
    if offset is None:
        raise FieldProblem(field, f"{text!r} has no UTC offset; add one, e.g. +01:00 or Z")
    if offset.total_seconds() % 60 or abs(offset.total_seconds()) > MAX_OFFSET_MIN * 60:
        raise FieldProblem(field, f"{text!r} has an impossible UTC offset")
    check_not_future_or_ancient(value.date(), today, field, value.astimezone(dt.UTC))
    return value


def check_not_future_or_ancient(
    day: dt.date, today: Today, field: str, instant: dt.datetime | None = None
) -> None:
    if day < EARLIEST:
        raise FieldProblem(field, f"{day.isoformat()} is before {EARLIEST.isoformat()}")
    latest = today.now + FUTURE_SLACK
    if (instant is not None and instant > latest) or day > latest.date():
        raise FieldProblem(field, f"{day.isoformat()} is in the future")


# Dates as people type them: ISO first, then day-first forms (Russian and British habit:
# 30.11.2026, 30/11/2026, 30-11-2026). Month-first (US) dates are not guessed: 01/02 is ambiguous.
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
DATE_EXAMPLE = "2026-11-20 or 20.11.2026"


def read_date(text: str) -> dt.date:
    """A calendar date from ISO ``2026-11-30`` or day-first ``30.11.2026``; ``ValueError`` otherwise."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    found = _DAY_FIRST.fullmatch(text)
    if found is None:
        raise ValueError(text)
    day, month, year = map(int, found.groups())
    return dt.date(year, month, day)


def read_local_time(text: str) -> tuple[dt.date, dt.time | None]:
    """A date and optional time without an offset: ``2026-11-30T03:10``, ``30.11.2026 03:10``."""
    text = text.strip().replace("T", " ", 1)
    day, _, clock = text.partition(" ")
    date = read_date(day)
    if not clock.strip():
        return date, None
    return date, dt.time.fromisoformat(clock.strip())


def read_decimal(text: str) -> float:
    """A decimal as people type it: ``1.5`` or, with a decimal comma, ``1,5``."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    return float(text)


def parse_date(text: str, today: Today, *, field: str = "date") -> dt.date:
    text = text.strip()
    try:
        value = read_date(text)
    except ValueError:
        raise FieldProblem(field, f"{text!r} is not a date like {DATE_EXAMPLE}") from None
    check_not_future_or_ancient(value, today, field)
    return value


def parse_int(text: str, field: str, low: int, high: int, unit: str = "") -> int | None:
    """An integer from ``low`` to ``high``, or ``None`` for an empty cell."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise FieldProblem(field, f"{text!r} is not a whole number") from None
    if not low <= value <= high:
        raise FieldProblem(field, f"must be from {low} to {high}{unit}, not {value}")
    return value


def parse_duration(text: str, *, field: str = "duration_s") -> int | None:
    return parse_int(text, field, 0, MAX_DURATION_S, " seconds")


def parse_severity(text: str, *, field: str = "severity") -> int | None:
    return parse_int(text, field, 0, 10)


def parse_number(text: str, field: str, high: float) -> float | None:
    """A non-negative decimal up to ``high``, or ``None`` for an empty cell (missing is not zero)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = read_decimal(text)
    except ValueError:
        raise FieldProblem(field, f"{text!r} is not a number like 1.5 or 1,5") from None
    if not math.isfinite(value) or value < 0:
        raise FieldProblem(field, f"must be a number from 0 to {high:g}, not {text}")
    if value > high:
        raise FieldProblem(field, f"{text} is implausibly large (at most {high:g})")
    return value


def parse_bool(text: str, field: str) -> bool | None:
    value = text.strip().lower()
    if value == "true":
        return True
    if value == "false":
        return False
    if not value:
        return None
    raise FieldProblem(field, f"must be true or false, not {text!r}")


def parse_choice(text: str, field: str, allowed: frozenset[str] | tuple[str, ...]) -> str:
    value = text.strip()
    if value in allowed:
        return value
    if not value:
        raise FieldProblem(field, "missing")
    raise FieldProblem(field, f"unknown {field} {value!r}; one of {', '.join(sorted(allowed))}")


def parse_relieved_by(text: str, *, field: str = "relieved_by") -> tuple[str, ...]:
    items = tuple(item.strip() for item in text.split(";") if item.strip())
    bad = [item for item in items if item not in RELIEF_CODES]
    if bad:
        raise FieldProblem(
            field, f"unknown {', '.join(map(repr, bad))}; use ;-separated {'|'.join(RELIEF_CODES)}"
        )
    return items


def _collect(problems: list[FieldProblem], parse: Callable[[], T]) -> T:
    """Run one field parser; on a problem, record it and return a placeholder the caller discards."""
    try:
        return parse()
    except FieldProblem as exc:
        problems.append(exc)
        return cast(T, None)


def episode_from_row(row: Mapping[str, str], today: Today) -> EpisodeRecord | list[FieldProblem]:
    """An episode from CSV-style text cells (missing columns count as empty), or every problem found."""
    problems: list[FieldProblem] = []
    cell = row.get
    record = EpisodeRecord(
        started_at=_collect(problems, lambda: parse_started_at(cell("started_at") or "", today)),
        duration_s=_collect(problems, lambda: parse_duration(cell("duration_s") or "")),
        muscle=_collect(problems, lambda: parse_choice(cell("muscle") or "", "muscle", muscles())),
        side=_collect(problems, lambda: parse_choice(cell("side") or "", "side", SIDES)),
        severity=_collect(problems, lambda: parse_severity(cell("severity") or "")),
        woke_from_sleep=_collect(
            problems, lambda: parse_bool(cell("woke_from_sleep") or "", "woke_from_sleep")
        ),
        relieved_by=_collect(problems, lambda: parse_relieved_by(cell("relieved_by") or "")),
        notes=_collect(problems, lambda: parse_notes(cell("notes") or "")),
    )
    return problems or record


def _number(problems: list[FieldProblem], row: Mapping[str, str], name: str) -> float | None:
    return _collect(problems, lambda: parse_number(row.get(name) or "", name, DAY_LOG_LIMITS[name]))


def day_log_from_row(row: Mapping[str, str], today: Today) -> DayLogRecord | list[FieldProblem]:
    """A day log from CSV-style text cells, or every problem found."""
    problems: list[FieldProblem] = []
    cell = row.get
    record = DayLogRecord(
        date=_collect(problems, lambda: parse_date(cell("date") or "", today)),
        stretched_before_bed=_collect(
            problems, lambda: parse_bool(cell("stretched_before_bed") or "", "stretched_before_bed")
        ),
        fluid_litres=_number(problems, row, "fluid_litres"),
        caffeine_drinks=_number(problems, row, "caffeine_drinks"),
        alcohol_units=_number(problems, row, "alcohol_units"),
        exercise_minutes=_number(problems, row, "exercise_minutes"),
        notes=_collect(problems, lambda: parse_notes(cell("notes") or "")),
    )
    return problems or record


MAX_MEDICATION_TEXT = 200  # the name and dose columns' width


def parse_short_text(text: str, field: str, *, required: bool = False) -> str:
    """A name or dose: one line, no control characters, at most ``MAX_MEDICATION_TEXT`` characters."""
    value = text.strip()
    if required and not value:
        raise FieldProblem(field, "missing")
    if _CONTROL.search(value) or "\n" in value or "\r" in value or "\t" in value:
        raise FieldProblem(field, "must be one line of plain text")
    if len(value) > MAX_MEDICATION_TEXT:
        raise FieldProblem(field, f"is longer than {MAX_MEDICATION_TEXT} characters")
    return value


def _required_date(text: str, today: Today, field: str) -> dt.date:
    if not text.strip():
        raise FieldProblem(field, f"missing; give a date like {DATE_EXAMPLE}")
    return parse_date(text, today, field=field)


def medication_from_row(row: Mapping[str, str], today: Today) -> MedicationRecord | list[FieldProblem]:
    """A medicine from text cells (``name,dose,started_on,stopped_on,notes``), or every problem found.

    ``started_on`` is required: whether a medicine was taken on a night is what the diary needs."""
    problems: list[FieldProblem] = []
    cell = row.get
    stopped_text = (cell("stopped_on") or "").strip()
    record = MedicationRecord(
        name=_collect(problems, lambda: parse_short_text(cell("name") or "", "name", required=True)),
        dose=_collect(problems, lambda: parse_short_text(cell("dose") or "", "dose")),
        started_on=_collect(problems, lambda: _required_date(cell("started_on") or "", today, "started_on")),
        stopped_on=_collect(problems, lambda: parse_date(stopped_text, today, field="stopped_on"))
        if stopped_text
        else None,
        notes=_collect(problems, lambda: parse_notes(cell("notes") or "")),
    )
    if not problems and record.stopped_on is not None and record.stopped_on < record.started_on:
        problems.append(
            FieldProblem(
                "stopped_on",
                f"{record.stopped_on.isoformat()} is before started_on {record.started_on.isoformat()}",
            )
        )
    return problems or record


class _Invalid(Exception):
    """Raised by a fast-path check: hand the row to the slow path, which explains the problem."""


class _Memo:
    """A field parser memoised by raw text: diaries repeat the same few values on every row."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        self.parse = parse
        self.seen: dict[str, object] = {}

    def __call__(self, text: str) -> Any:
        try:
            value = self.seen[text]
        except KeyError:
            try:
                value = self.parse(text)
            except FieldProblem:
                value = _INVALID
            self.seen[text] = value
        if value is _INVALID:
            raise _Invalid
        return value


_INVALID = object()


def _column(header: list[str], name: str) -> int | None:
    return header.index(name) if name in header else None


class EpisodeRowParser:
    """Parses episode rows fast (100,000-row imports): memoised fields and no per-row dicts.

    Every value is accepted only by the same parser functions the slow path uses (memoised), or,
    for ``started_at``, by the same checks; any doubt sends the row to ``episode_from_row``, which
    lists the problems. So the fast path never accepts what the slow path would reject.
    """

    def __init__(self, header: list[str], today: Today) -> None:
        self.header = header
        self.today = today
        self.latest = today.now + FUTURE_SLACK
        self.index = [_column(header, name) for name in EPISODE_FIELDS]
        self.duration = _Memo(parse_duration)
        self.severity = _Memo(parse_severity)
        self.woke = _Memo(lambda t: parse_bool(t, "woke_from_sleep"))
        self.relieved = _Memo(parse_relieved_by)
        self.muscle = _Memo(lambda t: parse_choice(t, "muscle", muscles()))
        self.side = _Memo(lambda t: parse_choice(t, "side", SIDES))

    def _started_at(self, text: str) -> dt.datetime:
        value = dt.datetime.fromisoformat(text.strip())
        offset = value.utcoffset()
        if (
            offset is None
            or offset.seconds % 60
            or offset.microseconds
            or abs(offset) > dt.timedelta(hours=14)
        ):
            raise _Invalid
        if value.date() < EARLIEST or value > self.latest or value.date() > self.latest.date():
            raise _Invalid
        return value

    def __call__(self, cells: list[str]) -> EpisodeRecord | list[FieldProblem]:
        i_at, i_dur, i_mus, i_side, i_sev, i_woke, i_rel, i_notes = self.index
        try:
            return EpisodeRecord(
                started_at=self._started_at(cells[i_at] if i_at is not None else ""),
                duration_s=self.duration(cells[i_dur] if i_dur is not None else ""),
                muscle=self.muscle(cells[i_mus] if i_mus is not None else ""),
                side=self.side(cells[i_side] if i_side is not None else ""),
                severity=self.severity(cells[i_sev] if i_sev is not None else ""),
                woke_from_sleep=self.woke(cells[i_woke] if i_woke is not None else ""),
                relieved_by=self.relieved(cells[i_rel] if i_rel is not None else ""),
                notes=parse_notes(cells[i_notes] if i_notes is not None else ""),
            )
        except (_Invalid, ValueError):
            return episode_from_row(dict(zip(self.header, cells, strict=True)), self.today)


def _number_parser(name: str) -> Callable[[str], float | None]:
    return lambda text: parse_number(text, name, DAY_LOG_LIMITS[name])


class DayLogRowParser:
    """The day-log counterpart of ``EpisodeRowParser`` (same guarantee)."""

    def __init__(self, header: list[str], today: Today) -> None:
        self.header = header
        self.today = today
        self.index = [_column(header, name) for name in DAY_LOG_FIELDS]
        self.date = _Memo(lambda t: parse_date(t, today))
        self.stretched = _Memo(lambda t: parse_bool(t, "stretched_before_bed"))
        self.numbers = [_Memo(_number_parser(name)) for name in DAY_LOG_LIMITS]

    def __call__(self, cells: list[str]) -> DayLogRecord | list[FieldProblem]:
        cell = [cells[i] if i is not None else "" for i in self.index]
        try:
            return DayLogRecord(
                date=self.date(cell[0]),
                stretched_before_bed=self.stretched(cell[1]),
                fluid_litres=self.numbers[0](cell[2]),
                caffeine_drinks=self.numbers[1](cell[3]),
                alcohol_units=self.numbers[2](cell[4]),
                exercise_minutes=self.numbers[3](cell[5]),
                notes=parse_notes(cell[6]),
            )
        except (_Invalid, FieldProblem):
            return day_log_from_row(dict(zip(self.header, cells, strict=True)), self.today)
