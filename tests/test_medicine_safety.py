"""Medicine safety: duplicates, quinine in pregnancy, lithium, medicine changes, clot safety net.

Expectations are written from the guidance (BNF, NICE, MHRA), never read from the knowledge base.
"""

from __future__ import annotations

from typing import Any

import pytest

from crampcare.assess.duplicates import find_duplicates
from crampcare.assess.features import MedicationMatch
from crampcare.assess.medications import medication_index
from crampcare.knowledge import load
from tests.helpers import flag_ids, person, rec_grades, run
from tests.rule_cases import CASES

POSITIVE = {"recommended", "possibly_helpful"}
CALF = {"timing": ["night"], "locations": ["calf"], "side": "both"}


def meds(*names: str) -> list[MedicationMatch]:
    index = medication_index()
    out = []
    for name in names:
        drug = index.match(name)
        assert drug is not None, name
        out.append(MedicationMatch(name, drug))
    return out


def probability(result: Any, condition: str) -> float:
    return next((e.probability for e in result.differential if e.condition == condition), 0.0)


# --- the same medicine twice ----------------------------------------------------------------------


def test_asparkam_and_panangin_are_the_same_medicine() -> None:
    found = find_duplicates(meds("Asparkam", "Panangin"))
    assert [(d.index, d.other, d.why) for d in found] == [(0, 1, "ingredient"), (1, 0, "ingredient")]


@pytest.mark.parametrize(
    ("names", "why"),
    [
        (("ibuprofen 400 mg", "Nimesil"), "kind"),  # two NSAIDs (BNF: avoid)
        (("Nurofen", "naproxen"), "kind"),  # naproxen has its own class but is an NSAID
        (("paracetamol", "Zaldiar"), "ingredient"),  # Zaldiar = tramadol + paracetamol
        (("warfarin", "Eliquis"), "kind"),  # two anticoagulants
        (("Lipitor", "atorvastatin 20 mg"), "ingredient"),
    ],
)
def test_duplicates_across_brands_and_kinds(names: tuple[str, str], why: str) -> None:
    found = find_duplicates(meds(*names))
    assert found and {d.why for d in found} == {why}


def test_gel_next_to_tablets_is_not_a_double_dose() -> None:
    assert find_duplicates(meds("ibuprofen 400 mg", "Voltaren Emulgel")) == []
    assert find_duplicates(meds("Нурофен", "Фастум гель")) == []


@pytest.mark.parametrize(
    "names", [("ramipril", "amlodipine"), ("Asparkam", "asparkam"), ("aspirin 75 mg", "ibuprofen")]
)
def test_no_duplicate_for_different_medicines_or_one_repeated_entry(names: tuple[str, str]) -> None:
    assert find_duplicates(meds(*names)) == []


def test_duplicate_is_said_plainly_and_sends_to_pharmacist_never_stop() -> None:
    result = run(person(age_years=64, medications=["Asparkam", "Panangin"]))
    notes = {m.input: m.note for m in result.medication_review}
    assert "Panangin" in notes["Asparkam"] and "Asparkam" in notes["Panangin"]
    assert "pharmacist" in notes["Asparkam"]
    assert "same_medicine_twice" in {r.id for r in load().rules if r.message in result.triage.reasons}
    assert "medication_review" in rec_grades(result)
    for text in (*result.triage.reasons, notes["Asparkam"]):
        assert "stop taking" not in text.lower()
    ru = run(person(age_years=64, medications=["Asparkam", "Panangin"]), lang="ru")
    ru_note = next(m.note for m in ru.medication_review if m.input == "Asparkam")
    assert "Panangin" in ru_note and "фармацевт" in ru_note


def test_potassium_note_speaks_of_other_medicines_only() -> None:
    note = "already raises blood potassium"
    alone = run(person(age_years=64, medications=["Asparkam"]))
    assert note not in alone.medication_review[0].note
    with_ace = run(person(age_years=64, medications=["Asparkam", "ramipril"]))
    assert note in with_ace.medication_review[0].note


def test_lithium_with_an_nsaid_and_fluoroquinolone_tendons_are_noted() -> None:
    result = run(person(age_years=70, medications=["lithium", "ibuprofen", "Cipro"]))
    notes = {m.input: m.note for m in result.medication_review}
    assert "raise the lithium level" in notes["lithium"]  # BNF: NSAIDs raise lithium
    assert "tendon" in notes["Cipro"] and "stop" not in notes["Cipro"].lower()  # never "stop it"
    alone = run(person(age_years=70, medications=["lithium"]))
    assert "raise the lithium level" not in alone.medication_review[0].note


# --- quinine in pregnancy ---------------------------------------------------------------------------


