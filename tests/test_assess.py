"""The assessment engine: differential, factors, medication review and grading for this person."""

from __future__ import annotations

import json

import pytest

from crampcare.assess import parse_inputs
from crampcare.assess.features import corrected_calcium
from tests.helpers import person, rec_grades, run

CLASSIC = person(
    age_years=68,
    cramps={"timing": ["night"], "locations": ["calf"], "side": "alternating", "episodes_per_week": 1},
    findings=["sudden_painful_tightening", "visible_or_palpable_knot", "relieved_by_stretching"],
)


def test_classic_night_cramps_are_self_care() -> None:
    result = run(CLASSIC)
    assert result.triage.level == "self_care"
    top = result.differential[0]
    assert top.condition == "nocturnal_leg_cramps"
    assert {"visible_or_palpable_knot", "relieved_by_stretching"} <= set(top.supporting)
    assert top.icd10 == "R25.2"
    assert "age:older_adult" in {f.id for f in result.contributing_factors}
    grades = rec_grades(result)
    assert grades["first_aid_stretch"] == "recommended"
    assert grades["calf_stretch_before_bed"] == "possibly_helpful"
    assert "book_gp_appointment" not in grades


def test_differential_sorted_and_bounded() -> None:
    result = run(CLASSIC)
    probs = [d.probability for d in result.differential]
    assert probs == sorted(probs, reverse=True)
    assert all(0 <= p <= 1 for p in probs)


def test_restless_legs_outranks_cramps_without_a_knot() -> None:
    result = run(
        person(
            cramps={"timing": ["night", "rest_day"], "locations": ["calf"], "side": "both"},
            findings=[
                "urge_to_move_legs",
                "unpleasant_leg_sensations",
                "relieved_by_movement",
                "worse_in_evening",
            ],
        )
    )
    assert result.differential[0].condition == "restless_legs_syndrome"
    assert result.triage.level == "routine"


def test_eclampsia_is_impossible_outside_pregnancy() -> None:
    result = run(person(sex="male", findings=["severe_headache", "visual_disturbance"]))
    assert "eclampsia" not in {d.condition for d in result.differential}


def test_febrile_seizure_needs_a_child_with_fever() -> None:
    adult = run(person(findings=["generalized_convulsions", "fever"]))
    assert "febrile_seizure" not in {d.condition for d in adult.differential}
    child = run(person(age_years=2, findings=["generalized_convulsions", "fever"]))
    assert child.differential[0].condition == "febrile_seizure"


def test_calcium_is_corrected_for_albumin() -> None:
    assert corrected_calcium(2.05, 29) == pytest.approx(2.27)
    assert corrected_calcium(2.05, None) == 2.05
    low_albumin = run(person(labs={"calcium_mmol_l": 2.05, "albumin_g_l": 29}))
    assert "lab:low_calcium" not in {f.id for f in low_albumin.contributing_factors}
    normal_albumin = run(person(labs={"calcium_mmol_l": 2.05, "albumin_g_l": 40}))
    assert "lab:low_calcium" in {f.id for f in normal_albumin.contributing_factors}


def test_drug_classes_become_factors_and_medication_review() -> None:
    result = run(
        person(cramps={"timing": ["night"]}, medications=["Lasix 40mg", "Nexium 20 mg", "Паracetamol?"])
    )
    factors = {f.id: f.detail for f in result.contributing_factors}
    assert factors["drug_class:loop_diuretic"] == "Lasix 40mg"
    assert "drug_class:proton_pump_inhibitor" in factors
    assert "medication_review" in rec_grades(result)
    review = {m.input: m for m in result.medication_review}
    assert review["Lasix 40mg"].ingredient == "furosemide"
    # Garrison 2012: loop diuretics 1.20 (95% CI 1.00-1.44), an interval that reaches no effect
    assert review["Lasix 40mg"].cramp_association == "possible"
    assert "1.2 times" in review["Lasix 40mg"].note and "chance" in review["Lasix 40mg"].note
    assert "do not stop" in review["Lasix 40mg"].note.lower()


def test_unknown_medicine_is_listed_not_guessed() -> None:
    result = run(person(medications=["Zzyzx-forte 5 mg"]))
    assert result.unrecognised_medications == ["Zzyzx-forte 5 mg"]
    assert result.medication_review == []


def test_quinine_taken_is_always_named_and_not_recommended() -> None:
    result = run(person(cramps={"timing": ["night"]}, medications=["Quinine sulphate 200mg"]))
    assert rec_grades(result)["quinine"] == "not_recommended"
    assert result.triage.level == "routine"


def test_quinine_is_left_to_specialists_in_mnd() -> None:
    result = run(
        person(
            conditions=["motor_neuron_disease"], cramps={"timing": ["night"]}, medications=["quinine 200 mg"]
        )
    )
    assert rec_grades(result)["quinine"] == "insufficient_evidence"


