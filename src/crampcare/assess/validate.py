"""Check raw JSON against the input schema, with one plain message per problem.

Messages name the field path the way the spec shows: ``input[3].cramps.episodes_per_week: must be
>= 0``. A batch is all-or-nothing: one bad item fails the whole batch.

The schema file in ``crampcare/spec`` is the single source of truth; ``jsonschema_rs`` (a maintained
validator, compiled Rust, quick to import) checks it, and this module only words each error the
way the CLI and API print it. ``tests/test_validate.py`` checks the verdicts against ``jsonschema``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import jsonschema_rs

from crampcare.assess.models import AssessmentInput
from crampcare.errors import Problems
from crampcare.spec import schema

TYPE_NAMES = {
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "string": "text",
    "array": "a list",
    "object": "an object",
}
JSON_SCALARS = (str, int, float, bool, type(None))


class InputError(Problems):
    """The input does not meet the contract; ``problems`` has one line per problem."""


@cache
def _validator() -> Any:
    return jsonschema_rs.Draft202012Validator(schema("assessment-input"))


def _path(prefix: str, parts: Sequence[str | int]) -> str:
    return prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _message(error: Any, prefix: str) -> tuple[str, str]:
    """One validator error as (field path, message), in the words the CLI has always used."""
    kind = error.kind
    path = _path(prefix, list(error.instance_path))
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        return path, f"unknown code {error.instance!r}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        names = [TYPE_NAMES.get(t, t) for t in kind.types]
        return path, f"must be {' or '.join(names)}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Minimum):
        return path, f"must be >= {kind.limit}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Maximum):
        return path, f"must be <= {kind.limit}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MinLength):
        return path, f"must have at least {kind.limit} character(s)"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxLength):
        return path, f"must have at most {kind.limit} characters"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxItems):
        return path, f"must have at most {kind.limit} items"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.UniqueItems):
        return path, "must not repeat an item"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        extra = sorted(kind.unexpected)
        plural = "s" if len(extra) > 1 else ""
        return path, f"unknown field{plural} {', '.join(map(repr, extra))}"
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return f"{path}.{kind.property}", "is required"
    return path, str(error.message)  # a keyword the schema does not use today


def _not_json(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Values no JSON document holds (the validator refuses them outright): named by path."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                yield path, f"field name {key!r} is not text"
            else:
                yield from _not_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _not_json(item, f"{path}[{i}]")
    elif not isinstance(value, JSON_SCALARS):
        yield path, "must be a JSON value (a number, text, true or false, a list or an object)"


def _schema_problems(item: Any, prefix: str) -> set[tuple[str, str]]:
    not_json = set(_not_json(item, prefix))
    if not_json:
        return not_json
    return {_message(error, prefix) for error in _validator().iter_errors(item)}


def _contradictions(item: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """What the schema cannot say: a finding may not be both present and absent (v2)."""
    if not isinstance(item, dict):
        return
    present, absent = item.get("findings"), item.get("absent_findings")
    if isinstance(present, list) and isinstance(absent, list):
        for i, code in enumerate(absent):
            if code in present:
                yield f"{prefix}.absent_findings[{i}]", f"{code!r} is also listed in findings"


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number in JSON")


def loads_strict(text: str | bytes) -> Any:
    """Parse strict JSON: ``NaN`` and ``Infinity`` (which Python's parser accepts) are errors.

    Raises ``json.JSONDecodeError`` for malformed text and ``ValueError`` for the constants.
    """
    import json

    return json.loads(text, parse_constant=_reject_constant)


def problems_of(item: Any, prefix: str = "input") -> list[str]:
    """Every problem of one AssessmentInput-shaped value, sorted by path."""
    found = _schema_problems(item, prefix)
    found |= set(_contradictions(item, prefix))
    return [f"{p}: {m}" for p, m in sorted(found)]


def parse_inputs(data: Any) -> tuple[list[AssessmentInput], bool]:
    """Validate one object or a batch; return the inputs and whether it was a batch."""
    if isinstance(data, list):
        found = [p for i, item in enumerate(data) for p in problems_of(item, f"input[{i}]")]
        if found:
            raise InputError(found)
        return [AssessmentInput.model_validate(item) for item in data], True
    found = problems_of(data)
    if found:
        raise InputError(found)
    return [AssessmentInput.model_validate(data)], False