def test_quinine_in_pregnancy_is_consistent_and_sends_to_midwife_today() -> None:
    result = run(
        person(
            age_years=29, pregnancy={"pregnant": True, "weeks": 22}, medications=["Qualaquin"], cramps=CALF
        )
    )
    grades = rec_grades(result)
    assert grades.get("contact_prescriber_today") == "recommended"
    assert grades.get("quinine") == "not_recommended"
    text = " ".join(result.triage.reasons)
    assert "must not be used" in text and "midwife" in text
    # never "do not stop or change it on your own" next to "must not be used" (MHRA, BNF)
    assert "do not stop or change it on your own" not in text
    note = result.medication_review[0].note
    assert "must not be used" in note and "midwife" in note
    assert "do not stop or change it on your own" not in note


def test_quinine_outside_pregnancy_keeps_the_review_message() -> None:
    result = run(person(age_years=70, sex="male", medications=["Qualaquin"], cramps=CALF))
    assert any("Quinine is no longer advised" in r for r in result.triage.reasons)
    assert "contact_prescriber_today" not in rec_grades(result)


# --- lithium ---------------------------------------------------------------------------------------

LITHIUM_SIGNS = [
    ["vomiting_or_diarrhoea"],
    ["vomiting_or_diarrhoea", "muscle_twitching", "confusion"],
    ["tremor", "vomiting_or_diarrhoea"],
]


@pytest.mark.parametrize("findings", LITHIUM_SIGNS)
def test_lithium_toxicity_contacts_prescriber_and_never_grades_drinking_positively(
    findings: list[str],
) -> None:
    result = run(person(age_years=58, medications=["Priadel 400 mg"], findings=findings, cramps=CALF))
    grades = rec_grades(result)
    assert result.triage.level in ("urgent", "emergency")  # NICE CKS lithium: same day at least
    assert grades.get("contact_prescriber_today") == "recommended"
    assert grades.get("adequate_fluids") not in POSITIVE


def test_lithium_vomiting_twitching_confusion_is_an_emergency_not_serotonin_syndrome() -> None:
    result = run(
        person(medications=["lithium"], findings=["vomiting_or_diarrhoea", "muscle_twitching", "confusion"])
    )
    assert result.triage.level == "emergency"  # BNF: toxicity with confusion is severe
    assert result.differential[0].condition == "drug_toxicity"
    assert "serotonin_syndrome" not in flag_ids(result)


# 0.7 mmol/L is in range: only the routine review every listed cramp-causing medicine gets.
@pytest.mark.parametrize(("level", "want"), [(0.7, "routine"), (1.2, "urgent"), (2.2, "emergency")])
def test_lithium_level(level: float, want: str) -> None:
    result = run(person(medications=["lithium"], labs={"lithium_mmol_l": level}))
    assert result.triage.level == want


def test_stiff_cramping_muscles_with_fever_on_an_antipsychotic_is_an_emergency() -> None:
    # "stiff, cramping muscles" written as cramps all over the body (Berman 2011: NMS)
    case = person(medications=["Seroquel"], cramps={"locations": ["generalized"]}, findings=["fever"])
    assert run(case).triage.level == "emergency"


# --- contact the prescriber today ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        person(age_years=70, medications=["ramipril"], labs={"potassium_mmol_l": 5.7}),
        person(age_years=70, medications=["Asparkam", "spironolactone"], labs={"potassium_mmol_l": 5.4}),
        person(age_years=72, medications=["levofloxacin"], findings=["sudden_pain_during_sport"]),
        person(
            age_years=66,
            medications=["simvastatin", "clarithromycin"],
            findings=["progressive_muscle_weakness"],
        ),
        person(medications=["lithium"], labs={"lithium_mmol_l": 1.4}),
    ],
)
def test_contact_prescriber_today_where_a_medicine_must_not_go_on_unreviewed(case: dict[str, Any]) -> None:
    assert rec_grades(run(case)).get("contact_prescriber_today") == "recommended"


# --- medicine changes ----------------------------------------------------------------------------------


def test_recently_started_cramp_medicine_leads_the_factors() -> None:
    base = person(age_years=68, cramps=CALF, medications=["omeprazole", "furosemide"])
    change = [{"medication": "furosemide", "change": "started", "weeks_ago": 3}]
    result = run({**base, "medication_changes": change})
    first = result.contributing_factors[0]
    assert first.id == "drug_class:loop_diuretic" and "12 weeks" in first.detail
    old = run({**base, "medication_changes": [{**change[0], "weeks_ago": 52}]})
    assert all("12 weeks" not in f.detail for f in old.contributing_factors)


def test_a_new_serotonergic_medicine_makes_tremor_urgent() -> None:
    base = person(medications=["sertraline"], findings=["tremor"])
    assert run(base).triage.level == "self_care"
    changed = run(
        {
            **base,
            "medication_changes": [{"medication": "sertraline", "change": "dose_increased", "weeks_ago": 1}],
        }
    )
    assert changed.triage.level == "urgent"  # Boyer & Shannon 2005: new or higher dose