@pytest.mark.parametrize(
    ("extra", "treatment"),
    [
        (
            {"conditions": ["chronic_kidney_disease"], "medications": ["Asparkam"]},
            "potassium_magnesium_aspartate",
        ),
        ({"medications": ["Veroshpiron 25 mg", "Аспаркам"]}, "potassium_magnesium_aspartate"),
        # a combination tablet: its ACE-inhibitor half raises potassium too
        ({"medications": ["Noliprel A", "Panangin"]}, "potassium_magnesium_aspartate"),
        ({"medications": ["Eliquis 5 mg", "garlic oil"]}, "garlic_oil"),
        ({"pregnancy": {"pregnant": True, "weeks": 20}, "medications": ["Depakine"]}, "valproate"),
        ({"medications": ["Xarelto", "Nise 100 mg"]}, "nsaid_for_cramps"),
    ],
)
def test_harmful_combinations_are_not_recommended(extra: dict[str, object], treatment: str) -> None:
    result = run(person(cramps={"timing": ["night"]}, **extra))  # type: ignore[arg-type]
    assert rec_grades(result).get(treatment) == "not_recommended"


def test_magnesium_depends_on_a_measured_deficiency() -> None:
    idiopathic = run({**CLASSIC, "medications": ["Magne B6"]})
    assert rec_grades(idiopathic)["magnesium_supplement"] == "not_recommended"
    deficient = run({**CLASSIC, "labs": {"magnesium_mmol_l": 0.55}})
    assert rec_grades(deficient)["magnesium_supplement"] == "possibly_helpful"
    kidneys = run({**CLASSIC, "labs": {"magnesium_mmol_l": 0.55, "egfr_ml_min": 20}})
    assert rec_grades(kidneys)["magnesium_supplement"] == "not_recommended"


def test_no_recommendation_tells_anyone_to_stop_a_medicine() -> None:
    result = run(person(cramps={"timing": ["night"]}, medications=["Lasix", "Lipitor", "Symbicort"]))
    texts = " ".join(r.text for r in result.recommendations).lower()
    assert "stop taking" not in texts
    assert "never stop" in texts or "do not stop" in texts


def test_every_statement_names_sources_that_resolve() -> None:
    from crampcare.knowledge import load

    kb = load()
    result = run(
        person(
            cramps={"timing": ["night"]},
            findings=["unilateral_calf_swelling", "hand_spasms"],
            medications=["Lasix"],
            labs={"potassium_mmol_l": 3.0},
        )
    )
    items = [*result.red_flags, *result.recommendations, *result.contributing_factors]
    assert items
    for item in items:
        assert item.sources, item
        assert all(k in kb.references for k in item.sources)


def test_result_is_deterministic_and_has_no_timestamps() -> None:
    a = json.dumps(run(CLASSIC).to_json(), sort_keys=True)
    b = json.dumps(run(CLASSIC).to_json(), sort_keys=True)
    assert a == b
    assert "2026" not in a


def test_russian_texts_keep_codes() -> None:
    en, ru = run(CLASSIC, "en"), run(CLASSIC, "ru")
    assert [r.id for r in en.recommendations] == [r.id for r in ru.recommendations]
    assert [d.condition for d in en.differential] == [d.condition for d in ru.differential]


def test_batch_parsing_keeps_order() -> None:
    inputs, batch = parse_inputs([CLASSIC, person(age_years=30)])
    assert batch and [i.age_years for i in inputs] == [68, 30]


def test_dietary_advice_names_foods_with_amounts_from_the_table() -> None:
    result = run({**CLASSIC, "labs": {"magnesium_mmol_l": 0.6}})
    text = next(r.text for r in result.recommendations if r.id == "magnesium_rich_foods")
    assert "almonds 268 mg" in text  # USDA SR24 NDB 12061: almonds 268 mg magnesium per 100 g
    assert "usda_sr24" in next(r.sources for r in result.recommendations if r.id == "magnesium_rich_foods")
    ru = run({**CLASSIC, "labs": {"magnesium_mmol_l": 0.6}}, "ru")
    assert "миндаль 268 мг" in next(r.text for r in ru.recommendations if r.id == "magnesium_rich_foods")


def test_potassium_rich_foods_are_not_advised_with_potassium_raising_medicines() -> None:
    plain = run({**CLASSIC, "labs": {"potassium_mmol_l": 3.2}})
    assert rec_grades(plain)["potassium_rich_foods"] == "possibly_helpful"
    with_acei = run({**CLASSIC, "labs": {"potassium_mmol_l": 3.2}, "medications": ["Ramipril 5 mg"]})
    assert rec_grades(with_acei)["potassium_rich_foods"] == "not_recommended"


def test_a_red_flag_condition_leads_the_differential() -> None:
    """One swollen calf in someone whose cramps are on both sides: the score favours cramps, but
    the clot the red flag is about comes first (a red flag is never outweighed by a score)."""
    result = run(
        person(
            age_years=60,
            cramps={"timing": ["night"], "side": "both"},
            findings=["unilateral_calf_swelling", "sudden_painful_tightening"],
        )
    )
    assert result.triage.level == "urgent"
    conditions = [d.condition for d in result.differential]
    assert conditions[0] == "deep_vein_thrombosis"
    assert result.differential[0].probability < result.differential[1].probability  # the score, unchanged
