"""Every triage rule fires on its own pattern and stays quiet on a near miss.

Each case is a realistic input, run through the whole engine (feature derivation included), not
just the rule expression. A rule without cases here fails ``test_every_rule_has_cases``.
"""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.knowledge import load
from crampcare.knowledge.common import TRIAGE_ORDER
from tests.helpers import flag_ids, person, run
from tests.rule_cases import CASES, EXPECTED


def fired(result: Any) -> set[str]:
    reasons = set(result.triage.reasons)
    kb = load()
    return {r.id for r in kb.rules if r.message in reasons} | flag_ids(result)


def test_every_rule_has_cases() -> None:
    assert {r.id for r in load().rules} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_pattern(rule_id: str) -> None:
    assert rule_id in fired(run(CASES[rule_id][0]))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_quiet_on_near_miss(rule_id: str) -> None:
    assert rule_id not in fired(run(CASES[rule_id][1]))


def test_every_rule_has_an_expected_level() -> None:
    """Every rule, in every rules file, has a level written by hand from its clinical source."""
    rules = {r.id for r in load().rules}
    assert sorted(rules - set(EXPECTED)) == [], "rules without a hand-written EXPECTED level"
    assert sorted(set(EXPECTED) - rules) == [], "EXPECTED names rules that no longer exist"
    for rule_id, (level, source) in EXPECTED.items():
        assert level in TRIAGE_ORDER, rule_id
        assert source.strip(), f"{rule_id}: say which source sets the level"


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_rule_level_is_reached(rule_id: str) -> None:
    """The firing case reaches at least the level the rule's clinical source demands."""
    want = EXPECTED[rule_id][0]
    result = run(CASES[rule_id][0])
    assert TRIAGE_ORDER.index(result.triage.level) >= TRIAGE_ORDER.index(want), (
        f"{rule_id}: {result.triage.level}, but {EXPECTED[rule_id][1]} demands {want}"
    )


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_rule_itself_is_not_below_its_source(rule_id: str) -> None:
    """The rule's own level is not below the source's, even when another rule lifts its case."""
    rule = next((r for r in load().rules if r.id == rule_id), None)
    assert rule is not None, f"{rule_id}: no such rule"
    want = EXPECTED[rule_id][0]
    assert TRIAGE_ORDER.index(rule.level) >= TRIAGE_ORDER.index(want), (
        f"{rule_id} is {rule.level}, but {EXPECTED[rule_id][1]} demands {want}"
    )


def test_red_flag_wins_over_benign_picture() -> None:
    """A textbook benign cramp plus one emergency sign is still an emergency."""
    benign = person(
        age_years=70,
        cramps={"timing": ["night"], "locations": ["calf"], "side": "both", "episodes_per_week": 1},
        findings=[
            "sudden_painful_tightening",
            "visible_or_palpable_knot",
            "relieved_by_stretching",
            "chest_pain",
        ],
    )
    result = run(benign)
    assert result.triage.level == "emergency"
    assert result.differential[0].condition == "nocturnal_leg_cramps"  # the score still says cramps
    assert [r.id for r in result.recommendations if r.category == "action"] == ["call_emergency_services"]
