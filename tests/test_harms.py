"""Every harm grade holds: a treatment the evidence calls harmful for this person is graded
``not_recommended`` (hazards H4, H7, H18, H23).

Each case is a person and the grade their clinical source demands, written by hand (never read
from interventions.yaml). The grade is checked as the engine computes it from the person's derived
features, and, when the assessment shows the treatment, in the assessment as well: in an
emergency first aid is hidden, but its grade must still be right.

``test_every_harm_grade_has_a_case`` fails when an intervention gains a ``not_recommended`` grade
(base or personal) without a case here; ``tools/mutate.py`` checks that each one is caught.
"""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.assess import parse_inputs
from crampcare.assess.compiled import compiled
from crampcare.assess.features import derive
from crampcare.assess.recommend import grade
from crampcare.knowledge import load
from tests.helpers import person, rec_grades, run

NIGHT = {"timing": ["night"], "locations": ["calf"]}
MAN = {"age_years": 60, "sex": "male", "cramps": NIGHT}

# (intervention, the person, the grade the source demands, the source)
HARM_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # --- first aid on a leg that is not cramping ---
    (
        "first_aid_stretch",
        person(findings=["sudden_cold_pale_leg"]),
        "not_recommended",
        "ESVS 2020: acute limb ischaemia is an emergency, not a cramp to stretch",
    ),
    (
        "first_aid_stretch",
        person(findings=["tense_swollen_muscle_compartment"]),
        "not_recommended",
        "BOAST compartment syndrome: emergency, do not manipulate",
    ),
    (
        "first_aid_massage",
        person(cramps=NIGHT, findings=["unilateral_calf_swelling"]),
        "not_recommended",
        "NHS DVT: do not massage a swollen painful calf",
    ),
    (
        "first_aid_massage",
        person(cramps=NIGHT, findings=["recent_leg_injury"]),
        "not_recommended",
        "NHS sprains and strains: no massage for the first 72 hours (HARM)",
    ),
    (
        "first_aid_massage",
        person(cramps=NIGHT, findings=["sudden_pain_during_sport"]),
        "not_recommended",
        "NHS sprains and strains: no massage for the first 72 hours (HARM)",
    ),
    (
        "first_aid_warmth_after",
        person(findings=["soreness_after_cramp", "sudden_cold_pale_leg"]),
        "not_recommended",
        "ESVS 2020: never warm an ischaemic leg",
    ),
    (
        "first_aid_warmth_after",
        person(findings=["soreness_after_cramp"], conditions=["diabetes"]),
        "not_recommended",
        "NICE NG19/NG28: numb feet do not feel burns",
    ),
    (
        "first_aid_warmth_after",
        person(findings=["soreness_after_cramp", "burning_feet"]),
        "not_recommended",
        "NICE NG19: neuropathy, burn risk",
    ),
    # --- lifestyle ---
    (
        "adequate_fluids",
        person(
            cramps={"timing": ["after_exercise"]},
            labs={"sodium_mmol_l": 126},
            lifestyle={"heavy_sweating": True},
        ),
        "not_recommended",
        "Hew-Butler 2015: more water lowers a low sodium further",
    ),
    (
        "adequate_fluids",
        person(findings=["little_or_no_urine", "vomiting_or_diarrhoea"]),
        "not_recommended",
        "NICE NG148: with little or no urine, fluid is given by a clinician, not forced at home",
    ),
    (
        "regular_exercise",
        person(findings=["dark_urine"], lifestyle={"recent_unaccustomed_exercise": True}),
        "not_recommended",
        "NICE NG148: rest until muscle breakdown is excluded",
    ),
    (
        "regular_exercise",
        person(findings=["severe_muscle_pain_after_exertion"]),
        "not_recommended",
        "NICE NG148: rest until muscle breakdown is excluded",
    ),
    (
        "potassium_rich_foods",
        person(labs={"potassium_mmol_l": 3.2}, medications=["Veroshpiron 25 mg"]),
        "not_recommended",
        "NICE NG148 / EASL 2018: spironolactone raises potassium",
    ),
    (
        "potassium_rich_foods",
        person(labs={"potassium_mmol_l": 3.2}, conditions=["chronic_kidney_disease"]),
        "not_recommended",
        "NICE NG148: kidney disease retains potassium",
    ),
    (
        "potassium_rich_foods",
        person(labs={"potassium_mmol_l": 6.2}),
        "not_recommended",
        "UK Kidney Association: with a high potassium, no extra potassium by mouth",
    ),
    # --- treatments ---
    (
        "magnesium_supplement",
        {**MAN, "medications": ["Magne B6"]},
        "not_recommended",
        "Cochrane 2020: magnesium does not prevent idiopathic cramps in older adults",
    ),
    (
        "magnesium_supplement",
        {**MAN, "labs": {"magnesium_mmol_l": 0.55, "egfr_ml_min": 20}},
        "not_recommended",
        "Severe kidney impairment: magnesium accumulates (even with a low magnesium)",
    ),
    (
        "magnesium_supplement",
        {**MAN, "medications": ["Magne B6"], "labs": {"magnesium_mmol_l": 1.4}},
        "not_recommended",
        "Hypermagnesaemia: more magnesium raises an already high magnesium",
    ),
    (
        "quinine",
        {**MAN, "medications": ["quinine sulfate 200 mg"]},
        "not_recommended",
        "MHRA 2010: quinine not for routine use for cramps",
    ),
    (
        "quinine",
        person(pregnancy={"pregnant": True, "weeks": 24}, cramps=NIGHT, medications=["quinine 200 mg"]),
        "not_recommended",
        "MHRA 2010: quinine is contraindicated in pregnancy",
    ),
    (
        "vitamin_k2",
        {**MAN, "medications": ["Warfarin 5 mg", "vitamin K2"]},
        "not_recommended",
        "Vitamin K antagonises warfarin",
    ),
    (
        "potassium_magnesium_aspartate",
        {**MAN, "medications": ["Veroshpiron 25 mg", "Asparkam"]},
        "not_recommended",
        "Hyperkalaemia with a potassium-sparing diuretic",
    ),
    (
        "potassium_magnesium_aspartate",
        {**MAN, "conditions": ["chronic_kidney_disease"], "medications": ["Panangin"]},
        "not_recommended",
        "NICE NG148: hyperkalaemia with kidney disease",
    ),
    (
        "potassium_magnesium_aspartate",
        {**MAN, "labs": {"potassium_mmol_l": 5.8}, "medications": ["Asparkam"]},
        "not_recommended",
        "A raised potassium must not be pushed higher",
    ),
    (
        "venotonic",
        person(pregnancy={"pregnant": True, "weeks": 28}, findings=["visible_varicose_veins"]),
        "not_recommended",
        "Cochrane phlebotonics: avoid in pregnancy (precaution)",
    ),
    (
        "compression_stockings",
        {**MAN, "findings": ["visible_varicose_veins", "weak_or_absent_foot_pulses"]},
        "not_recommended",
        "NICE CG147/CG168: no compression before arterial assessment",
    ),
    (
        "compression_stockings",
        {**MAN, "conditions": ["peripheral_artery_disease"], "findings": ["visible_varicose_veins"]},
        "not_recommended",
        "NICE CG168: compression is contraindicated with arterial disease",
    ),
    (
        "valproate",
        {**MAN, "medications": ["Depakine"]},
        "not_recommended",
        "MHRA valproate: not a treatment for cramps",
    ),
    (
        "valproate",
        person(age_years=25, cramps=NIGHT, medications=["Depakine"]),
        "not_recommended",
        "MHRA valproate: pregnancy prevention programme for women who could become pregnant",
    ),
    (
        "nsaid_for_cramps",
        {**MAN, "medications": ["Ibuprofen 400 mg"]},
        "not_recommended",
        "NHS leg cramps: painkillers do not stop cramps; NSAID harms",
    ),
    (
        "nsaid_for_cramps",
        {**MAN, "medications": ["Xarelto", "Nise 100 mg"]},
        "not_recommended",
        "Bleeding risk of NSAIDs with anticoagulants",
    ),
    (
        "nsaid_for_cramps",
        {**MAN, "conditions": ["chronic_kidney_disease"], "medications": ["Diclofenac"]},
        "not_recommended",
        "NICE NG148: NSAIDs cause acute kidney injury",
    ),
    (
        "heparin_gel",
        {**MAN, "findings": ["unilateral_calf_swelling"]},
        "not_recommended",
        "NHS DVT / NICE NG158: a gel does not treat a clot and delays care",
    ),
    (
        "pickle_juice",
        {**MAN, "conditions": ["hypertension"]},
        "not_recommended",
        "Salt load with high blood pressure",
    ),
    (
        "epsom_salt_bath",
        {**MAN, "conditions": ["diabetes"]},
        "not_recommended",
        "NICE NG19: scald risk with numb feet",
    ),
    (
        "herbal_decoction",
        {**MAN, "medications": ["Warfarin 5 mg"]},
        "not_recommended",
        "Herb interactions with anticoagulants",
    ),
    (
        "herbal_decoction",
        person(pregnancy={"pregnant": True, "weeks": 20}, cramps=NIGHT),
        "not_recommended",
        "Tinctures contain alcohol: not in pregnancy",
    ),
    (
        "alcohol_rub",
        person(age_years=8, sex="male", cramps=NIGHT),
        "not_recommended",
        "Alcohol absorbed through a child's skin",
    ),
    (
        "garlic_oil",
        {**MAN, "medications": ["garlic oil"]},
        "not_recommended",
        "Botulism risk of home-made garlic in oil",
    ),
    (
        "garlic_oil",
        {**MAN, "medications": ["Eliquis 5 mg", "garlic oil"]},
        "not_recommended",
        "Garlic adds to the bleeding risk of anticoagulants",
    ),
    (
        "garlic_oil",
        {**MAN, "medications": ["Aspirin Cardio 100 mg", "garlic oil"]},
        "not_recommended",
        "Garlic adds to the bleeding risk of antiplatelets",
    ),
    # --- a dangerous value pushed further the wrong way (written from the guidance) ---
    (
        "calcium_supplement",
        {**MAN, "labs": {"calcium_mmol_l": 2.9}},
        "not_recommended",
        "NICE CKS hypercalcaemia: stop adding calcium while the cause of a high calcium is found",
    ),
    (
        "vitamin_d_supplement",
        {**MAN, "labs": {"calcium_mmol_l": 2.9}},
        "not_recommended",
        "NICE CKS hypercalcaemia: vitamin D raises calcium further",
    ),
    (
        "calcium_rich_foods",
        {**MAN, "labs": {"calcium_mmol_l": 2.9}},
        "not_recommended",
        "NICE CKS hypercalcaemia: no extra calcium with a high calcium",
    ),
    (
        "magnesium_rich_foods",
        {**MAN, "labs": {"magnesium_mmol_l": 1.3}},
        "not_recommended",
        "Hypermagnesaemia: no extra magnesium with a high magnesium",
    ),
    (
        "pickle_juice",
        {**MAN, "labs": {"sodium_mmol_l": 150}},
        "not_recommended",
        "Hypernatraemia: a salty drink raises a high sodium further",
    ),
]


