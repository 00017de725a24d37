"""Cases for the core rules (``knowledge/data/rules.yaml``)."""

from __future__ import annotations

from typing import Any

from tests.helpers import person

CALF_CRAMP = {"timing": ["night"], "locations": ["calf"], "side": "left"}

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

# rule id -> (the triage level its clinical source demands, where the source says so).
# Written by hand from the guidance, never read from the rule itself.
EXPECTED: dict[str, tuple[str, str]] = {}
