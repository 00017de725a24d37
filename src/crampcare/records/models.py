"""The diary's records as typed models: each holds its limits and choices and reads its values once.

A field accepts text (a CSV cell, a form field, a command-line option) or the typed value (JSON,
Python), through the one reader of ``crampcare.records.values`` for its kind: so ``1,5`` and ``1.5``
are the same number everywhere, and a bad value gets the same words at every edge. Validation that
depends on "now" (nothing in the future) reads ``Today`` from the validation context
(``model_validate(..., context={"today": today})``), else the current time.

Records read back from storage are built with ``Record.trusted``: they were checked on the way in,
and a 100,000-row diary should not be validated again for every chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError, model_validator
from pydantic_core import PydanticCustomError, core_schema

from crampcare.records.nights import night_of
from crampcare.records.problems import FieldProblem, RecordProblems
from crampcare.records.values import (
    DAY_LOG_FIELDS,
    DAY_LOG_LIMITS,
    MAX_DURATION_S,
    MAX_SEVERITY,
    MUSCLES,
    RELIEF_CODES,
    SIDES,
    Today,
    check_int,
    check_not_future_or_ancient,
    check_number,
    check_started_at,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_notes,
    parse_number,
    parse_relieved_by,
    parse_required_date,
    parse_short_text,
    parse_started_at,
)

M = TypeVar("M", bound=BaseModel)


def today_of(context: Any) -> Today:
    """The ``Today`` a validation runs against: the context's, else now."""
    today = context.get("today") if isinstance(context, Mapping) else None
    return today if isinstance(today, Today) else Today.current()


def _as_error(problem: FieldProblem) -> PydanticCustomError:
    # The message template is only "{problem}": the person's words, without pydantic's prefix.
    return PydanticCustomError(
        "value_error", "{problem}", {"problem": problem.problem, "field": problem.field}
    )


class _Reads:
    """Marks a field as read by ``read(value, field, today)`` before its type is checked."""

    def __init__(self, read: Callable[[Any, str, Today], Any]) -> None:
        self.read = read

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_before_validator_function(self._run, handler(source))

    def _run(self, value: Any, info: core_schema.ValidationInfo) -> Any:
        try:
            return self.read(value, info.field_name or "value", today_of(info.context))
        except FieldProblem as problem:
            raise _as_error(problem) from None


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


class DecimalComma(_Reads):
    """A non-negative number up to ``high``, typed ``1.5`` or ``1,5`` (or given as a number);
    empty means not recorded (``None``), which is not zero."""

    def __init__(self, high: float) -> None:
        def read(value: Any, field: str, today: Today) -> float | None:
            if isinstance(value, bool):
                raise FieldProblem(field, f"{_text(value)!r} is not a number like 1.5 or 1,5")
            if isinstance(value, int | float | Decimal):
                return check_number(float(value), field, high)
            return parse_number(_text(value), field, high)

        super().__init__(read)
        self.high = high


class WholeNumber(_Reads):
    """A whole number from ``low`` to ``high`` (``unit`` names it in messages); empty is ``None``."""

    def __init__(self, low: int, high: int, unit: str = "") -> None:
        def read(value: Any, field: str, today: Today) -> int | None:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, int) and not isinstance(value, bool):
                return check_int(value, field, low, high, unit)
            if isinstance(value, str) or value is None:
                return parse_int(_text(value), field, low, high, unit)
            raise FieldProblem(field, f"{_text(value)!r} is not a whole number")

        super().__init__(read)


def _flag(value: Any, field: str, today: Today) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return parse_bool(value, field)
    raise FieldProblem(field, f"must be true or false, not {value!r}")


def _choice(allowed: frozenset[str] | tuple[str, ...]) -> _Reads:
    return _Reads(lambda value, field, today: parse_choice(_text(value), field, allowed))


def _started_at(value: Any, field: str, today: Today) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return check_started_at(value, today, field=field)
    return parse_started_at(_text(value), today, field=field)


def _date(value: Any, field: str, today: Today) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        check_not_future_or_ancient(value, today, field)
        return value
    return parse_date(_text(value), today, field=field)


def _required_date(value: Any, field: str, today: Today) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _date(value, field, today)
    return parse_required_date(_text(value), today, field)


def _optional_date(value: Any, field: str, today: Today) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _date(value, field, today)


def _relief(value: Any, field: str, today: Today) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        value = ";".join(_text(item) for item in value)
    return parse_relieved_by(_text(value), field=field)


def _notes(value: Any, field: str, today: Today) -> str:
    return parse_notes(_text(value), field)


