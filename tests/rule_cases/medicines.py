"""Cases for medicine toxicity and interaction rules (``knowledge/data/rules/medicines.yaml``).

Expected levels are written from the clinical sources, not read from the rules.
"""

from __future__ import annotations

from typing import Any

from tests.helpers import person

CALF = {"timing": ["night"], "locations": ["calf"], "side": "both"}


def started(medicine: str, weeks: float = 2) -> dict[str, Any]:
    return {"medication": medicine, "change": "started", "weeks_ago": weeks}


CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "lithium_severe_toxicity": (
        person(
            medications=["Priadel 400 mg"],
            findings=["vomiting_or_diarrhoea", "muscle_twitching", "confusion"],
        ),
        person(medications=["Priadel 400 mg"], findings=["vomiting_or_diarrhoea", "muscle_twitching"]),
    ),
    "lithium_toxicity_signs": (
        person(medications=["лития карбонат"], findings=["tremor"]),
        person(medications=["лития карбонат"], findings=["cold_feet"]),
    ),
    "lithium_level_above_range": (
        person(medications=["Camcolit"], labs={"lithium_mmol_l": 1.3}),
        person(medications=["Camcolit"], labs={"lithium_mmol_l": 0.8}),
    ),
    "neuroleptic_malignant_syndrome": (
        person(
            medications=["haloperidol"],
            findings=["generalised_muscle_rigidity"],
            vitals={"temperature_c": 39.2},
        ),
        person(medications=["haloperidol"], findings=["generalised_muscle_rigidity"]),
    ),
    "serotonin_syndrome": (
        person(medications=["sertraline", "tramadol"], findings=["muscle_twitching", "fever"]),
        person(medications=["sertraline"], findings=["muscle_twitching"]),
    ),
    "possible_serotonin_toxicity": (
        person(medications=["Cipralex"], findings=["tremor"], medication_changes=[started("Cipralex")]),
        person(medications=["Cipralex"], findings=["tremor"]),
    ),
    "statin_muscle_damage": (
        person(age_years=66, medications=["simvastatin 40 mg"], labs={"ck_u_l": 2500}),
        person(age_years=66, medications=["simvastatin 40 mg"], labs={"ck_u_l": 400}),
    ),
    "statin_with_interacting_medicine": (
        person(age_years=66, medications=["simvastatin", "clarithromycin"]),
        person(age_years=66, medications=["simvastatin", "amoxicillin"]),
    ),
    "high_potassium_on_potassium_raising_medicine": (
        person(age_years=70, medications=["ramipril"], labs={"potassium_mmol_l": 5.6}),
        person(age_years=70, medications=["amlodipine"], labs={"potassium_mmol_l": 5.6}),
    ),
    "tendon_injury_on_fluoroquinolone": (
        person(age_years=72, medications=["Ципролет"], findings=["sudden_pain_during_sport"]),
        person(age_years=72, medications=["amoxicillin"], findings=["sudden_pain_during_sport"]),
    ),
    "quinine_in_pregnancy": (
        person(age_years=31, pregnancy={"pregnant": True, "weeks": 26}, medications=["хинин"], cramps=CALF),
        person(age_years=31, medications=["хинин"], cramps=CALF),
    ),
    "same_medicine_twice": (
        person(age_years=64, medications=["Asparkam", "Panangin"]),
        person(age_years=64, medications=["Asparkam", "Asparkam"]),
    ),
    "cramps_after_new_medicine": (
        person(
            age_years=68,
            cramps=CALF,
            medications=["bendroflumethiazide"],
            medication_changes=[started("bendroflumethiazide", 3)],
        ),
        person(
            age_years=68,
            cramps=CALF,
            medications=["bendroflumethiazide"],
            medication_changes=[started("bendroflumethiazide", 40)],
        ),
    ),
    "calcium_or_vitamin_d_stopped_after_neck_surgery": (
        person(
            conditions=["hypoparathyroidism"],
            medication_changes=[{"medication": "alfacalcidol", "change": "stopped", "weeks_ago": 1}],
        ),
        person(conditions=["hypoparathyroidism"], medications=["alfacalcidol"]),
    ),
    "potassium_losing_exposure": (
        person(age_years=55, cramps=CALF, exposures=["liquorice_large_amounts"]),
        person(age_years=55, cramps=CALF, exposures=["night_shift_work"]),
    ),
    "low_sodium_with_sodium_lowering_medicine": (
        person(age_years=92, sex="male", medications=["Гипотиазид 25 мг"], labs={"sodium_mmol_l": 127}),
        person(age_years=92, sex="male", medications=["Гипотиазид 25 мг"], labs={"sodium_mmol_l": 133}),
    ),
}

