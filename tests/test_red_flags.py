"""Every triage rule fires on its own pattern and stays quiet on a near miss.

Each case is a realistic input, run through the whole engine (feature derivation included), not
just the rule expression. A rule without cases here fails ``test_every_rule_has_cases``.
"""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.knowledge import load
from tests.helpers import flag_ids, person, run

CALF_CRAMP = {"timing": ["night"], "locations": ["calf"], "side": "left"}


def fired(result: Any) -> set[str]:
    reasons = set(result.triage.reasons)
    kb = load()
    return {r.id for r in kb.rules if r.message in reasons} | flag_ids(result)


# rule id -> (input that fires it, near-miss input that must not fire it)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "clot_in_lung_signs": (
        person(cramps=CALF_CRAMP, findings=["unilateral_calf_swelling", "shortness_of_breath"]),
        person(cramps=CALF_CRAMP, findings=["unilateral_calf_swelling"]),
    ),
    "chest_pain_or_coughing_blood": (
        person(findings=["coughing_blood"]),
        person(findings=["palpitations"]),
    ),
    "breathless_with_clot_risk": (
        person(findings=["shortness_of_breath"], conditions=["recent_surgery_or_immobilisation"]),
        person(findings=["shortness_of_breath"], conditions=["hypertension"]),
    ),
    "sudden_cold_pale_or_paralysed_leg": (
        person(findings=["sudden_cold_pale_leg"]),
        person(findings=["cold_feet"]),
    ),
    "fit_in_pregnancy_or_after_birth": (
        person(pregnancy={"pregnant": True, "weeks": 30}, findings=["generalized_convulsions"]),
        person(pregnancy={"pregnant": True, "weeks": 30}, findings=["sudden_painful_tightening"]),
    ),
    "fit_with_fever_in_child": (
        person(age_years=1, sex="male", findings=["loss_of_consciousness"], vitals={"temperature_c": 39.0}),
        person(age_years=2, sex="male", findings=["fever"], vitals={"temperature_c": 39.0}),
    ),
    "seizure": (
        person(findings=["loss_of_consciousness"]),
        person(findings=["confusion_after_episode"]),
    ),
    "signs_after_unwitnessed_seizure": (
        person(findings=["tongue_bitten", "incontinence_during_episode"]),
        person(findings=["tongue_bitten"]),
    ),
    "compartment_syndrome_signs": (
        person(findings=["recent_leg_injury", "severe_pain_out_of_proportion"]),
        person(findings=["recent_leg_injury"]),
    ),
    "dark_urine_with_muscle_pain": (
        person(findings=["dark_urine", "severe_muscle_pain_after_exertion"]),
        person(findings=["severe_muscle_pain_after_exertion"]),
    ),
    "very_high_temperature": (
        person(vitals={"temperature_c": 40.5}),
        person(vitals={"temperature_c": 39.5}),
    ),
    "possible_dvt": (
        person(cramps=CALF_CRAMP, findings=["persistent_calf_pain_tenderness"]),
        person(cramps={**CALF_CRAMP, "side": "both"}, findings=["persistent_calf_pain_tenderness"]),
    ),
    "pre_eclampsia_danger_signs": (
        person(pregnancy={"pregnant": True, "weeks": 32}, findings=["visual_disturbance"]),
        person(pregnancy={"pregnant": True, "weeks": 12}, findings=["visual_disturbance"]),
    ),
    "headache_with_visual_disturbance": (
        person(sex="male", findings=["severe_headache", "visual_disturbance"]),
        person(sex="male", findings=["severe_headache"]),
    ),
    "tetany": (
        person(findings=["hand_spasms", "tingling_around_mouth"]),
        person(findings=["tingling_around_mouth"]),
    ),
    "severe_low_calcium": (
        person(labs={"calcium_mmol_l": 1.80, "albumin_g_l": 40}),
        # 1.80 total with albumin 25 corrects to 2.10: low, not severe
        person(labs={"calcium_mmol_l": 1.80, "albumin_g_l": 25}),
    ),
    "severe_low_potassium": (person(labs={"potassium_mmol_l": 2.4}), person(labs={"potassium_mmol_l": 2.5})),
    "high_potassium": (person(labs={"potassium_mmol_l": 6.2}), person(labs={"potassium_mmol_l": 5.8})),
    "severe_low_magnesium": (
        person(labs={"magnesium_mmol_l": 0.35}),
        person(labs={"magnesium_mmol_l": 0.45}),
    ),
    "severe_low_sodium": (person(labs={"sodium_mmol_l": 122}), person(labs={"sodium_mmol_l": 128})),
    "palpitations_with_salt_loss": (
        person(findings=["palpitations"], labs={"potassium_mmol_l": 3.1}),
        person(findings=["palpitations"], labs={"potassium_mmol_l": 4.1}),
    ),
    "dehydration_signs": (
        person(age_years=80, findings=["vomiting_or_diarrhoea"]),
        person(age_years=30, findings=["vomiting_or_diarrhoea", "dizziness_on_standing"]),
    ),
    "dehydration_mild": (
        person(findings=["vomiting_or_diarrhoea", "dizziness_on_standing"]),
        person(findings=["vomiting_or_diarrhoea"]),
    ),
    "severe_hyperglycaemia": (
        person(findings=["excessive_thirst_urination"], labs={"glucose_mmol_l": 25}),
        person(findings=["excessive_thirst_urination"], labs={"glucose_mmol_l": 15}),
    ),
    "acute_dystonic_reaction": (
        person(
            age_years=19, findings=["sustained_abnormal_foot_posture"], medications=["Metoclopramide 10 mg"]
        ),
        person(age_years=19, findings=["sustained_abnormal_foot_posture"]),
    ),
    "exercise_hyponatraemia": (
        person(cramps={"timing": ["during_exercise"]}, labs={"sodium_mmol_l": 126}),
        person(cramps={"timing": ["during_exercise"]}, labs={"sodium_mmol_l": 133}),
    ),
    "severe_pain_after_exertion": (
        person(findings=["severe_muscle_pain_after_exertion"]),
        person(findings=["soreness_after_cramp"], lifestyle={"recent_unaccustomed_exercise": True}),
    ),
    "dark_urine": (person(findings=["dark_urine"]), person(findings=["excessive_thirst_urination"])),
    "long_cramp_not_easing": (
        person(
            cramps={**CALF_CRAMP, "episode_duration_seconds": 900}, findings=["sudden_painful_tightening"]
        ),
        person(
            cramps={**CALF_CRAMP, "episode_duration_seconds": 900},
            findings=["sudden_painful_tightening", "relieved_by_stretching"],
        ),
    ),
    "severe_pain_out_of_proportion": (
        person(findings=["severe_pain_out_of_proportion"]),
        person(cramps={**CALF_CRAMP, "pain_severity_0_10": 10}),
    ),
    "difficulty_swallowing_or_speaking": (
        person(findings=["difficulty_swallowing_or_speaking"]),
        person(findings=["muscle_twitching"]),
    ),
    "breathlessness": (person(findings=["shortness_of_breath"]), person(findings=["palpitations"])),
    "foot_wound_with_poor_circulation": (
        person(findings=["non_healing_foot_wound"], conditions=["diabetes"]),
        person(findings=["non_healing_foot_wound"]),
    ),
    "severe_blood_pressure": (
        person(vitals={"systolic_mmhg": 182, "diastolic_mmhg": 100}),
        person(vitals={"systolic_mmhg": 150, "diastolic_mmhg": 95}),
    ),
    "frequent_or_sleep_disturbing": (
        person(cramps={**CALF_CRAMP, "episodes_per_week": 4}),
        person(cramps={"timing": ["during_exercise"], "locations": ["calf"], "episodes_per_week": 4}),
    ),
    "medicine_linked_to_cramps": (
        person(cramps=CALF_CRAMP, medications=["Lasix 40 mg"]),
        person(cramps=CALF_CRAMP, medications=["Paracetamol 500 mg"]),
    ),
    "takes_quinine": (
        person(cramps=CALF_CRAMP, medications=["quinine sulfate 200 mg"]),
        person(cramps=CALF_CRAMP, medications=["tonic water"]),
    ),
    "arterial_claudication": (
        person(cramps={"timing": ["on_walking"]}, findings=["calf_pain_walking_relieved_by_standing"]),
        person(cramps={"timing": ["on_walking"]}),
    ),
    "spinal_claudication": (
        person(findings=["leg_pain_walking_relieved_by_sitting_or_bending"]),
        person(findings=["worse_at_rest"]),
    ),
    "nerve_symptoms": (person(findings=["burning_feet"]), person(findings=["cold_feet"])),
    "weakness_or_wasting": (person(findings=["muscle_wasting"]), person(findings=["muscle_twitching"])),
    "restless_legs_features": (person(findings=["urge_to_move_legs"]), person(findings=["worse_in_evening"])),
    "venous_symptoms": (person(findings=["visible_varicose_veins"]), person(findings=["cold_feet"])),
    "swelling_of_both_ankles": (person(findings=["ankle_swelling_both"]), person(findings=["cold_feet"])),
    "thyroid_symptoms": (
        person(findings=["cold_intolerance", "weight_gain_fatigue"]),
        person(findings=["cold_intolerance"]),
    ),
    "thirst_and_urination": (person(findings=["excessive_thirst_urination"]), person(findings=["cold_feet"])),
    "abnormal_blood_test": (person(labs={"sodium_mmol_l": 133}), person(labs={"sodium_mmol_l": 138})),
    "abnormal_posture": (
        person(findings=["sustained_abnormal_foot_posture"]),
        person(findings=["cold_feet"]),
    ),
    "cramps_in_young_child": (
        person(age_years=6, sex="male", cramps=CALF_CRAMP),
        person(age_years=9, sex="male", cramps=CALF_CRAMP),
    ),
    "persistent_pain_both_calves": (
        person(cramps={**CALF_CRAMP, "side": "both"}, findings=["persistent_calf_pain_tenderness"]),
        person(cramps={**CALF_CRAMP, "side": "both"}, findings=["soreness_after_cramp"]),
    ),
    "chronic_condition_linked_to_cramps": (
        person(conditions=["cirrhosis"]),
        person(conditions=["osteoporosis"]),
    ),
    "palpitations": (person(findings=["palpitations"]), person(findings=["cold_feet"])),
}


def test_every_rule_has_cases() -> None:
    assert {r.id for r in load().rules} == set(CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_pattern(rule_id: str) -> None:
    assert rule_id in fired(run(CASES[rule_id][0]))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_quiet_on_near_miss(rule_id: str) -> None:
    assert rule_id not in fired(run(CASES[rule_id][1]))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_level_is_reached(rule_id: str) -> None:
    """The triage level is at least the rule's level (a red flag is never outweighed)."""
    from crampcare.knowledge.common import TRIAGE_ORDER

    rule = next(r for r in load().rules if r.id == rule_id)
    result = run(CASES[rule_id][0])
    assert TRIAGE_ORDER.index(result.triage.level) >= TRIAGE_ORDER.index(rule.level)


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