def _engine_grade(intervention: str, data: dict[str, Any]) -> str:
    kb = load()
    inputs, _ = parse_inputs(data)
    present = derive(kb, inputs[0]).features
    return grade(compiled(kb).interventions[intervention], present).grade


@pytest.mark.parametrize(
    ("intervention", "data", "want", "source"),
    HARM_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(HARM_CASES)],
)
def test_harm_grade_holds(intervention: str, data: dict[str, Any], want: str, source: str) -> None:
    assert _engine_grade(intervention, data) == want, source
    shown = rec_grades(run(data))
    if intervention in shown:
        assert shown[intervention] == want, source


def test_every_harm_grade_has_a_case() -> None:
    """Each intervention has at least as many cases as it has not_recommended grades."""
    cases: dict[str, int] = {}
    for intervention, *_ in HARM_CASES:
        cases[intervention] = cases.get(intervention, 0) + 1
    for item in load().interventions.values():
        harms = int(item.grade == "not_recommended") + sum(
            r.grade == "not_recommended" for r in item.personal
        )
        assert cases.get(item.id, 0) >= harms, (
            f"{item.id}: {harms} harm grades, {cases.get(item.id, 0)} cases"
        )


def test_the_same_people_without_the_harm_are_graded_otherwise() -> None:
    """The personal rules are what makes the difference (the cases are not trivially true)."""
    plain = person(cramps=NIGHT, findings=["soreness_after_cramp"])
    assert _engine_grade("first_aid_warmth_after", plain) == "possibly_helpful"
    assert _engine_grade("first_aid_massage", plain) == "possibly_helpful"
    assert _engine_grade("regular_exercise", plain) == "possibly_helpful"
    assert _engine_grade("potassium_magnesium_aspartate", plain) == "insufficient_evidence"
    assert _engine_grade("compression_stockings", plain) == "insufficient_evidence"
    assert (
        _engine_grade("magnesium_supplement", {**MAN, "labs": {"magnesium_mmol_l": 0.55}})
        == "possibly_helpful"
    )