# rule id -> (the level the clinical source demands, the source and what it says)
EXPECTED: dict[str, tuple[str, str]] = {
    "lithium_severe_toxicity": (
        "emergency",
        "BNF lithium: toxicity with neurological signs (confusion) or "
        "levels >= 2.0 mmol/L is life-threatening; hospital",
    ),
    "lithium_toxicity_signs": (
        "urgent",
        "NICE CKS lithium / CG185: vomiting, diarrhoea, coarse tremor, "
        "twitching or confusion need same-day review and a level",
    ),
    "lithium_level_above_range": (
        "urgent",
        "NICE CG185: levels are kept at 0.6-0.8 (up to 1.0) mmol/L; above "
        "that the prescriber reviews the dose the same day",
    ),
    "neuroleptic_malignant_syndrome": (
        "emergency",
        "Berman 2011: rigidity with fever on a dopamine blocker is "
        "NMS, a medical emergency needing hospital care",
    ),
    "serotonin_syndrome": (
        "emergency",
        "Boyer & Shannon 2005: neuromuscular excitation with hyperthermia "
        "or altered mental state on serotonergic drugs",
    ),
    "possible_serotonin_toxicity": (
        "urgent",
        "Boyer & Shannon 2005: tremor or myoclonus soon after a new "
        "serotonergic drug is mild toxicity; assess the same day",
    ),
    "statin_muscle_damage": (
        "urgent",
        "NICE CKS statins: muscle symptoms with CK > 5 x upper limit: "
        "stop the statin on medical advice, assess now",
    ),
    "statin_with_interacting_medicine": (
        "routine",
        "MHRA 2012 simvastatin: clarithromycin and others must not be "
        "combined; a pharmacist or prescriber reviews",
    ),
    "high_potassium_on_potassium_raising_medicine": (
        "routine",
        "UK Kidney Association 2020: a mildly raised potassium on an "
        "ACE inhibitor needs the medicine reviewed",
    ),
    "tendon_injury_on_fluoroquinolone": (
        "urgent",
        "MHRA 2019 fluoroquinolones: at the first sign of tendon pain stop and seek medical advice promptly",
    ),
    "quinine_in_pregnancy": (
        "routine",
        "BNF / Cochrane 2020: quinine is not to be used for cramps in "
        "pregnancy; the prescriber or midwife reviews it",
    ),
    "same_medicine_twice": (
        "routine",
        "BNF NSAIDs: two NSAIDs together add harm without benefit; a "
        "pharmacist sorts out a duplicated medicine",
    ),
    "cramps_after_new_medicine": (
        "routine",
        "Garrison 2012: cramps follow new diuretics and other drugs "
        "within weeks; a medication review, not an emergency",
    ),
    "calcium_or_vitamin_d_stopped_after_neck_surgery": (
        "routine",
        "SfE 2016 hypocalcaemia: hypoparathyroid patients need calcium and "
        "active vitamin D; stopping them lowers calcium",
    ),
    "potassium_losing_exposure": (
        "routine",
        "FDA 2017 liquorice / RCPsych MEED 2022: liquorice and laxative misuse lower potassium; check it",
    ),
    "low_sodium_with_sodium_lowering_medicine": (
        "routine",
        "NICE CKS hyponatraemia: drug-induced hyponatraemia below 130 mmol/L: "
        "the prescriber reviews the drug",
    ),
}
