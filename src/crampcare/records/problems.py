"""What a bad record value raises: one problem per field, worded once for every edge.

Both are ``crampcare.errors.Problems``, so the web's one handler answers 422 and the CLI's exits 2."""

from __future__ import annotations

from collections.abc import Sequence

from crampcare.errors import Problem, Problems


class FieldProblem(Problems):
    """A bad value for one field: ``problem`` is the message a person reads after the field name."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__([Problem(field, problem)])


class RecordProblems(Problems):
    """Every problem of one record; ``problems`` are ``field: problem`` lines for a person."""

    separator = "; "

    def __init__(self, found: Sequence[FieldProblem]) -> None:
        self.found = list(found)
        super().__init__([Problem(p.field, p.problem) for p in self.found])
