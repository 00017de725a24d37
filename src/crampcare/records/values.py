"""The limits and choices of the diary's records, and the one reader per kind of value.

Every reader takes text (a CSV cell, a form field, a command-line option) or an already typed
value (JSON) and raises ``FieldProblem`` with the one message meant for a person: what is wrong and
what is allowed. The models (``crampcare.records.models``) run these readers, so every edge says the
same thing about the same problem. Pure: no I/O, nothing from the rest of crampcare.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from crampcare.records.problems import FieldProblem as FieldProblem

EPISODE_FIELDS = (
    "started_at",
    "duration_s",
    "muscle",
    "side",
    "severity",
    "woke_from_sleep",
    "relieved_by",
    "notes",
)
DAY_LOG_FIELDS = (
    "date",
    "stretched_before_bed",
    "fluid_litres",
    "caffeine_drinks",
    "alcohol_units",
    "exercise_minutes",
    "notes",
)
MEDICATION_FIELDS = ("name", "dose", "started_on", "stopped_on", "notes")
# The evening factors a day log records, as used by the regression (column name -> plain label).
DAY_LOG_FACTORS = {
    "stretched_before_bed": "stretched before bed",
    "fluid_litres": "fluid (litres)",
    "caffeine_drinks": "caffeine (drinks)",
    "alcohol_units": "alcohol (units)",
    "exercise_minutes": "exercise (minutes)",
}
SIDES = ("left", "right", "both")
RELIEF_CODES = ("stretch", "walk", "massage", "heat", "other")
MAX_SEVERITY = 10

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


# Control characters other than tab and line breaks: a NUL cuts text short in C libraries and
# PostgreSQL refuses it; the others are invisible and come only from broken files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NOTES = 10_000


def parse_notes(text: str, field: str = "notes") -> str:
    """Free text as typed, refusing invisible control characters and absurd lengths."""
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise FieldProblem(field, f"contains an invisible control character ({code}); remove it")
    if len(text) > MAX_NOTES:
        raise FieldProblem(field, f"is longer than {MAX_NOTES} characters")
    return text


@dataclass(frozen=True)
class Today:
    """The reference 'now' for plausibility checks; injectable so tests are not date-dependent."""

    now: dt.datetime

    @classmethod
    def current(cls) -> Today:
        return cls(dt.datetime.now(dt.UTC))


# The spec's ``cramp_locations`` codes (tests/test_records.py checks they are the same): written
# here so that records read no file and import nothing above them.
MUSCLES = frozenset(
    {
        "arms_hands",
        "buttock",
        "calf",
        "foot",
        "generalized",
        "shin",
        "thigh_back",
        "thigh_front",
        "toes",
        "whole_leg",
    }
)


def muscles() -> frozenset[str]:
    return MUSCLES


def parse_started_at(text: str, today: Today, *, field: str = "started_at") -> dt.datetime:
    """An aware time from ISO text with a UTC offset, not in the future nor before 1900."""
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
    return check_started_at(value, today, field=field, text=text)


def check_started_at(
    value: dt.datetime, today: Today, *, field: str = "started_at", text: str | None = None
) -> dt.datetime:
    """The checks of ``parse_started_at`` on a time already read (JSON, a form's local time)."""
    text = value.isoformat() if text is None else text
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
    return check_int(value, field, low, high, unit)


def check_int(value: int, field: str, low: int, high: int, unit: str = "") -> int:
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
    return check_number(value, field, high)


def check_number(value: float, field: str, high: float) -> float:
    """A read number within 0..``high``; the message shows the value as read (``1,5`` and ``1.5``
    and JSON ``1.5`` get the same words)."""
    if not math.isfinite(value) or value < 0:
        raise FieldProblem(field, f"must be a number from 0 to {high:g}, not {value:g}")
    if value > high:
        raise FieldProblem(field, f"{value:g} is implausibly large (at most {high:g})")
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


def parse_required_date(text: str, today: Today, field: str) -> dt.date:
    if not text.strip():
        raise FieldProblem(field, f"missing; give a date like {DATE_EXAMPLE}")
    return parse_date(text, today, field=field)
