"""Cases for the lab-value and vital-sign rules (``knowledge/data/rules/labs_vitals.yaml``).

Expected levels are written by hand from the clinical sources named beside each entry.
"""

from __future__ import annotations

from typing import Any

from tests.helpers import person


def labs(**values: float) -> dict[str, Any]:
    return person(labs=values)


def vitals(findings: list[str] | None = None, **values: float) -> dict[str, Any]:
    return person(findings=findings or [], vitals=values)


# rule id -> (input that fires it, near-miss input that must not fire it)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "severe_hyperkalaemia": (labs(potassium_mmol_l=6.5), labs(potassium_mmol_l=6.4)),
    "hyperkalaemia_with_heart_or_muscle_symptoms": (
        person(findings=["palpitations"], labs={"potassium_mmol_l": 6.1}),
        person(findings=["palpitations"], labs={"potassium_mmol_l": 5.9}),
    ),
    "high_potassium_with_potassium_raising_medicine": (
        person(medications=["spironolactone"], labs={"potassium_mmol_l": 6.1}),
        person(medications=["spironolactone"], labs={"potassium_mmol_l": 5.8}),
    ),
    "potassium_far_outside_range": (labs(potassium_mmol_l=8.1), labs(potassium_mmol_l=7.9)),
    "low_potassium_with_weakness_or_heart_symptoms": (
        person(findings=["progressive_muscle_weakness"], labs={"potassium_mmol_l": 2.4}),
        person(findings=["progressive_muscle_weakness"], labs={"potassium_mmol_l": 2.6}),
    ),
    "profound_hyponatraemia": (labs(sodium_mmol_l=120), labs(sodium_mmol_l=121)),
    "hyponatraemia_with_brain_symptoms": (
        person(findings=["confusion"], labs={"sodium_mmol_l": 124}),
        person(findings=["confusion"], labs={"sodium_mmol_l": 126}),
    ),
    "exercise_hyponatraemia_brain_swelling": (
        person(findings=["vomiting_or_diarrhoea"], exposures=["high_water_intake_during_exercise"]),
        person(findings=["sudden_painful_tightening"], exposures=["high_water_intake_during_exercise"]),
    ),
    "high_sodium_same_day": (labs(sodium_mmol_l=155), labs(sodium_mmol_l=154)),
    "severe_hypernatraemia": (labs(sodium_mmol_l=160), labs(sodium_mmol_l=159)),
    "sodium_far_outside_range": (labs(sodium_mmol_l=104), labs(sodium_mmol_l=106)),
    "severe_hypercalcaemia": (
        labs(calcium_mmol_l=3.5, albumin_g_l=40),
        labs(calcium_mmol_l=3.4, albumin_g_l=40),
    ),
    "high_calcium_same_day": (
        labs(calcium_mmol_l=3.0, albumin_g_l=40),
        labs(calcium_mmol_l=2.9, albumin_g_l=40),
    ),
    "calcium_far_outside_range": (
        labs(calcium_mmol_l=4.6, albumin_g_l=40),
        labs(calcium_mmol_l=4.4, albumin_g_l=40),
    ),
    "low_calcium_with_heart_or_breathing_signs": (
        person(findings=["palpitations"], labs={"calcium_mmol_l": 1.95, "albumin_g_l": 40}),
        person(findings=["palpitations"], labs={"calcium_mmol_l": 2.05, "albumin_g_l": 40}),
    ),
    "high_calcium_with_calcium_raising_medicine": (
        person(medications=["Calcium Sandoz"], labs={"calcium_mmol_l": 3.1, "albumin_g_l": 40}),
        person(medications=["Calcium Sandoz"], labs={"calcium_mmol_l": 2.9, "albumin_g_l": 40}),
    ),
    "high_magnesium_with_magnesium_medicine": (
        person(medications=["Magne B6"], labs={"magnesium_mmol_l": 1.2}),
        person(medications=["Magne B6"], labs={"magnesium_mmol_l": 1.0}),
    ),
    "high_magnesium_same_day": (labs(magnesium_mmol_l=2.0), labs(magnesium_mmol_l=1.9)),
    "severe_hypermagnesaemia": (labs(magnesium_mmol_l=3.0), labs(magnesium_mmol_l=2.9)),
    "magnesium_far_below_range": (labs(magnesium_mmol_l=0.15), labs(magnesium_mmol_l=0.25)),
    "low_blood_sugar": (labs(glucose_mmol_l=2.9), labs(glucose_mmol_l=3.1)),
    "low_blood_sugar_with_confusion": (
        person(findings=["confusion"], labs={"glucose_mmol_l": 3.8}),
        person(findings=["confusion"], labs={"glucose_mmol_l": 4.2}),
    ),
    "glucose_far_outside_range": (labs(glucose_mmol_l=0.8), labs(glucose_mmol_l=1.2)),
    "hyperglycaemic_emergency": (
        person(findings=["vomiting_or_diarrhoea"], labs={"glucose_mmol_l": 24}),
        person(findings=["vomiting_or_diarrhoea"], labs={"glucose_mmol_l": 15}),
    ),
    "very_high_inr": (labs(inr=8.5), labs(inr=6.0)),
    "very_low_haemoglobin": (labs(haemoglobin_g_l=65), labs(haemoglobin_g_l=75)),
    "haemoglobin_far_below_range": (labs(haemoglobin_g_l=45), labs(haemoglobin_g_l=55)),
    "very_low_phosphate": (labs(phosphate_mmol_l=0.25), labs(phosphate_mmol_l=0.4)),
    "hypothermia": (vitals(temperature_c=34.5), vitals(temperature_c=35.5)),
    "heatstroke_signs": (
        person(findings=["confusion"], exposures=["hot_environment"]),
        person(findings=["heavy_sweating"], exposures=["hot_environment"]),
    ),
    "sepsis_high_risk": (
        vitals(["fever"], temperature_c=38.5, respiratory_rate_bpm=26),
        vitals(["fever"], temperature_c=38.5, respiratory_rate_bpm=18),
    ),
    "sepsis_moderate_risk": (
        vitals(["fever"], temperature_c=38.5, heart_rate_bpm=110, systolic_mmhg=98),
        vitals(["fever"], temperature_c=38.5, heart_rate_bpm=110, systolic_mmhg=118),
    ),
    "infection_with_one_warning_sign": (
        vitals(["fever"], temperature_c=38.5, heart_rate_bpm=104),
        vitals(["fever"], temperature_c=38.5, heart_rate_bpm=84),
    ),
    "very_fast_or_slow_pulse": (vitals(heart_rate_bpm=140), vitals(heart_rate_bpm=120)),
    "abnormal_pulse_with_warning_signs": (
        vitals(["dizziness_on_standing"], heart_rate_bpm=38),
        vitals(["dizziness_on_standing"], heart_rate_bpm=48),
    ),
    "low_blood_pressure": (vitals(systolic_mmhg=88), vitals(systolic_mmhg=96)),
    "shock_signs": (
        vitals(["confusion"], systolic_mmhg=86),
        vitals(["confusion"], systolic_mmhg=104),
    ),
    "very_high_blood_pressure_with_symptoms": (
        vitals(["severe_headache"], systolic_mmhg=186, diastolic_mmhg=110),
        vitals(["severe_headache"], systolic_mmhg=170, diastolic_mmhg=110),
    ),
    "very_high_blood_pressure_emergency": (
        vitals(["confusion"], systolic_mmhg=196, diastolic_mmhg=124),
        vitals(["severe_headache"], systolic_mmhg=196, diastolic_mmhg=124),
    ),
    "very_fast_breathing": (vitals(respiratory_rate_bpm=26), vitals(respiratory_rate_bpm=22)),
    "very_slow_breathing": (vitals(respiratory_rate_bpm=7), vitals(respiratory_rate_bpm=10)),
    "very_low_oxygen": (vitals(oxygen_saturation_pct=91), vitals(oxygen_saturation_pct=95)),
    "low_oxygen": (vitals(oxygen_saturation_pct=94), vitals(oxygen_saturation_pct=96)),
    "little_urine_same_day": (
        person(findings=["little_or_no_urine"]),
        person(findings=["dark_urine"]),
    ),
    "kidney_injury_with_low_pressure_or_high_potassium": (
        person(findings=["little_or_no_urine"], vitals={"systolic_mmhg": 85}),
        person(findings=["little_or_no_urine"], vitals={"systolic_mmhg": 120}),
    ),
}

