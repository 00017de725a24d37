"""One way for every command to report bad input: one line per problem on stderr, then exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer


class CliError(Exception):
    """Bad input or a failed operation that the user can fix; never shown as a traceback."""

    def __init__(self, lines: str | Iterable[str], code: int = 2) -> None:
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        self.code = code
        super().__init__("; ".join(self.lines))


def fail(lines: str | Iterable[str], code: int = 2) -> typer.Exit:
    """Print the problems to stderr and return the ``typer.Exit`` to raise."""
    import typer  # here, not at the top: ``crampcare assess`` runs without Typer (cli.main)

    for line in [lines] if isinstance(lines, str) else lines:
        print(line, file=sys.stderr)
    return typer.Exit(code)


def read_json(source: str, name: str) -> Any:
    """Parse JSON from a file path or ``-`` (standard input); problems name ``name`` and the place."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as err:
        raise fail(f"{name}: cannot read {source}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise fail(f"{name}: {source} is not UTF-8 text") from None
    from crampcare.assess.validate import loads_strict

    try:
        return loads_strict(text)
    except json.JSONDecodeError as err:
        raise fail(f"{name}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    except RecursionError:
        raise fail(f"{name}: JSON nested too deeply") from None
    except ValueError as err:  # NaN or Infinity: Python reads them, JSON does not have them
        raise fail(f"{name}: not valid JSON ({err})") from None


def as_options(problems: list[str], option_of: dict[str, str], default_prefix: str = "") -> list[str]:
    """Name each problem's field as the person typed it (``started_at: ...`` -> ``--at: ...``).

    A field missing from ``option_of`` keeps its name, or becomes ``default_prefix + field``."""
    out = []
    for line in problems:
        field, sep, rest = line.partition(": ")
        name = option_of.get(field, default_prefix + field if default_prefix else field)
        out.append(f"{name}{sep}{rest}" if sep else line)
    return out
