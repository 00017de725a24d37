"""What people's CSV files look like, turned into the spec's canonical cells (``diary import``).

A diary kept in a spreadsheet rarely comes out in the spec's exact format: Russian Excel saves
Windows-1251 text with ``;`` separators, decimal commas, ``30.11.2026 03:10`` without an offset and
Russian column names. This module is the one place that knows those shapes:

- ``decode``: UTF-8 (with or without BOM) strictly, then Windows-1251; says which was used;
- ``sniff_delimiter``: ``,`` ``;`` or tab, from the header line;
- ``map_header``: column names in English or Russian, any case and order (``COLUMN_ALIASES``);
  unknown columns are ignored and listed, except close misspellings of a known name;
- ``CellReader``: each cell rewritten to the canonical text (ISO times with an offset, codes,
  true/false), or left as it was when not recognised, so the shared validators in
  ``validation.py`` word the problem exactly as they do for canonical files.

No value is parsed here by new rules: dates and times go through ``read_date``/``read_local_time``
and numbers through ``read_decimal``; only Excel serial dates (days since 1899-12-30) are new.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crampcare.records import DAY_LOG_FIELDS, EPISODE_FIELDS, SIDES
from crampcare.records.values import (
    FieldProblem,
    muscles,
    read_date,
    read_decimal,
    read_local_time,
)

# Canonical column -> other names people use (compared lower-cased, spaces collapsed, ё as е).
# "time" is not a spec column: a separate time-of-day column joined with "date" into started_at,
# or, without a date column, a full date-and-time column standing for started_at.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "started_at": (
        "start",
        "started",
        "start time",
        "date and time",
        "datetime",
        "начало",
        "дата и время",
        "дата/время",
        "время начала",
        "когда",
    ),
    "time": ("time", "время", "время суток"),
    "duration_s": (
        "duration",
        "duration (s)",
        "seconds",
        "длительность",
        "длительность (с)",
        "длительность, с",
        "продолжительность",
        "продолжительность (с)",
        "секунд",
    ),
    "muscle": ("where", "location", "мышца", "место", "где"),
    "side": ("leg", "сторона", "нога"),
    "severity": ("pain", "strength", "сила", "тяжесть", "боль", "сила (0-10)", "тяжесть (0-10)"),
    "woke_from_sleep": ("woke", "woke up", "разбудила", "проснулся", "проснулась", "разбудило"),
    "relieved_by": ("relief", "relieved", "помогло", "что помогло"),
    "notes": ("note", "comment", "comments", "заметки", "примечание", "примечания", "комментарий"),
    "date": ("day", "дата", "день"),
    "stretched_before_bed": ("stretched", "stretching", "растяжка", "растяжка перед сном"),
    "fluid_litres": (
        "fluid",
        "fluids",
        "water",
        "water (l)",
        "fluid (l)",
        "жидкость",
        "жидкость (л)",
        "вода",
        "вода (л)",
    ),
    "caffeine_drinks": ("caffeine", "coffee", "кофеин", "кофе", "кофе (чашек)"),
    "alcohol_units": ("alcohol", "алкоголь", "алкоголь (порций)"),
    "exercise_minutes": (
        "exercise",
        "exercise (min)",
        "нагрузка",
        "нагрузка (мин)",
        "упражнения",
        "спорт",
    ),
}

# Values people write, lower-cased, -> the spec's codes (vocabulary.yaml cramp_locations, SIDES).
SIDE_ALIASES = {
    "l": "left",
    "левая": "left",
    "левой": "left",
    "лев": "left",
    "слева": "left",
    "л": "left",
    "r": "right",
    "правая": "right",
    "правой": "right",
    "прав": "right",
    "справа": "right",
    "п": "right",
    "обе": "both",
    "оба": "both",
    "обеих": "both",
    "с обеих сторон": "both",
    "обе ноги": "both",
}
MUSCLE_ALIASES = {
    "икра": "calf",
    "икры": "calf",
    "икроножная": "calf",
    "икроножная мышца": "calf",
    "стопа": "foot",
    "ступня": "foot",
    "подошва": "foot",
    "свод стопы": "foot",
    "sole": "foot",
    "пальцы": "toes",
    "пальцы ног": "toes",
    "пальцы стопы": "toes",
    "передняя поверхность голени": "shin",
    "голень спереди": "shin",
    "бедро сзади": "thigh_back",
    "задняя поверхность бедра": "thigh_back",
    "hamstring": "thigh_back",
    "hamstrings": "thigh_back",
    "бедро спереди": "thigh_front",
    "передняя поверхность бедра": "thigh_front",
    "quadriceps": "thigh_front",
    "quads": "thigh_front",
    "ягодица": "buttock",
    "бедро и ягодица": "buttock",
    "вся нога": "whole_leg",
    "руки": "arms_hands",
    "кисти": "arms_hands",
    "руки и кисти": "arms_hands",
    "всё тело": "generalized",
    "все тело": "generalized",
}
# Words that name more than one code: refused with the choice rather than guessed.
AMBIGUOUS_MUSCLES = {
    "бедро": "'бедро сзади' (thigh_back) or 'бедро спереди' (thigh_front)",
    "thigh": "thigh_back or thigh_front",
    "голень": "'икра' (calf) or 'голень спереди' (shin)",
}
RELIEF_ALIASES = {
    "растяжка": "stretch",
    "растягивание": "stretch",
    "ходьба": "walk",
    "походил": "walk",
    "массаж": "massage",
    "тепло": "heat",
    "грелка": "heat",
    "другое": "other",
}
# Only Russian words: English cells stay true/false as the spec says (yes/no is refused there).
BOOL_ALIASES = {"да": "true", "истина": "true", "нет": "false", "ложь": "false"}
# Excel stores a date as days since 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")  # 10000..99999: the years 1927..2173
_SHORT_HOUR = re.compile(r"(.*\s)(\d)(:\d\d(?::\d\d)?)")  # "30.11.2026 3:10" -> 03:10

ENCODINGS = (("utf-8-sig", "UTF-8 with BOM"), ("utf-8", "UTF-8"), ("cp1251", "Windows-1251"))
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class NotText(ValueError):
    """The bytes are neither UTF-8 nor Windows-1251 text."""


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding named for a person): UTF-8 strictly first, then Windows-1251."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            raise NotText(f"starts like UTF-8 but byte {exc.start + 3} is not UTF-8") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotText('it is UTF-16 text, e.g. Excel\'s "Unicode text"')
    if b"\x00" in raw:
        # UTF-16 (Excel's "Unicode text") or a binary file: a person must save it again.
        raise NotText("contains NUL bytes (UTF-16 text or not a text file at all)")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1251"), "Windows-1251"
    except UnicodeDecodeError as exc:
        raise NotText(f"byte {exc.start} is not UTF-8 or Windows-1251") from None


def sniff_delimiter(first_line: str) -> str:
    """``,`` ``;`` or tab, from the header line: the one that splits it into the most known column
    names (so ``Длительность, с;Мышца`` is ``;``-separated), then the most columns."""
    scores = {}
    for delimiter in DELIMITER_NAMES:
        names = next(csv.reader([first_line], delimiter=delimiter), [])
        known = sum(_norm(name) in _BY_NAME for name in names)
        scores[delimiter] = (known, len(names))
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best][1] > 1 else ","


def _norm(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().lower().replace("ё", "е").split())


_BY_NAME: dict[str, str] = {
    _norm(alias): canonical
    for canonical, aliases in COLUMN_ALIASES.items()
    for alias in (canonical, *aliases)
}
_KNOWN = (*EPISODE_FIELDS, *DAY_LOG_FIELDS)


@dataclass
class HeaderMap:
    """How a file's columns map to the spec's: ``columns[i]`` is the canonical name or None."""

    kind: str | None
    columns: list[str | None]
    extras: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    joined_time: int | None = None  # index of a time-of-day column joined onto the date column

    def mapping(self, header: Sequence[str]) -> list[tuple[str, str]]:
        """(file's name, canonical name) pairs, for the summary."""
        out = [(h, c) for h, c in zip(header, self.columns, strict=True) if c is not None]
        if self.joined_time is not None:
            out.append((header[self.joined_time], "started_at (time of day)"))
        return out


def map_header(header: Sequence[str]) -> HeaderMap:
    """Match columns by name (English or Russian, any case); see the module docstring."""
    names = [_norm(h) for h in header]
    mapped = [_BY_NAME.get(n) for n in names]
    problems: list[str] = []
    extras: list[str] = []
    for raw, name, canonical in zip(header, names, mapped, strict=True):
        if canonical is not None or not name:
            continue
        close = difflib.get_close_matches(name, _KNOWN, n=1, cutoff=0.8)
        if close:
            problems.append(f"header: unknown column {raw.strip()!r}; did you mean {close[0]!r}?")
        else:
            extras.append(raw.strip())
    present = {c for c in mapped if c is not None}
    joined: int | None = None
    if "time" in present:
        i_time = mapped.index("time")
        if "started_at" not in present and "date" in present:
            joined = i_time  # separate date and time columns: an episode file
            mapped[i_time] = None
            mapped[mapped.index("date")] = "started_at"
        elif "started_at" not in present:
            mapped[i_time] = "started_at"  # a lone "время" column holds date and time
        else:
            mapped[i_time] = None
            extras.append(header[i_time].strip())
    present = {c for c in mapped if c is not None}
    kind = "episodes" if "started_at" in present else "day_logs" if "date" in present else None
    if kind is not None:
        own = set(EPISODE_FIELDS if kind == "episodes" else DAY_LOG_FIELDS)
        for i, canonical in enumerate(mapped):
            if canonical is not None and canonical not in own:
                extras.append(header[i].strip())  # e.g. a fluid column in an episode file
                mapped[i] = None
        for canonical in sorted({c for c in mapped if c is not None}):
            same = [header[i].strip() for i, c in enumerate(mapped) if c == canonical]
            if len(same) > 1 and len(set(same)) > 1:
                problems.append(
                    f"header: columns {', '.join(map(repr, same))} all mean {canonical!r}; keep one"
                )
    return HeaderMap(kind=kind, columns=mapped, extras=extras, problems=problems, joined_time=joined)


def header_hint(header: Sequence[str], delimiter: str) -> str:
    """Why a header names neither started_at nor date, in words that point at the cause."""
    mapped = {_BY_NAME.get(_norm(h)) for h in header} - {None}
    if mapped & (set(DAY_LOG_FIELDS) - {"date", "notes"}):
        return "this looks like a day-log file but has no date column (date or дата)"
    if mapped & {"muscle", "side", "severity", "duration_s"}:
        return (
            "this looks like an episode file but has no column with the start time "
            "(started_at, начало or дата и время)"
        )
    if len(header) == 1 and len(header[0].strip()) > 12:
        return "the header is one single column: separate the columns with a comma, semicolon or tab"
    return f"found columns {', '.join(repr(h.strip()) for h in header[:8])}"


# --- times -------------------------------------------------------------------------------------


class _SystemZone(dt.tzinfo):
    """This computer's zone when it has no IANA name: the C library's local time, DST included."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
        local = (d or dt.datetime.now()).replace(tzinfo=None).astimezone()
        return local.utcoffset() or dt.timedelta(0)

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, d: dt.datetime | None) -> str:
        return "this computer's time zone"


def machine_zone() -> dt.tzinfo:
    """This computer's zone, as a zoneinfo zone when its name can be found (DST by zoneinfo)."""
    from zoneinfo import ZoneInfo

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ValueError, OSError):
                continue
    return _SystemZone()