def _short(required: bool) -> _Reads:
    return _Reads(lambda value, field, today: parse_short_text(_text(value), field, required=required))


# --- field types, shared by the records and the API bodies that change part of one ----------------

StartedAt = Annotated[dt.datetime, _Reads(_started_at)]
Muscle = Annotated[str, _choice(MUSCLES)]
Side = Annotated[Literal["left", "right", "both"], _choice(SIDES)]
Duration = Annotated[int | None, WholeNumber(0, MAX_DURATION_S, " seconds")]
Severity = Annotated[int | None, WholeNumber(0, MAX_SEVERITY)]
Flag = Annotated[bool | None, _Reads(_flag)]
Relief = Annotated[tuple[Literal["stretch", "walk", "massage", "heat", "other"], ...], _Reads(_relief)]
Notes = Annotated[str, _Reads(_notes)]
Day = Annotated[dt.date, _Reads(_date)]
Fluid = Annotated[float | None, DecimalComma(DAY_LOG_LIMITS["fluid_litres"])]
Caffeine = Annotated[float | None, DecimalComma(DAY_LOG_LIMITS["caffeine_drinks"])]
Alcohol = Annotated[float | None, DecimalComma(DAY_LOG_LIMITS["alcohol_units"])]
Exercise = Annotated[float | None, DecimalComma(DAY_LOG_LIMITS["exercise_minutes"])]
assert tuple(RELIEF_CODES) == ("stretch", "walk", "massage", "heat", "other")  # the Literal above


_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}


class Record(BaseModel):
    """Immutable and closed: an unknown field is a problem, not silently dropped.

    Positional arguments are taken in ``POSITIONAL`` order (the order the records had as tuples),
    so ``DayLog(day, True, 1.5)`` reads as it always did."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    POSITIONAL: ClassVar[tuple[str, ...]] = ()

    def __init__(self, /, *args: Any, **data: Any) -> None:
        if len(args) > len(self.POSITIONAL):
            raise TypeError(f"{type(self).__name__} takes at most {len(self.POSITIONAL)} positional values")
        super().__init__(**dict(zip(self.POSITIONAL, args, strict=False)), **data)

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """A record from values already checked (read back from storage, or by the memoised row
        readers): no validation. ``model_construct`` does the same but costs ~10x more per
        record, which shows on a 100,000-episode diary's charts and statistics."""
        defaults = _DEFAULTS.get(cls)
        if defaults is None:  # every field in order, so the record prints as a validated one
            defaults = _DEFAULTS[cls] = {name: f.default for name, f in cls.model_fields.items()}
        record = cls.__new__(cls)
        setter = object.__setattr__
        setter(record, "__dict__", {**defaults, **values})
        setter(record, "__pydantic_fields_set__", set(values))
        setter(record, "__pydantic_extra__", None)
        setter(record, "__pydantic_private__", None)
        return record

    def _order(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.POSITIONAL)

    # Records sort as the tuples they were: by their positional fields in order.
    def __lt__(self, other: Record) -> bool:
        return self._order() < other._order()

    def __le__(self, other: Record) -> bool:
        return self._order() <= other._order()

    def __gt__(self, other: Record) -> bool:
        return self._order() > other._order()

    def __ge__(self, other: Record) -> bool:
        return self._order() >= other._order()


