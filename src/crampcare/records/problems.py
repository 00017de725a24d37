"""What a bad record value raises: one problem per field, worded once for every edge."""

from __future__ import annotations

from collections.abc import Sequence


class FieldProblem(ValueError):
    """A bad value for one field: ``problem`` is the message a person reads after the field name."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class RecordProblems(ValueError):
    """Every problem of one record; ``problems`` are ``field: problem`` lines for a person."""

    def __init__(self, found: Sequence[FieldProblem]) -> None:
        self.found = list(found)
        self.problems = [f"{p.field}: {p.problem}" for p in self.found]
        super().__init__("; ".join(self.problems))
