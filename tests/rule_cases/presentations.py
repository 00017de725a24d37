"""Cases for the emergencies hidden behind "leg pain or cramps" (``rules/presentations.yaml``).

Expected levels are written from the clinical sources, not read from the rules.
"""

from __future__ import annotations

from typing import Any

from tests.helpers import person

CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "spinal_cord_compression_in_cancer": (
        person(
            age_years=67,
            conditions=["active_cancer"],
            findings=["back_pain_band_or_worse_lying_down", "progressive_muscle_weakness"],
        ),
        person(age_years=67, findings=["back_pain_band_or_worse_lying_down", "progressive_muscle_weakness"]),
    ),
    "back_pain_in_cancer": (
        person(age_years=67, conditions=["active_cancer"], findings=["back_pain_band_or_worse_lying_down"]),
        person(age_years=67, conditions=["active_cancer"], findings=["back_pain_radiating_to_leg"]),
    ),
    "cauda_equina_signs": (
        person(findings=["saddle_numbness_or_bladder_bowel_change", "back_pain_radiating_to_leg"]),
        person(findings=["back_pain_radiating_to_leg", "numbness_tingling_feet"]),
    ),
    "saddle_numbness_or_bladder_bowel_change": (
        person(findings=["saddle_numbness_or_bladder_bowel_change"]),
        person(findings=["numbness_tingling_feet"]),
    ),
    "tetanus_signs": (
        person(findings=["recent_wound", "jaw_spasm_or_stiff_neck"]),
        person(findings=["recent_wound", "sudden_painful_tightening"]),
    ),
    "lockjaw_or_generalised_rigidity": (
        person(findings=["generalised_muscle_rigidity"]),
        person(findings=["sudden_painful_tightening", "visible_or_palpable_knot"]),
    ),
    "spider_bite_with_cramps": (
        person(exposures=["spider_bite_or_sting"], findings=["abdominal_cramps", "heavy_sweating"]),
        person(exposures=["spider_bite_or_sting"]),
    ),
    "feverish_child_limping": (
        person(age_years=4, sex="male", findings=["limp_or_refusing_to_walk", "fever"]),
        person(age_years=4, sex="male", findings=["limp_or_refusing_to_walk"]),
    ),
    "fall_cannot_stand_older": (
        person(age_years=84, findings=["recent_fall", "unable_to_bear_weight"]),
        person(age_years=84, findings=["recent_fall"]),
    ),
    "fall_cannot_bear_weight": (
        person(age_years=30, findings=["recent_fall", "unable_to_bear_weight"]),
        person(age_years=30, findings=["recent_fall"]),
    ),
    "giant_cell_arteritis_signs": (
        person(age_years=72, findings=["jaw_pain_on_chewing", "severe_headache"]),
        person(age_years=35, findings=["jaw_pain_on_chewing"]),
    ),
    "giant_cell_arteritis_with_vision_change": (
        person(age_years=72, findings=["jaw_pain_on_chewing", "visual_disturbance"]),
        person(age_years=72, findings=["jaw_pain_on_chewing"]),
    ),
    "withdrawal_with_confusion": (
        person(
            age_years=52, sex="male", conditions=["alcohol_use_disorder"], findings=["confusion", "tremor"]
        ),
        person(
            age_years=52,
            sex="male",
            conditions=["alcohol_use_disorder"],
            findings=["tremor", "heavy_sweating"],
        ),
    ),
    "withdrawal_signs": (
        person(
            age_years=52,
            sex="male",
            conditions=["alcohol_use_disorder"],
            findings=["tremor"],
        ),
        person(age_years=52, sex="male", lifestyle={"alcohol_units_per_week": 20}, findings=["tremor"]),
    ),
    "thyroid_storm": (
        person(
            conditions=["hyperthyroidism"], findings=["fever", "confusion"], vitals={"heart_rate_bpm": 140}
        ),
        person(conditions=["hyperthyroidism"], findings=["confusion"], vitals={"heart_rate_bpm": 140}),
    ),
    "overactive_thyroid_fever_fast_pulse": (
        person(conditions=["hyperthyroidism"], findings=["fever", "palpitations"]),
        person(conditions=["hyperthyroidism"], findings=["palpitations"]),
    ),
    "critical_limb_ischaemia": (
        person(age_years=78, findings=["rest_pain_eased_by_hanging_leg_down"]),
        person(age_years=78, findings=["calf_pain_walking_relieved_by_standing"]),
    ),
    "heat_stroke_signs": (
        person(age_years=80, exposures=["hot_environment"], findings=["confusion"]),
        person(age_years=80, exposures=["hot_environment"], findings=["heavy_sweating"]),
    ),
    "adrenal_crisis_signs": (
        person(
            conditions=["adrenal_insufficiency"], findings=["vomiting_or_diarrhoea", "dizziness_on_standing"]
        ),
        person(conditions=["adrenal_insufficiency"], findings=["dizziness_on_standing"]),
    ),
    "adrenal_insufficiency_vomiting": (
        person(conditions=["adrenal_insufficiency"], findings=["vomiting_or_diarrhoea"]),
        person(conditions=["adrenal_insufficiency"], findings=["sudden_painful_tightening"]),
    ),
    "sickle_cell_with_fever_or_severe_pain": (
        person(age_years=22, conditions=["sickle_cell_disease"], vitals={"temperature_c": 38.6}),
        person(
            age_years=22,
            conditions=["sickle_cell_disease"],
            cramps={"timing": ["night"], "locations": ["calf"]},
        ),
    ),
    "fever_when_immunosuppressed": (
        person(conditions=["immunosuppressed"], findings=["fever"]),
        person(conditions=["immunosuppressed"], cramps={"timing": ["night"], "locations": ["calf"]}),
    ),
    "band_back_pain_with_weak_legs": (
        person(
            age_years=77, sex="male", findings=["back_pain_band_or_worse_lying_down", "unable_to_bear_weight"]
        ),
        person(
            age_years=77,
            sex="male",
            findings=["back_pain_band_or_worse_lying_down", "numbness_tingling_feet"],
        ),
    ),
    "night_back_pain_with_weight_loss": (
        person(age_years=66, findings=["back_pain_band_or_worse_lying_down", "unintentional_weight_loss"]),
        person(age_years=66, findings=["back_pain_radiating_to_leg", "unintentional_weight_loss"]),
    ),
}

