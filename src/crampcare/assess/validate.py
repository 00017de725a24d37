"""Check raw JSON against the input schema, with one plain message per problem.

Messages name the field path the way the spec shows: ``input[3].cramps.episodes_per_week: must be
>= 0``. A batch is all-or-nothing: one bad item fails the whole batch.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from crampcare.assess.models import AssessmentInput
from crampcare.spec import schema


class InputError(ValueError):
    """The input does not meet the contract; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema("assessment-input"))


def _path(prefix: str, err: ValidationError) -> str:
    out = prefix
    for part in err.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _message(err: ValidationError) -> str:
    v, value = err.validator, err.instance
    if v == "minimum":
        return f"must be >= {err.validator_value}"
    if v == "maximum":
        return f"must be <= {err.validator_value}"
    if v == "enum":
        return f"unknown code {value!r}"
    if v == "type":
        expected = err.validator_value
        names = {
            "number": "a number",
            "integer": "a whole number",
            "boolean": "true or false",
            "string": "text",
            "array": "a list",
            "object": "an object",
        }
        wanted = " or ".join(
            names.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected])
        )
        return f"must be {wanted}"
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"{missing}: is required"
    if v == "additionalProperties":
        extra = sorted(set(value) - set(err.schema.get("properties", {}))) if isinstance(value, dict) else []
        return f"unknown field{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}"
    if v == "uniqueItems":
        return "must not repeat an item"
    if v in ("minLength", "maxLength", "maxItems", "minItems"):
        return f"{v.replace('L', ' l').replace('I', ' i').lower()} is {err.validator_value}"
    return err.message


def problems_of(item: Any, prefix: str = "input") -> list[str]:
    """Every problem of one AssessmentInput-shaped value, sorted by path."""
    found: list[tuple[str, str]] = []
    for err in _validator().iter_errors(item):
        path, msg = _path(prefix, err), _message(err)
        if err.validator == "required":  # name the missing field itself
            name, _, msg = msg.partition(": ")
            path = f"{path}.{name}"
        found.append((path, msg))
    return [f"{p}: {m}" for p, m in sorted(set(found))]


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
