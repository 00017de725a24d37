"""One error type for bad FHIR input: one line per problem, each naming the entry and field."""

from __future__ import annotations

from collections.abc import Sequence


class FhirError(ValueError):
    """A FHIR resource or bundle we cannot accept; ``problems`` are lines for a person to read."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