def zone_name(zone: dt.tzinfo) -> str:
    return getattr(zone, "key", None) or zone.tzname(None) or str(zone)


def localise(naive: dt.datetime, zone: dt.tzinfo, field: str) -> dt.datetime:
    """A wall-clock time in ``zone``; a time skipped when the clocks went forward is refused, and
    one that happened twice when they went back is read as the first (summer-time) one."""
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise FieldProblem(
            field,
            f"{naive.isoformat(sep=' ', timespec='minutes')} does not exist in {zone_name(zone)} "
            "(the clocks went forward); give the time with its UTC offset",
        )
    return aware


def excel_serial(text: str) -> dt.datetime | None:
    """An Excel serial date (``46356`` or ``46356.13``) as a naive datetime, else None."""
    text = text.strip()
    if not _EXCEL_SERIAL.fullmatch(text):
        return None
    value = EXCEL_EPOCH + dt.timedelta(days=read_decimal(text))
    return value.replace(microsecond=0) + dt.timedelta(seconds=round(value.microsecond / 1e6))


def _local_text(text: str) -> tuple[dt.date, dt.time | None] | None:
    """A date and optional time written without an offset, by the shared reader, else None."""
    text = _SHORT_HOUR.sub(r"\g<1>0\2\3", text.strip())
    try:
        return read_local_time(text)
    except ValueError:
        return None


