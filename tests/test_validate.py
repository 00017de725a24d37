"""The input validator (``jsonschema_rs`` with crampcare's wording) agrees with the ``jsonschema``
reference implementation on the spec schema, and names the field of every problem."""

from __future__ import annotations

from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.assess.validate import problems_of
from crampcare.spec import schema
from tests.test_assess_cli import VALID_INPUTS

REFERENCE = jsonschema.Draft202012Validator(schema("assessment-input"))
JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 500)
    | st.floats(-5, 500, allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["age_years", "sex", "findings", "cramps", "labs", "lifestyle", "medications", "pregnancy", "vitals"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_INPUTS, st.sampled_from(FIELDS), JSONISH)
def test_same_verdict_as_jsonschema(data: dict[str, Any], field: str, junk: Any) -> None:
    mutated = {**data, field: junk}
    for candidate in (data, mutated):
        ours = problems_of(candidate)
        assert (not ours) == (REFERENCE.is_valid(candidate) and not _present_and_absent(candidate)), (
            candidate,
            ours,
        )


def _present_and_absent(item: Any) -> bool:
    """The one rule the schema cannot state (v2): a finding may not be both present and absent."""
    if not isinstance(item, dict):
        return False
    present, absent = item.get("findings"), item.get("absent_findings")
    return isinstance(present, list) and isinstance(absent, list) and bool(set(present) & set(absent))


def test_a_finding_cannot_be_present_and_absent() -> None:
    item = {
        "age_years": 50,
        "sex": "male",
        "findings": ["chest_pain"],
        "absent_findings": ["fever", "chest_pain"],
    }
    assert problems_of(item) == ["input.absent_findings[1]: 'chest_pain' is also listed in findings"]
    assert problems_of({**item, "absent_findings": ["fever"]}) == []


def test_messages_name_the_path() -> None:
    assert problems_of({"age_years": 50, "sex": "male", "cramps": {"side": "up"}}) == [
        "input.cramps.side: unknown code 'up'"
    ]
    assert problems_of([1], "input") == ["input: must be an object"]


def test_a_value_json_cannot_hold_is_named_not_a_traceback() -> None:
    import datetime as dt

    item = {"age_years": dt.date(2026, 1, 1), "sex": "male", "labs": {1: 2.0}}
    assert problems_of(item) == [
        "input.age_years: must be a JSON value (a number, text, true or false, a list or an object)",
        "input.labs: field name 1 is not text",
    ]
