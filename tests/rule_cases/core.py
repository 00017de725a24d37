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
# Written by hand from the guidance and the vignette triage conventions
# (/work/shared/vignettes/README.md), never read from the rule itself. The level is a floor:
# the firing case must reach at least this. Wording of the sources is paraphrased.
E, U, R = "emergency", "urgent", "routine"
EXPECTED: dict[str, tuple[str, str]] = {
    # --- emergency: call the emergency number now ---
    "clot_in_lung_signs": (
        E,
        "NHS DVT: leg pain or swelling with breathlessness or chest pain - call 999 or go to A&E, "
        "it may be a clot that has moved to the lungs; NICE NG158 1.1: suspected PE assessed "
        "immediately; vignette convention: calf signs with chest pain, breathlessness or coughing blood",
    ),
    "chest_pain_or_coughing_blood": (
        E,
        "NHS DVT: chest pain or coughing up blood - call 999 or go to A&E; NICE NG158 1.1 "
        "(haemoptysis and pleuritic chest pain as signs of PE)",
    ),
    "breathless_with_clot_risk": (
        E,
        "NICE NG158 1.1.1-1.1.2: signs or symptoms of PE (sudden breathlessness) with risk factors "
        "(surgery, immobility, previous VTE, cancer, pregnancy, oestrogen) - assess for PE at once; "
        "NHS DVT: sudden breathlessness - call 999",
    ),
    "sudden_cold_pale_or_paralysed_leg": (
        E,
        "ESVS 2020 acute limb ischaemia: a threatened limb needs emergency revascularisation, "
        "irreversible within about 6 hours; RCEM Learning (6 Ps); vignette convention: sudden cold, "
        "pale or immobile leg is emergency",
    ),
    "fit_in_pregnancy_or_after_birth": (
        E,
        "NICE NG133 (eclampsia: emergency management, magnesium sulfate); NHS pre-eclampsia: call 999 "
        "for a fit; vignette convention: any fit in pregnancy is emergency",
    ),
    "fit_with_fever_in_child": (
        E,
        "NHS Healthier Together febrile seizure: a first fit or one lasting 5 minutes or more - call "
        "999; NICE NG143 (fever under 5) red features; vignette convention: feverish child with a "
        "convulsion is emergency",
    ),
    "seizure": (
        E,
        "NICE NG217 1.1: a first suspected seizure needs emergency assessment; NHS epilepsy first aid: "
        "call 999 for a first fit or one lasting 5 minutes; vignette convention: generalised fit or "
        "loss of consciousness is emergency",
    ),
    "signs_after_unwitnessed_seizure": (
        E,
        "NICE NG217: tongue biting, incontinence and post-ictal confusion point to an epileptic "
        "seizure; a first seizure is assessed as an emergency (same convention as 'seizure')",
    ),
    "compartment_syndrome_signs": (
        E,
        "BOAST Diagnosis and management of compartment syndrome of the limbs: a surgical emergency, "
        "fasciotomy within 1 hour of the decision; vignette convention: compartment syndrome after "
        "an injury is emergency",
    ),
    "dark_urine_with_muscle_pain": (
        E,
        "Vignette convention: dark urine with severe muscle pain after exertion (rhabdomyolysis) is "
        "emergency; NICE NG148: rhabdomyolysis is a cause of acute kidney injury needing same-day "
        "hospital assessment; research notes E5 (cola urine with muscle pain: urgent care or 999)",
    ),
    "very_high_temperature": (
        E,
        "NHS heat exhaustion and heatstroke: a temperature of 40 C or above is heatstroke - call 999 "
        "(a medical emergency); NICE NG143 (temperature as a red feature in children)",
    ),
    # --- urgent: seen the same day ---
    "possible_dvt": (
        U,
        "NHS DVT: throbbing or cramping pain in one leg with swelling, warmth or redness - ask for an "
        "urgent GP appointment or call 111; NICE NG158 1.1 (Wells score, ultrasound within 4 hours); "
        "vignette convention: suspected DVT is urgent",
    ),
    "pre_eclampsia_danger_signs": (
        U,
        "NICE NG133 and NHS pre-eclampsia: from 20 weeks or after the birth, severe headache, vision "
        "problems, pain below the ribs or sudden swelling - contact the midwife or maternity unit "
        "immediately; vignette convention: urgent (emergency also acceptable)",
    ),
    "headache_with_visual_disturbance": (
        U,
        "NICE CKS headache assessment and GCA: a severe headache with visual disturbance is a red flag "
        "for a same-day assessment",
    ),
    "tetany": (
        U,
        "Society for Endocrinology emergency guidance, acute hypocalcaemia (2016): carpopedal spasm and "
        "perioral paraesthesiae are symptomatic hypocalcaemia, treated urgently with IV calcium; "
        "vignette convention: tetany is urgent (emergency also acceptable)",
    ),
    "severe_low_calcium": (
        U,
        "Society for Endocrinology (2016): adjusted calcium below 1.9 mmol/L is severe, treated with IV "
        "calcium on a cardiac monitor; vignette convention: calcium below 1.9 is urgent",
    ),
    "severe_low_potassium": (
        U,
        "Severe hypokalaemia (below 2.5 mmol/L) risks arrhythmia and needs ECG and IV replacement "
        "(Allen & Kirby 2012; NICE CKS); vignette convention: potassium below 2.5 is urgent",
    ),
    "high_potassium": (
        U,
        "UK Kidney Association hyperkalaemia (2020): 6.0 mmol/L or more is at least moderate and needs "
        "same-day assessment with an ECG; NICE NG148 (hyperkalaemia in acute kidney injury)",
    ),
    "severe_low_magnesium": (
        U,
        "FDA 2011 PPI safety communication: low magnesium can cause arrhythmia, tetany and seizures; "
        "below 0.4 mmol/L is severe and is replaced intravenously - same-day assessment",
    ),
    "severe_low_sodium": (
        U,
        "European hyponatraemia guideline (Spasovski 2014): sodium below 125 mmol/L is profound "
        "hyponatraemia and needs prompt assessment; NICE CKS leg cramps (electrolytes)",
    ),
    "palpitations_with_salt_loss": (
        U,
        "FDA 2011 PPI communication: palpitations with cramps and low magnesium need prompt care; "
        "research notes E8/U6 (palpitations with diuretics or fluid loss: electrolyte disturbance)",
    ),
    "dehydration_signs": (
        U,
        "NICE NG148 (AKI risk: vomiting or diarrhoea in older people, with diuretics, heart or kidney "
        "disease) and NHS dehydration: see a GP urgently or call 111 when symptoms persist or risk is high",
    ),
    "dehydration_mild": (
        R,
        "NHS dehydration: drink fluids and see a GP if not better, get urgent advice if you cannot keep "
        "fluids down - not an emergency; a reason for medical contact, hence routine",
    ),
    "severe_hyperglycaemia": (
        U,
        "JBDS HHS (2015): very high glucose with dehydration (thirst, polyuria, vomiting) is a "
        "hyperglycaemic emergency needing same-day hospital assessment; NICE NG28",
    ),
    "acute_dystonic_reaction": (
        U,
        "MHRA metoclopramide (2013): acute dystonic reactions, especially in young people, need prompt "
        "medical treatment (anticholinergic) and a decision about the medicine - same day",
    ),
    "exercise_hyponatraemia": (
        U,
        "Hew-Butler 2015 consensus on exercise-associated hyponatraemia: low sodium after endurance "
        "exercise risks encephalopathy and needs medical assessment; no further hypotonic fluid",
    ),
    "severe_pain_after_exertion": (
        U,
        "NICE NG148: suspected rhabdomyolysis (severe muscle pain after exertion, very high CK) needs "
        "same-day assessment of CK and kidney function",
    ),
    "dark_urine": (
        U,
        "NICE NG148 and research notes E5: dark brown urine can be myoglobinuria (rhabdomyolysis), "
        "which needs a same-day check",
    ),
    "long_cramp_not_easing": (
        U,
        "NHS leg cramps: see a GP urgently if a cramp lasts longer than 10 minutes and does not get "
        "better with exercise (stretching); research notes U2",
    ),
    "severe_pain_out_of_proportion": (
        U,
        "BOAST compartment syndrome: pain out of proportion is the earliest sign and needs urgent "
        "assessment; RCEM Learning acute limb ischaemia",
    ),
    "difficulty_swallowing_or_speaking": (
        U,
        "NICE NG42 (MND: bulbar symptoms need prompt referral) and stroke guidance (sudden speech "
        "difficulty: call 999) - at least a same-day assessment",
    ),
    "breathlessness": (
        U,
        "NHS DVT and NICE NG158: new breathlessness can be PE and needs same-day medical assessment "
        "(emergency if sudden or severe)",
    ),
    "foot_wound_with_poor_circulation": (
        U,
        "NICE NG19 and NICE CG147: a foot ulcer with diabetes or ischaemia is referred to the foot "
        "protection or vascular service within one working day; research notes U7",
    ),
    "severe_blood_pressure": (
        U,
        "NICE NG133 and NICE NG136: blood pressure of 160/110 or more (severe hypertension) is checked "
        "by a clinician the same day, in pregnancy admitted for assessment",
    ),
    # --- routine: an ordinary GP appointment ---
    "frequent_or_sleep_disturbing": (
        R,
        "NHS leg cramps: see a GP if cramps happen often or affect your sleep; vignette convention: "
        "frequent or sleep-disturbing cramps are routine",
    ),
    "medicine_linked_to_cramps": (
        R,
        "NICE CKS leg cramps (review drugs that can cause cramps); Garrison 2012; vignette convention: "
        "a likely drug cause is routine with a medication review",
    ),
    "takes_quinine": (
        R,
        "MHRA 2010 quinine: not for routine use for nocturnal cramps; review treatment (trial "
        "interruption after 3 months) with the prescriber; research notes R9",
    ),
    "arterial_claudication": (
        R,
        "NICE CG147: suspected peripheral arterial disease is assessed in primary care with an "
        "ankle-brachial pressure index; vignette convention: arterial claudication is routine",
    ),
    "spinal_claudication": (
        R,
        "NICE NG59 and Suri 2010: neurogenic claudication is assessed routinely (urgent only with "
        "cauda equina signs); vignette convention: spinal claudication is routine",
    ),
    "nerve_symptoms": (
        R,
        "NHS leg cramps: see a GP if you have numbness or swelling; vignette convention: numbness or "
        "tingling suggesting neuropathy is routine",
    ),
    "weakness_or_wasting": (
        R,
        "NHS leg cramps (muscles shrinking or becoming weaker: see a GP); NICE NG42 (refer suspected "
        "MND promptly); vignette convention: routine, urgent also acceptable",
    ),
    "restless_legs_features": (
        R,
        "NICE CKS restless legs syndrome: diagnosed and treated in primary care (check ferritin); "
        "vignette convention: restless legs are routine",
    ),
    "venous_symptoms": (
        R,
        "NICE CG168 varicose veins: refer symptomatic varicose veins to a vascular service; vignette "
        "convention: chronic venous disease is routine",
    ),
    "swelling_of_both_ankles": (
        R,
        "NHS leg cramps: see a GP if cramps come with swelling (research notes R2)",
    ),
    "thyroid_symptoms": (
        R,
        "NICE NG145 (test thyroid function with symptoms of hypothyroidism); vignette convention: "
        "possible hypothyroidism is routine",
    ),
    "thirst_and_urination": (
        R,
        "NICE NG28 (diagnose type 2 diabetes with HbA1c when symptoms suggest it); research notes R7",
    ),
    "abnormal_blood_test": (
        R,
        "NICE CKS leg cramps (investigate electrolytes when a cause is suspected); vignette convention: "
        "mildly abnormal labs are routine",
    ),
    "abnormal_posture": (
        R,
        "NICE CKS leg cramps: dystonia is a mimic to exclude; NICE NG71 (refer suspected movement "
        "disorders to a specialist) - routine",
    ),
    "cramps_in_young_child": (
        R,
        "Leung 1999: nocturnal leg cramps were not seen under 8 years; research notes R8 - a GP should "
        "look for another cause",
    ),
    "persistent_pain_both_calves": (
        R,
        "NICE CKS leg cramps: pain persisting between cramps is not an idiopathic cramp and needs "
        "examination (inflammation, Baker's cyst, DVT) - routine when both sides",
    ),
    "chronic_condition_linked_to_cramps": (
        R,
        "NICE CKS leg cramps (secondary causes: liver and kidney disease, dialysis, alcohol); research "
        "notes R7",
    ),
    "palpitations": (
        R,
        "Allen & Kirby 2012 (cramps with palpitations: check electrolytes) - a GP appointment; "
        "emergency only with fainting, breathlessness or chest pain",
    ),
}