# --- cells -------------------------------------------------------------------------------------


@dataclass
class CellReader:
    """Rewrites one row of a file's cells into canonical cells in ``fields`` order."""

    header_map: HeaderMap
    fields: Sequence[str]
    zone: dt.tzinfo | None
    offsetless: int = 0  # started_at cells without an offset, for the file-level hint
    _memo: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = {c: i for i, c in enumerate(self.header_map.columns) if c is not None}
        self.index = [where.get(name) for name in self.fields]
        self.converters: dict[str, Callable[[str], str]] = {
            "started_at": self._started_at,
            "date": self._date,
            "muscle": lambda t: _code(t, MUSCLE_ALIASES, "muscle", muscles()),
            "side": lambda t: _code(t, SIDE_ALIASES, "side", frozenset(SIDES)),
            "woke_from_sleep": _bool,
            "stretched_before_bed": _bool,
            "relieved_by": _relief,
            "duration_s": _whole,
            "severity": _whole,
        }

    def __call__(self, cells: Sequence[str]) -> tuple[list[str], list[FieldProblem]]:
        out: list[str] = []
        problems: list[FieldProblem] = []
        joined = self.header_map.joined_time
        for name, i in zip(self.fields, self.index, strict=True):
            text = cells[i] if i is not None else ""
            if joined is not None and name == "started_at":
                text = f"{text.strip()} {cells[joined].strip()}"
            convert = self.converters.get(name)
            if convert is not None and text:
                try:
                    text = self._convert(name, convert, text)
                except FieldProblem as exc:
                    problems.append(exc)
            out.append(text)
        return out, problems

    def _convert(self, name: str, convert: Callable[[str], str], text: str) -> str:
        if name in ("started_at", "date"):
            return convert(text)  # distinct on almost every row: memoising would only cost memory
        key = (name, text)
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = convert(text)
            return value

    def _started_at(self, text: str) -> str:
        try:
            if dt.datetime.fromisoformat(text.strip()).tzinfo is not None:
                return text  # canonical: leave every check to the shared validator
        except ValueError:
            pass
        serial = excel_serial(text)
        if serial is not None:
            naive = serial
            if serial.time() == dt.time(0):
                raise FieldProblem("started_at", f"{text.strip()!r} is a date without a time of day")
        else:
            found = _local_text(text)
            if found is None:
                return text  # the validator says what is expected
            day, clock = found
            if clock is None:
                raise FieldProblem(
                    "started_at", f"{text.strip()!r} has no time of day; give one, e.g. 30.11.2026 03:10"
                )
            if clock.tzinfo is not None:
                return dt.datetime.combine(day, clock).isoformat()
            naive = dt.datetime.combine(day, clock)
        self.offsetless += 1
        if self.zone is None:
            return text  # refused by the validator ("has no UTC offset"); the file gets a hint
        return localise(naive, self.zone, "started_at").isoformat()

    @staticmethod
    def _date(text: str) -> str:
        try:
            dt.date.fromisoformat(text)
            return text  # canonical: the shared validator does every check
        except ValueError:
            pass
        serial = excel_serial(text)
        if serial is not None:
            return serial.date().isoformat()
        found = _local_text(text)
        if found is not None and found[1] in (None, dt.time(0)):
            return found[0].isoformat()  # "30.11.2026" or Excel's "30.11.2026 0:00"
        try:
            return read_date(text).isoformat()
        except ValueError:
            return text