# rule id -> (the level the clinical source demands, the source and what it says)
EXPECTED: dict[str, tuple[str, str]] = {
    "spinal_cord_compression_in_cancer": (
        "emergency",
        "NICE NG234: cancer with spinal pain and neurological symptoms is suspected MSCC: immediate action",
    ),
    "back_pain_in_cancer": (
        "urgent",
        "NICE NG234: spinal pain suggestive of metastases: contact the MSCC team within 24 hours",
    ),
    "cauda_equina_signs": (
        "emergency",
        "NICE CKS sciatica: saddle anaesthesia or sphincter change "
        "with back or leg symptoms: immediate referral",
    ),
    "saddle_numbness_or_bladder_bowel_change": (
        "urgent",
        "NICE CKS sciatica: new saddle numbness or bladder/bowel change is "
        "a cauda equina red flag needing same-day review",
    ),
    "tetanus_signs": (
        "emergency",
        "NHS tetanus / Green Book ch. 30: lockjaw or spasms after a wound: call 999",
    ),
    "lockjaw_or_generalised_rigidity": (
        "urgent",
        "NHS tetanus: jaw stiffness or muscle spasms are not cramps and need same-day medical assessment",
    ),
    "spider_bite_with_cramps": (
        "urgent",
        "Isbister & Fan 2011: latrodectism (pain, sweating, cramps, rigidity) needs medical assessment",
    ),
    "feverish_child_limping": (
        "urgent",
        "NICE NG143: a feverish child not bearing weight on a limb is amber: seen the same day",
    ),
    "fall_cannot_stand_older": (
        "emergency",
        "NICE CG124: an older person who cannot bear weight after a "
        "fall has a possible hip fracture: ambulance",
    ),
    "fall_cannot_bear_weight": (
        "urgent",
        "NHS sprains/strains: unable to put weight on the leg after a fall: A&E or urgent care",
    ),
    "giant_cell_arteritis_signs": (
        "urgent",
        "NICE CKS giant cell arteritis: over 50 with jaw claudication or "
        "new headache: same-day specialist assessment",
    ),
    "giant_cell_arteritis_with_vision_change": (
        "emergency",
        "NICE CKS giant cell arteritis: visual symptoms: immediate "
        "same-day ophthalmology/emergency assessment",
    ),
    "withdrawal_with_confusion": (
        "emergency",
        "NICE CG100: delirium tremens (confusion in withdrawal): admit to hospital",
    ),
    "withdrawal_signs": (
        "urgent",
        "NICE CG100: alcohol withdrawal with tremor and sweating needs "
        "assessment for medically assisted withdrawal",
    ),
    "thyroid_storm": ("emergency", "NICE CKS hyperthyroidism: suspected thyroid storm: emergency admission"),
    "overactive_thyroid_fever_fast_pulse": (
        "urgent",
        "NICE CKS hyperthyroidism: fever on antithyroid drugs needs an "
        "urgent blood count; fast pulse with fever same day",
    ),
    "critical_limb_ischaemia": (
        "urgent",
        "NICE CG147: critical limb ischaemia (rest pain): urgent vascular referral",
    ),
    "heat_stroke_signs": (
        "emergency",
        "NHS heatstroke: confusion or hot skin that stops sweating after heat: call 999",
    ),
    "adrenal_crisis_signs": (
        "emergency",
        "Society for Endocrinology 2016: adrenal crisis: hydrocortisone injection and 999",
    ),
    "adrenal_insufficiency_vomiting": (
        "urgent",
        "Society for Endocrinology 2016: vomiting on steroid "
        "replacement: sick-day rules and same-day medical care",
    ),
    "sickle_cell_with_fever_or_severe_pain": (
        "urgent",
        "NICE CKS sickle cell: fever or pain not controlled at home: urgent hospital assessment",
    ),
    "fever_when_immunosuppressed": (
        "urgent",
        "NICE CG151 / NG51: fever with immunosuppression: urgent assessment for sepsis",
    ),
    "band_back_pain_with_weak_legs": (
        "emergency",
        "NICE NG234: spinal pain with neurological symptoms (limb weakness, difficulty walking) is "
        "suspected spinal cord compression: immediate referral, same as with known cancer",
    ),
    "night_back_pain_with_weight_loss": (
        "urgent",
        "NICE CKS low back pain red flags: night pain with unexplained weight loss needs prompt assessment",
    ),
}
