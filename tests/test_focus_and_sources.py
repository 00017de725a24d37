"""Safety nets and focus: advice for ordinary cramps gives way to red flags, and actions cite
sources about the red flags that called for them (issue 8, point 4)."""

from __future__ import annotations

import pytest

from crampcare.knowledge import load
from tests.helpers import person, rec_grades, run
from tests.rule_cases import CASES

TRUE_CRAMP = {"timing": ["night"], "locations": ["calf"], "side": "left"}
CRAMP_SIGNS = ["sudden_painful_tightening", "visible_or_palpable_knot", "relieved_by_stretching"]
CRAMP_ADVICE = {
    "calf_stretch_before_bed",
    "first_aid_stretch",
    "first_aid_walk",
    "first_aid_massage",
    "quinine",
}


@pytest.mark.parametrize(
    "red_flag",
    [
        ["unilateral_calf_swelling"],  # a possible clot
        ["calf_warmth_redness"],
        ["tense_swollen_muscle_compartment"],  # compartment syndrome
        ["sudden_cold_pale_leg"],  # limb ischaemia
        ["loss_of_consciousness"],  # neurological
    ],
)
def test_a_red_flag_removes_advice_for_ordinary_cramps(red_flag: list[str]) -> None:
    calm = rec_grades(run(person(age_years=60, cramps=TRUE_CRAMP, findings=CRAMP_SIGNS)))
    assert {"calf_stretch_before_bed", "first_aid_stretch"} <= set(calm)  # offered without a red flag
    alarmed = rec_grades(run(person(age_years=60, cramps=TRUE_CRAMP, findings=CRAMP_SIGNS + red_flag)))
    offered = {code for code, grade in alarmed.items() if grade in ("recommended", "possibly_helpful")}
    assert not offered & CRAMP_ADVICE, offered


def test_a_limb_ischaemia_card_cites_limb_ischaemia_guidance_only() -> None:
    result = run(person(age_years=72, sex="male", findings=["sudden_cold_pale_leg"]))
    action = next(r for r in result.recommendations if r.id == "call_emergency_services")
    assert "esvs_2020_ali" in action.sources
    assert "nice_ng217_epilepsy" not in action.sources  # an epilepsy guideline says nothing about legs
    assert "nhs_dvt" not in action.sources


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_level_actions_cite_the_red_flags_that_set_the_level(rule_id: str) -> None:
    result = run(CASES[rule_id][0])
    fired = {f.id for f in result.red_flags}
    rules = {r.id: r for r in load().rules}
    cited = {s for rid in fired for s in rules[rid].sources if rules[rid].level == result.triage.level}
    actions = {"call_emergency_services", "seek_same_day_care"}
    for rec in result.recommendations:
        if rec.id in actions and cited:
            assert set(rec.sources) <= cited, (rec.id, rec.sources, cited)


def test_an_emergency_speaks_with_one_voice() -> None:
    """A lower rule's routine advice must not stand next to 'call the emergency number now'."""
    result = run(
        person(age_years=72, sex="male", findings=["sudden_cold_pale_leg", "weak_or_absent_foot_pulses"])
    )
    assert result.triage.level == "emergency"
    text = " ".join(result.triage.reasons + [f.message for f in result.red_flags])
    assert "Book a GP appointment" not in text
    assert {f.level for f in result.red_flags} == {"emergency"}
    assert [r.id for r in result.recommendations if r.category == "action"] == ["call_emergency_services"]