def _code(text: str, aliases: dict[str, str], field_name: str, codes: frozenset[str]) -> str:
    """A code from its Russian word or any-case spelling; anything else is left for the validator."""
    value = _norm(text)
    if field_name == "muscle" and value in AMBIGUOUS_MUSCLES:
        raise FieldProblem("muscle", f"{text.strip()!r} is ambiguous; write {AMBIGUOUS_MUSCLES[value]}")
    return aliases.get(value) or (value if value in codes else text)


def _bool(text: str) -> str:
    return BOOL_ALIASES.get(_norm(text), text)


def _relief(text: str) -> str:
    """Russian words for the relief codes, separated by ``;`` or ``,``; others left as written."""
    items = [i.strip() for i in re.split(r"[;,]", text) if i.strip()]
    if not any(_norm(i) in RELIEF_ALIASES for i in items):
        return text
    return ";".join(RELIEF_ALIASES.get(_norm(i), i) for i in items)


_WHOLE_WITH_ZEROS = re.compile(r"\s*\d+[.,]0+\s*")


def _whole(text: str) -> str:
    """``90,0`` or ``90.0`` from a spreadsheet's number format is the whole number 90."""
    if not _WHOLE_WITH_ZEROS.fullmatch(text):
        return text
    return str(int(read_decimal(text)))


def sniff_file(raw: bytes) -> tuple[str, str, str]:
    """(text, encoding, delimiter) of a CSV file's bytes; raises ``NotText``."""
    text, encoding = decode(raw)
    first = next(iter(text.splitlines()), "")
    return text, encoding, sniff_delimiter(first)


__all__ = [
    "COLUMN_ALIASES",
    "CellReader",
    "HeaderMap",
    "NotText",
    "decode",
    "header_hint",
    "localise",
    "machine_zone",
    "map_header",
    "sniff_delimiter",
    "sniff_file",
    "zone_name",
]