# rule id -> (level the clinical source demands, the source and what it says)
EXPECTED: dict[str, tuple[str, str]] = {
    "severe_hyperkalaemia": (
        "emergency",
        "UK Kidney Association 2020: potassium >= 6.5 is severe, emergency treatment",
    ),
    "hyperkalaemia_with_heart_or_muscle_symptoms": (
        "emergency",
        "UK Kidney Association 2020: 6.0-6.4 with symptoms or ECG changes is treated as severe",
    ),
    "high_potassium_with_potassium_raising_medicine": (
        "urgent",
        "UK Kidney Association 2020: potassium-raising medicines are reviewed the same day",
    ),
    "potassium_far_outside_range": (
        "emergency",
        "UK Kidney Association 2020: far above 6.5 (severe) is an emergency",
    ),
    "low_potassium_with_weakness_or_heart_symptoms": (
        "emergency",
        "StatPearls hypokalaemia: < 2.5 with weakness, paralysis or arrhythmia needs IV potassium",
    ),
    "profound_hyponatraemia": (
        "emergency",
        "NICE CKS hyponatraemia / SfE 2016: sodium <= 120 is admitted as an emergency",
    ),
    "hyponatraemia_with_brain_symptoms": (
        "emergency",
        "SfE 2016: severe hyponatraemia with vomiting, confusion or fits: emergency hypertonic saline",
    ),
    "exercise_hyponatraemia_brain_swelling": (
        "emergency",
        "Hew-Butler 2015: symptomatic exercise-associated hyponatraemia is treated at once as an emergency",
    ),
    "high_sodium_same_day": (
        "urgent",
        "StatPearls hypernatraemia: >= 155 is severe and needs hospital care today",
    ),
    "severe_hypernatraemia": (
        "emergency",
        "StatPearls hypernatraemia: >= 160, or with neurological signs, is an emergency",
    ),
    "sodium_far_outside_range": ("emergency", "SfE 2016: sodium far below 120 is an emergency"),
    "severe_hypercalcaemia": (
        "emergency",
        "NICE CKS hypercalcaemia: corrected calcium >= 3.5 needs emergency admission",
    ),
    "high_calcium_same_day": ("urgent", "NICE CKS hypercalcaemia: >= 3.0 needs same-day assessment"),
    "calcium_far_outside_range": ("emergency", "SfE 2016: corrected calcium far above 3.5 is an emergency"),
    "low_calcium_with_heart_or_breathing_signs": (
        "emergency",
        "SfE 2016 hypocalcaemia: low calcium with arrhythmia, laryngospasm or seizures: emergency IV calcium",
    ),
    "high_magnesium_same_day": (
        "urgent",
        "StatPearls hypermagnesaemia: > 2 mmol/L causes weakness and low BP",
    ),
    "severe_hypermagnesaemia": (
        "emergency",
        "StatPearls hypermagnesaemia: >= 3 mmol/L threatens breathing and heart",
    ),
    "magnesium_far_below_range": (
        "urgent",
        "FDA 2011: severe hypomagnesaemia causes seizures and arrhythmias",
    ),
    "low_blood_sugar": (
        "urgent",
        "JBDS hypoglycaemia: < 3.0 is clinically significant; treat and find the cause",
    ),
    "low_blood_sugar_with_confusion": (
        "emergency",
        "JBDS hypoglycaemia: confused, drowsy or fitting needs emergency care",
    ),
    "glucose_far_outside_range": (
        "urgent",
        "JBDS hypoglycaemia: glucose < 1.0 is dangerous until a repeat test says not",
    ),
    "hyperglycaemic_emergency": (
        "emergency",
        "JBDS DKA/HHS: very high glucose with vomiting is an emergency",
    ),
    "very_high_inr": ("urgent", "NICE CKS oral anticoagulation: INR >= 8 needs same-day action"),
    "very_low_haemoglobin": ("urgent", "NICE NG24: haemoglobin below 70 g/L is the transfusion threshold"),
    "haemoglobin_far_below_range": ("urgent", "NICE NG24: far below the 70 g/L transfusion threshold"),
    "very_low_phosphate": ("urgent", "StatPearls hypophosphataemia: < 0.32 mmol/L is severe"),
    "hypothermia": ("emergency", "NHS hypothermia: below 35 C is a medical emergency treated in hospital"),
    "heatstroke_signs": ("emergency", "NHS heatstroke: confusion, hot dry skin or >= 40 C: call 999"),
    "sepsis_high_risk": (
        "emergency",
        "NICE NG51: suspected infection + any high-risk criterion (RR >= 25): ambulance",
    ),
    "sepsis_moderate_risk": (
        "emergency",
        "NICE NG51: 2 or more moderate-to-high risk criteria outside hospital: emergency care",
    ),
    "infection_with_one_warning_sign": (
        "urgent",
        "NICE NG51: one moderate-to-high risk criterion: assess the same day",
    ),
    "very_fast_or_slow_pulse": ("urgent", "RCP NEWS2: pulse >= 131 or <= 40 scores 3, urgent review"),
    "abnormal_pulse_with_warning_signs": (
        "emergency",
        "Resuscitation Council: tachy- or bradycardia with adverse features is an emergency",
    ),
    "low_blood_pressure": ("urgent", "RCP NEWS2: systolic <= 90 scores 3, urgent review"),
    "shock_signs": ("emergency", "NICE NG51: systolic <= 90 with new confusion is high risk"),
    "very_high_blood_pressure_with_symptoms": (
        "urgent",
        "NICE NG136: >= 180/120 with signs of accelerated hypertension: same-day specialist assessment",
    ),
    "very_high_blood_pressure_emergency": (
        "emergency",
        "NICE NG136: >= 180/120 with life-threatening symptoms (new confusion, chest pain, heart failure)",
    ),
    "very_fast_breathing": ("urgent", "RCP NEWS2: respiratory rate >= 25 scores 3, urgent review"),
    "very_slow_breathing": (
        "emergency",
        "RCP NEWS2: respiratory rate <= 8 scores 3 (respiratory depression)",
    ),
    "very_low_oxygen": (
        "emergency",
        "NHS oximeter advice: 92% or below at rest: A&E or the emergency number",
    ),
    "low_oxygen": ("urgent", "NHS oximeter advice: 93-94% needs urgent advice the same day"),
    "little_urine_same_day": ("urgent", "NICE NG148: reduced urine output is a sign of acute kidney injury"),
    "kidney_injury_with_low_pressure_or_high_potassium": (
        "emergency",
        "NICE NG148: AKI with hypotension or hyperkalaemia needs emergency care",
    ),
    "high_calcium_with_calcium_raising_medicine": (
        "urgent",
        "NICE CKS hypercalcaemia: corrected calcium 3.0 mmol/L or more: same-day assessment; calcium, "
        "vitamin D, thiazides and lithium are reviewed",
    ),
    "high_magnesium_with_magnesium_medicine": (
        "routine",
        "Hypermagnesaemia (Medscape/StatPearls figures): symptoms (loss of reflexes) from about 1.75 "
        "mmol/L; below that the magnesium source is reviewed with the prescriber today",
    ),
}
