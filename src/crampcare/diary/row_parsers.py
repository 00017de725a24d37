"""Fast row readers for long CSV files: the same readers as the models, memoised by raw text.

A row whose every value the memoised readers accept is built with ``trusted`` (each value
was already read by the field's own reader); any doubt sends the row to the model
(``episode_from_row``), which lists the problems. So this lane never accepts what the model would
refuse, and never words a problem itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from crampcare.records import DayLog, Episode, day_log_from_row, episode_from_row
from crampcare.records.problems import FieldProblem
from crampcare.records.values import (
    DAY_LOG_FIELDS,
    DAY_LOG_LIMITS,
    EARLIEST,
    EPISODE_FIELDS,
    FUTURE_SLACK,
    SIDES,
    Today,
    muscles,
    parse_bool,
    parse_choice,
    parse_date,
    parse_duration,
    parse_notes,
    parse_number,
    parse_relieved_by,
    parse_severity,
)


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

    Every value is accepted only by the same reader the model uses (memoised), or, for
    ``started_at``, by the same checks; any doubt sends the row to ``episode_from_row``.
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

    def __call__(self, cells: list[str]) -> Episode | list[FieldProblem]:
        i_at, i_dur, i_mus, i_side, i_sev, i_woke, i_rel, i_notes = self.index
        try:
            return Episode.trusted(
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

    def __call__(self, cells: list[str]) -> DayLog | list[FieldProblem]:
        cell = [cells[i] if i is not None else "" for i in self.index]
        try:
            return DayLog.trusted(
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