def _fill_required(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """A missing required field read as empty text, so it gets its reader's words ("missing; give
    ...") at every edge rather than pydantic's own."""

    def fill(data: Any) -> Any:
        if isinstance(data, Mapping):
            return {**{name: "" for name in names}, **data}
        return data

    return fill


class Episode(Record):
    """One cramp. ``started_at`` is timezone-aware, in the offset it was recorded with."""

    # In the CSV column order, so problems are listed in the order of the file's columns.
    started_at: StartedAt
    duration_s: Duration = None
    muscle: Muscle
    side: Side
    severity: Severity = None
    woke_from_sleep: Flag = None
    relieved_by: Relief = ()
    notes: Notes = ""

    POSITIONAL: ClassVar[tuple[str, ...]] = (
        "started_at",
        "muscle",
        "side",
        "duration_s",
        "severity",
        "woke_from_sleep",
        "relieved_by",
        "notes",
    )
    _fill = model_validator(mode="before")(_fill_required(("started_at", "muscle", "side")))

    @property
    def night(self) -> dt.date:
        return night_of(self.started_at)

    @property
    def key(self) -> tuple[dt.datetime, str, str]:
        """What identifies an episode (spec): the instant it started, muscle and side."""
        return (self.started_at.astimezone(dt.UTC), self.muscle, self.side)


class EpisodeChanges(Record):
    """Some fields of an episode, to change (``model_fields_set`` says which were given)."""

    started_at: StartedAt | None = None
    duration_s: Duration = None
    muscle: Muscle | None = None
    side: Side | None = None
    severity: Severity = None
    woke_from_sleep: Flag = None
    relieved_by: Relief | None = None
    notes: Notes | None = None


class DayLogEntry(Record):
    """What a day log records besides its date (the JSON API's body: the date is in the path)."""

    stretched_before_bed: Flag = None
    fluid_litres: Fluid = None
    caffeine_drinks: Caffeine = None
    alcohol_units: Alcohol = None
    exercise_minutes: Exercise = None
    notes: Notes = ""


class DayLog(Record):
    """What was done on ``date``; it describes the evening before the night of ``date``.

    ``None`` means not recorded, which is different from zero."""

    date: Day
    stretched_before_bed: Flag = None
    fluid_litres: Fluid = None
    caffeine_drinks: Caffeine = None
    alcohol_units: Alcohol = None
    exercise_minutes: Exercise = None
    notes: Notes = ""

    POSITIONAL: ClassVar[tuple[str, ...]] = tuple(DAY_LOG_FIELDS)
    _fill = model_validator(mode="before")(_fill_required(("date",)))


class Medicine(Record):
    """A medicine taken from ``started_on`` (to ``stopped_on``, ``None`` while still taken).

    ``name`` and ``started_on`` identify it: importing the same medicine again updates it."""

    name: Annotated[str, _short(True)]
    dose: Annotated[str, _short(False)] = ""
    started_on: Annotated[dt.date, _Reads(_required_date)]
    stopped_on: Annotated[dt.date | None, _Reads(_optional_date)] = None
    notes: Notes = ""

    POSITIONAL: ClassVar[tuple[str, ...]] = ("name", "started_on", "stopped_on", "dose", "notes")
    _fill = model_validator(mode="before")(_fill_required(("name", "started_on")))

    @model_validator(mode="after")
    def _stopped_after_started(self) -> Medicine:
        if self.stopped_on is not None and self.stopped_on < self.started_on:
            raise _as_error(
                FieldProblem(
                    "stopped_on",
                    f"{self.stopped_on.isoformat()} is before started_on {self.started_on.isoformat()}",
                )
            )
        return self


# --- reading a record at an edge -----------------------------------------------------------------


def problems_of(error: ValidationError) -> list[FieldProblem]:
    """One ``FieldProblem`` per pydantic error, named by field and worded by the field's reader."""
    found = []
    for item in error.errors():
        ctx = item.get("ctx") or {}
        field = str(ctx.get("field") or ".".join(str(p) for p in item["loc"]) or "record")
        if item["type"] == "missing":
            problem = "missing"
        elif item["type"] == "extra_forbidden":
            problem = "unknown field"
        else:
            problem = str(ctx.get("problem") or item["msg"])
        found.append(FieldProblem(field, problem))
    return found


def read(model: type[M], data: Mapping[str, Any], today: Today | None = None) -> M | list[FieldProblem]:
    """``data`` (text or typed values) as a ``model``, or every problem found."""
    try:
        return model.model_validate(data, context={"today": today or Today.current()})
    except ValidationError as error:
        return problems_of(error)


def read_or_raise(model: type[M], data: Mapping[str, Any], today: Today | None = None) -> M:
    """``read``, raising ``RecordProblems`` listing every problem."""
    result = read(model, data, today)
    if isinstance(result, list):
        raise RecordProblems(result)
    return result


def _cells(row: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    # Text cells: a missing column counts as empty, a column the record does not have is not read.
    return {name: row.get(name) or "" for name in names}


def episode_from_row(row: Mapping[str, str], today: Today) -> Episode | list[FieldProblem]:
    """An episode from CSV-style text cells (missing columns count as empty), or every problem."""
    return read(Episode, _cells(row, tuple(Episode.model_fields)), today)


def day_log_from_row(row: Mapping[str, str], today: Today) -> DayLog | list[FieldProblem]:
    """A day log from CSV-style text cells, or every problem found."""
    return read(DayLog, _cells(row, tuple(DayLog.model_fields)), today)


def medication_from_row(row: Mapping[str, str], today: Today) -> Medicine | list[FieldProblem]:
    """A medicine from text cells (``name,dose,started_on,stopped_on,notes``), or every problem.

    ``started_on`` is required: whether a medicine was taken on a night is what the diary needs."""
    return read(Medicine, _cells(row, tuple(Medicine.model_fields)), today)
