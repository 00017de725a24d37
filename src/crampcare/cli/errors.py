"""One way for every command to report bad input: one line per problem on stderr, then exit."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import typer


class CliError(Exception):
    """Bad input or a failed operation that the user can fix; never shown as a traceback."""

    def __init__(self, lines: str | Iterable[str], code: int = 2) -> None:
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        self.code = code
        super().__init__("; ".join(self.lines))


def fail(lines: str | Iterable[str], code: int = 2) -> typer.Exit:
    """Print the problems to stderr and return the ``typer.Exit`` to raise."""
    for line in [lines] if isinstance(lines, str) else lines:
        print(line, file=sys.stderr)
    return typer.Exit(code)
