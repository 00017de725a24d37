"""Check raw JSON against the input schema, with one plain message per problem.

Messages name the field path the way the spec shows: ``input[3].cramps.episodes_per_week: must be
>= 0``. A batch is all-or-nothing: one bad item fails the whole batch.

The schema file in ``crampcare/spec`` is the single source of truth. It uses a small subset of JSON
Schema (objects, arrays, enums, numbers, booleans, strings and their bounds), interpreted here
directly rather than through the ``jsonschema`` package, whose import alone takes longer than a
whole assessment; ``tests/test_validate.py`` checks this interpreter against ``jsonschema``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


class InputError(Problems):
    """The input does not meet the contract; ``problems`` has one line per problem."""


def _is(kind: str, value: Any) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    raise ValueError(f"unsupported schema type {kind!r}")


def _check(node: dict[str, Any], value: Any, path: str) -> Iterator[tuple[str, str]]:
    if "enum" in node:
        if value not in node["enum"] or isinstance(value, bool) != any(
            isinstance(e, bool) for e in node["enum"]
        ):
            yield path, f"unknown code {value!r}"
        return
    kind = node.get("type")
    if kind is not None and not _is(kind, value):
        yield path, f"must be {TYPE_NAMES.get(kind, kind)}"
        return
    if kind in ("number", "integer"):
        if "minimum" in node and value < node["minimum"]:
            yield path, f"must be >= {node['minimum']}"
        if "maximum" in node and value > node["maximum"]:
            yield path, f"must be <= {node['maximum']}"
    elif kind == "string":
        if len(value) < node.get("minLength", 0):
            yield path, f"must have at least {node['minLength']} character(s)"
        if "maxLength" in node and len(value) > node["maxLength"]:
            yield path, f"must have at most {node['maxLength']} characters"
    elif kind == "array":
        if "maxItems" in node and len(value) > node["maxItems"]:
            yield path, f"must have at most {node['maxItems']} items"
        if node.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
            yield path, "must not repeat an item"
        for i, item in enumerate(value):
            yield from _check(node["items"], item, f"{path}[{i}]")
    elif kind == "object":
        props = node.get("properties", {})
        extra = sorted(k for k in value if k not in props)
        if extra and node.get("additionalProperties") is False:
            plural = "s" if len(extra) > 1 else ""
            yield path, f"unknown field{plural} {', '.join(map(repr, extra))}"
        for name in node.get("required", []):
            if name not in value:
                yield f"{path}.{name}", "is required"
        for name, sub in props.items():
            if name in value:
                yield from _check(sub, value[name], f"{path}.{name}")


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
    found = set(_check(schema("assessment-input"), item, prefix))
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
