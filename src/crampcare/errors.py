"""One error model for bad input: a ``Problems`` exception holding one ``Problem`` per field or line.

Every validation error in crampcare (assessment input, diary rows, FHIR resources, CLI options, the
knowledge base, database URLs) is a ``Problems``. A problem names *where* (a field path such as
``input[3].cramps.episodes_per_week``, or a line such as ``line 4``) and *what*: an English message
id with ``{placeholders}`` and the values to fill them, so a shell can translate the id before
filling it. ``str(problem)`` is the line people read today (``where: message``), so the web's
``problems`` list, the CLI's stderr lines and the JSON ``detail`` keep their shape.

The web maps ``Problems`` to HTTP 422 and the CLI to exit code 2, each in one handler. This module is
at the bottom of the layers: it imports nothing from crampcare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

Translate = Callable[..., str]


def _same(text: str, /, **params: Any) -> str:
    return text.format(**params) if params else text


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (``where``, empty for the whole input) and an English message id."""

    where: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, line: str) -> Problem:
        """A problem from a ``where: message`` line (the form older code produced)."""
        where, sep, message = line.partition(": ")
        return cls(where, message) if sep else cls("", line)

    def text(self, tr: Translate = _same) -> str:
        """The message in ``tr``'s language, placeholders filled (no ``where``)."""
        return tr(self.message, **self.params) if self.params else tr(self.message)

    def line(self, tr: Translate = _same) -> str:
        """``where: message`` as one line, the form the CLI prints and the API lists."""
        text = self.text(tr)
        return f"{self.where}: {text}" if self.where else text

    def __str__(self) -> str:
        return self.line()


ProblemLike = Problem | str


def _as_problems(problems: ProblemLike | Iterable[ProblemLike]) -> list[Problem]:
    items = [problems] if isinstance(problems, (str, Problem)) else list(problems)
    return [p if isinstance(p, Problem) else Problem.parse(p) for p in items]


class Problems(ValueError):
    """Bad input that the person can fix; ``items`` holds one ``Problem`` per field or line.

    ``problems`` gives the same as plain lines (``where: message``), which is what existing callers
    and the JSON ``problems`` list use. ``separator`` joins the lines into ``str(error)``.
    """

    separator: ClassVar[str] = "\n"

    def __init__(self, problems: ProblemLike | Iterable[ProblemLike]) -> None:
        self.items: list[Problem] = _as_problems(problems)
        super().__init__(self.separator.join(str(p) for p in self.items))

    @property
    def problems(self) -> list[str]:
        return [str(p) for p in self.items]

    def lines(self, tr: Translate = _same) -> list[str]:
        """The problems as lines in ``tr``'s language."""
        return [p.line(tr) for p in self.items]

    @classmethod
    def one(cls, where: str, message: str, /, **params: Any) -> Problems:
        """A single problem; ``message`` is an English id with ``{placeholders}`` filled by ``params``."""
        return cls([Problem(where, message, params)])
