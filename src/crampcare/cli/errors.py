"""One way for every command to report bad input: one line per problem on stderr, then exit."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crampcare.errors import Problem, Problems

if TYPE_CHECKING:
    import typer


class CliError(Problems):
    """Bad input or a failed operation that the user can fix; never shown as a traceback."""

    separator = "; "

    def __init__(self, lines: str | Iterable[str], code: int = 2) -> None:
        super().__init__([Problem("", line) for line in ([lines] if isinstance(lines, str) else lines)])
        self.code = code


# top-level command -> (problem field -> the option the person typed, prefix for other fields)
OPTION_NAMES: dict[str, tuple[dict[str, str], str]] = {}


def name_options(command: str, option_of: dict[str, str], default_prefix: str = "") -> None:
    """Make the problems of ``command``'s subcommands name the options the person typed."""
    OPTION_NAMES[command] = (option_of, default_prefix)


def problem_lines(err: Problems, command: str | None) -> list[str]:
    """The lines the CLI prints for ``err`` raised under ``command`` (``crampcare COMMAND ...``)."""
    option_of, prefix = OPTION_NAMES.get(command or "", ({}, ""))
    return as_options(err.problems, option_of, prefix) if option_of or prefix else err.problems


def report(err: Problems, command: str | None) -> int:
    """Print ``err`` one problem a line on stderr; the exit code (2 unless the error carries one)."""
    for line in problem_lines(err, command):
        print(line, file=sys.stderr)
    return int(getattr(err, "code", 2))


def problems_group() -> type:
    """The Click group class of the ``crampcare`` app: the one place a ``Problems`` becomes exit 2."""
    import typer
    from typer.core import TyperGroup

    class ProblemsGroup(TyperGroup):
        def invoke(self, ctx: Any) -> Any:
            try:
                return super().invoke(ctx)
            except Problems as err:
                sys.stdout.flush()
                raise typer.Exit(report(err, ctx.invoked_subcommand)) from None

    return ProblemsGroup


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