def test_stopping_benzodiazepine_then_tremor_is_withdrawal() -> None:
    stop = [{"medication": "diazepam", "change": "stopped", "weeks_ago": 0.5}]
    assert run(person(findings=["tremor"], medication_changes=stop)).triage.level == "urgent"
    assert run(person(findings=["tremor", "confusion"], medication_changes=stop)).triage.level == "emergency"


def test_stopping_levodopa_with_rigidity_and_fever_is_an_emergency() -> None:
    stop = [{"medication": "Madopar", "change": "stopped", "weeks_ago": 0.3}]
    case = person(
        age_years=74,
        sex="male",
        conditions=["parkinsons_disease"],
        findings=["generalised_muscle_rigidity", "fever"],
    )
    assert run({**case, "medication_changes": stop}).triage.level == "emergency"


def test_stopping_calcium_after_neck_surgery_raises_hypocalcaemia() -> None:
    base = person(conditions=["hypoparathyroidism"], findings=["tingling_around_mouth"], cramps=CALF)
    stop = [{"medication": "calcium carbonate + colecalciferol", "change": "stopped", "weeks_ago": 1}]
    assert probability(run({**base, "medication_changes": stop}), "hypocalcaemia") > probability(
        run(base), "hypocalcaemia"
    )


# --- clots: the safety net and the v2 evidence ------------------------------------------------------------

CLOT_CONDITIONS = ("deep_vein_thrombosis", "pulmonary_embolism")


def test_every_suspected_clot_carries_watch_for_clot_in_lung() -> None:
    clot_rules = [r.id for r in load().rules if r.condition in CLOT_CONDITIONS]
    assert "possible_dvt" in clot_rules
    for rule_id in clot_rules:
        result = run(CASES[rule_id][0])
        assert "watch_for_clot_in_lung" in rec_grades(result), rule_id


def test_absent_findings_lower_and_d_dimer_travel_raise_dvt() -> None:
    base = person(
        age_years=55,
        cramps={"timing": ["rest_day"], "locations": ["calf"], "side": "left"},
        findings=["persistent_calf_pain_tenderness"],
    )
    p0 = probability(run(base), "deep_vein_thrombosis")
    assert (
        probability(run({**base, "absent_findings": ["unilateral_calf_swelling"]}), "deep_vein_thrombosis")
        < p0
    )
    assert probability(run({**base, "labs": {"d_dimer_raised": True}}), "deep_vein_thrombosis") > p0
    assert probability(run({**base, "exposures": ["long_haul_travel"]}), "deep_vein_thrombosis") > p0


def test_normal_pulses_lower_claudication() -> None:
    base = person(
        age_years=70,
        sex="male",
        cramps={"timing": ["on_walking"], "locations": ["calf"]},
        findings=["calf_pain_walking_relieved_by_standing"],
    )
    p0 = probability(run(base), "peripheral_artery_disease")
    assert (
        probability(
            run({**base, "absent_findings": ["weak_or_absent_foot_pulses"]}), "peripheral_artery_disease"
        )
        < p0
    )


def test_atrial_fibrillation_supports_a_blocked_leg_artery() -> None:
    base = person(age_years=80, findings=["severe_pain_out_of_proportion"], cramps={"side": "left"})
    p0 = probability(run(base), "acute_limb_ischaemia")
    assert probability(run({**base, "conditions": ["atrial_fibrillation"]}), "acute_limb_ischaemia") > p0


def test_liquorice_and_laxatives_point_to_low_potassium() -> None:
    base = person(cramps=CALF, findings=["palpitations"])
    p0 = probability(run(base), "hypokalaemia")
    for exposure in ("liquorice_large_amounts", "laxative_or_diuretic_misuse"):
        result = run({**base, "exposures": [exposure]})
        assert probability(result, "hypokalaemia") > p0
        assert f"lifestyle:{exposure}" in {f.id for f in result.contributing_factors}


def test_cramps_during_dialysis_count_as_dialysis() -> None:
    result = run(person(age_years=63, cramps={"timing": ["during_dialysis"], "locations": ["calf"]}))
    assert "condition:dialysis" in {f.id for f in result.contributing_factors}


def test_new_rule_cases_give_results_valid_against_the_contract() -> None:
    """Factor ids, red flags and texts of the v2 rules keep to assessment-result.schema.json."""
    import json
    from importlib import resources

    import jsonschema

    from tests.rule_cases import medicines, presentations

    schema = json.loads(
        resources.files("crampcare.spec").joinpath("assessment-result.schema.json").read_text()
    )
    validator = jsonschema.Draft202012Validator(schema)
    for cases in (medicines.CASES, presentations.CASES):
        for firing, near_miss in cases.values():
            for case in (firing, near_miss):
                errors = list(validator.iter_errors(run(case).to_json()))
                assert not errors, errors[0].message
    exposures = person(
        exposures=["liquorice_large_amounts", "laxative_or_diuretic_misuse", "recreational_stimulants"]
    )
    assert not list(validator.iter_errors(run(exposures).to_json()))
