"""``crampcare assess`` on the command line: JSON, batches, text, languages and bad input.

Property tests: every schema-valid input gives a schema-valid, deterministic result; every invalid
input exits 2 with a message naming the field, and prints nothing on stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crampcare.cli import app
from crampcare.spec import schema
from tests.helpers import person

RUNNER = CliRunner()
RESULT_SCHEMA = jsonschema.Draft202012Validator(schema("assessment-result"))
INPUT_SCHEMA = schema("assessment-input")


def invoke(*args: str, stdin: str | None = None) -> Any:
    return RUNNER.invoke(app, ["assess", *args], input=stdin)


def from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A Hypothesis strategy for the subset of JSON Schema the input schema uses."""
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        required = set(node.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in required},
            optional={k: from_schema(v) for k, v in props.items() if k not in required},
        )
    if kind == "array":
        items = from_schema(node["items"])
        unique = node.get("uniqueItems", False)
        return st.lists(items, max_size=min(node.get("maxItems", 6), 6), unique=unique)
    if kind == "number":
        return st.floats(node.get("minimum", -1e6), node.get("maximum", 1e6), allow_nan=False)
    if kind == "integer":
        return st.integers(node.get("minimum", -(10**6)), node.get("maximum", 10**6))
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return st.text(min_size=node.get("minLength", 0), max_size=40)
    raise AssertionError(f"unsupported schema node {node}")


def _consistent(data: dict[str, Any]) -> dict[str, Any]:
    """Drop absent findings that are also present: the one rule the schema cannot state (v2)."""
    if "findings" in data and "absent_findings" in data:
        data = {**data, "absent_findings": [c for c in data["absent_findings"] if c not in data["findings"]]}
    return data


VALID_INPUTS = from_schema(INPUT_SCHEMA).map(_consistent)


@pytest.mark.slow  # 60 generated cases through the CLI
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_INPUTS)
def test_any_valid_input_gives_a_valid_deterministic_result(data: dict[str, Any]) -> None:
    first = invoke("--input", "-", stdin=json.dumps(data))
    assert first.exit_code == 0, first.output
    result = json.loads(first.stdout)
    errors = list(RESULT_SCHEMA.iter_errors(result))
    assert not errors, errors[0].message
    again = invoke("--input", "-", stdin=json.dumps(data))
    assert again.stdout == first.stdout


BREAKERS = [
    ("age_years", -1, "input.age_years: must be >= 0"),
    ("age_years", "old", "input.age_years: must be a number"),
    ("sex", "robot", "input.sex: unknown code 'robot'"),
    ("findings", ["sudden_painful_tightening", "hiccups"], "input.findings[1]: unknown code 'hiccups'"),
    ("cramps", {"episodes_per_week": -2}, "input.cramps.episodes_per_week: must be >= 0"),
    ("labs", {"potassium_mmol_l": 99}, "input.labs.potassium_mmol_l: must be <= 15"),
    ("shoe_size", 42, "input: unknown field 'shoe_size'"),
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_INPUTS, st.sampled_from(BREAKERS))
def test_any_invalid_input_exits_2_naming_the_field(
    data: dict[str, Any], breaker: tuple[str, Any, str]
) -> None:
    field, value, message = breaker
    broken = {**data, field: value}
    out = invoke("--input", "-", stdin=json.dumps(broken))
    assert out.exit_code == 2
    assert out.stdout == ""
    assert message in out.stderr.splitlines()
    assert "Traceback" not in out.stderr


def test_missing_required_fields_are_named() -> None:
    out = invoke("--input", "-", stdin="{}")
    assert out.exit_code == 2
    assert set(out.stderr.splitlines()) == {"input.age_years: is required", "input.sex: is required"}


def test_batch_failure_names_the_item_and_fails_whole_batch() -> None:
    batch = [person(), person(cramps={"episodes_per_week": -1}), person()]
    out = invoke("--input", "-", stdin=json.dumps(batch))
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.strip() == "input[1].cramps.episodes_per_week: must be >= 0"


def test_batch_returns_an_array_in_order() -> None:
    batch = [person(age_years=30), person(age_years=80, findings=["chest_pain"])]
    out = invoke("--input", "-", stdin=json.dumps(batch))
    assert out.exit_code == 0
    results = json.loads(out.stdout)
    assert [r["triage"]["level"] for r in results] == ["self_care", "emergency"]


def test_not_json_and_unreadable_file(tmp_path: Path) -> None:
    out = invoke("--input", "-", stdin="{not json")
    assert out.exit_code == 2 and out.stderr.startswith("input: not valid JSON (line 1")
    missing = invoke("--input", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr


def test_text_format_spells_out_the_level() -> None:
    out = invoke("--input", "-", "--format", "text", stdin=json.dumps(person(findings=["chest_pain"])))
    assert out.exit_code == 0
    assert "EMERGENCY" in out.stdout
    assert "not a diagnosis" in " ".join(out.stdout.split())


def test_russian_text_and_bad_language() -> None:
    out = invoke("--input", "-", "--lang", "ru", stdin=json.dumps(person(findings=["chest_pain"])))
    assert out.exit_code == 0
    result = json.loads(out.stdout)
    assert result["triage"]["level"] == "emergency"
    bad = invoke("--input", "-", "--lang", "xx", stdin="{}")
    assert bad.exit_code == 2 and "--lang" in bad.stderr


def test_real_process_exit_code_and_clean_stderr() -> None:
    exe = Path(sys.executable).with_name("crampcare")
    proc = subprocess.run(
        [str(exe), "assess", "--input", "-"],
        input='{"age_years": 200, "sex": "female"}',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "input.age_years: must be <= 120"
