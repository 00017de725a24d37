"""Lab values and vital signs act in both directions; a value beyond what life allows is dangerous
until a repeat test says otherwise (issue 8).

Levels, limits and the treatments that would push a value further the wrong way are written here by
hand from the sources (UK Kidney Association 2020, NICE CKS hypercalcaemia and hyponatraemia,
Society for Endocrinology emergency guidance, NICE NG51, RCP NEWS2, JBDS, NHS), never read from the
knowledge base they guard.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcare.assess import parse_inputs
from crampcare.assess.compiled import compiled
from crampcare.assess.features import derive
from crampcare.assess.medications import medication_index
from crampcare.assess.recommend import grade
from crampcare.knowledge import load
from crampcare.knowledge.common import TRIAGE_ORDER
from crampcare.spec import schema
from tests.helpers import flag_ids, person, rec_grades, run

RESULT_SCHEMA = jsonschema.Draft202012Validator(schema("assessment-result"))
INPUT_SCHEMA = schema("assessment-input")
POSITIVE = {"recommended", "possibly_helpful"}
NIGHT = {"timing": ["night"], "locations": ["calf"], "episodes_per_week": 1}
ORDINARY = {"findings": ["sudden_painful_tightening", "relieved_by_stretching"], "cramps": NIGHT}
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(level: str) -> int:
    return TRIAGE_ORDER.index(level)


def level_of(data: dict[str, Any]) -> str:
    return run(data).triage.level


def rec_ids(data: dict[str, Any]) -> set[str]:
    return {r.id for r in run(data).recommendations}


def _range(block: str, name: str) -> tuple[float, float]:
    node = INPUT_SCHEMA["properties"][block]["properties"][name]
    return float(node["minimum"]), float(node["maximum"])


# A typical normal value for every numeric lab and vital of the schema (the midpoint of the usual
# adult range); "further from normal" is measured from here.
NORMAL: dict[tuple[str, str], float] = {
    ("labs", "potassium_mmol_l"): 4.2,
    ("labs", "magnesium_mmol_l"): 0.85,
    ("labs", "calcium_mmol_l"): 2.4,
    ("labs", "sodium_mmol_l"): 140,
    ("labs", "glucose_mmol_l"): 5.5,
    ("labs", "tsh_mu_l"): 2.0,
    ("labs", "egfr_ml_min"): 90,
    ("labs", "creatinine_umol_l"): 80,
    ("labs", "ck_u_l"): 120,
    ("labs", "ferritin_ug_l"): 100,
    ("labs", "haemoglobin_g_l"): 140,
    ("labs", "pth_pmol_l"): 4.0,
    ("labs", "hba1c_mmol_mol"): 36,
    ("labs", "inr"): 1.0,
    ("labs", "vitamin_d_nmol_l"): 70,
    ("labs", "phosphate_mmol_l"): 1.1,
    ("labs", "albumin_g_l"): 40,
    ("vitals", "temperature_c"): 36.8,
    ("vitals", "systolic_mmhg"): 120,
    ("vitals", "diastolic_mmhg"): 75,
    ("vitals", "heart_rate_bpm"): 75,
    ("vitals", "respiratory_rate_bpm"): 16,
    ("vitals", "oxygen_saturation_pct"): 98,
}
# Lithium is judged by another module (its toxicity rules); it is still swept for crashes.
SWEPT = {**NORMAL, ("labs", "lithium_mmol_l"): 0.6}


def test_every_numeric_lab_and_vital_of_the_schema_is_swept() -> None:
    for block in ("labs", "vitals"):
        numeric = {
            k for k, v in INPUT_SCHEMA["properties"][block]["properties"].items() if v.get("type") == "number"
        }
        assert numeric == {name for b, name in SWEPT if b == block}


def with_value(block: str, name: str, value: float, base: dict[str, Any] | None = None) -> dict[str, Any]:
    data = dict(base or person())
    values = dict(data.get(block, {}))
    values[name] = value
    if block == "labs" and name == "calcium_mmol_l":
        values.setdefault("albumin_g_l", 40)  # corrected calcium equals total calcium
    data[block] = values
    return data


@cache
def medicine_per_class() -> tuple[str, ...]:
    """One recognised medicine name for every drug class of the catalogue."""
    index = medication_index()
    found: dict[str, str] = {}
    for d in load().drugs:
        for name in (d.ingredient, *d.names, *d.brands):
            hit = index.match(name)
            if hit is not None and hit.ingredient == d.ingredient:
                for cls in d.classes():
                    found.setdefault(cls, name)
                break
    return tuple(sorted(found.values()))


def test_medicines_cover_the_catalogue_classes() -> None:
    classes = {c for d in load().drugs for c in d.classes()}
    names = medicine_per_class()
    covered = {c for n in names for d in [medication_index().match(n)] if d for c in d.classes()}
    assert names
    assert covered == classes


# --- every value from the bottom to the top of its range ---------------------------------------------

values_st = st.sampled_from(sorted(SWEPT)).flatmap(
    lambda key: st.tuples(st.just(key), st.floats(*_range(*key), allow_nan=False))
)


@PROPERTY
@given(values_st, st.lists(st.sampled_from(medicine_per_class()), max_size=3), st.booleans())
def test_any_value_with_any_medicine_gives_a_valid_result(
    picked: tuple[tuple[str, str], float], medicines: list[str], ordinary: bool
) -> None:
    (block, name), value = picked
    base = person(medications=medicines, **(ORDINARY if ordinary else {}))
    result = run(with_value(block, name, value, base))
    RESULT_SCHEMA.validate(result.to_json())


@pytest.mark.parametrize("key", sorted(SWEPT), ids=lambda k: k[1])
def test_sweep_from_bottom_to_top_never_crashes(key: tuple[str, str]) -> None:
    low, high = _range(*key)
    steps = 40
    for i in range(steps + 1):
        value = round(low + (high - low) * i / steps, 3)
        RESULT_SCHEMA.validate(run(with_value(*key, value, person(**ORDINARY))).to_json())


# --- monotone on each side of normal -----------------------------------------------------------------

CONTEXTS: tuple[dict[str, Any], ...] = (
    person(),
    person(**ORDINARY),
    person(age_years=82, findings=["confusion"]),
    person(findings=["vomiting_or_diarrhoea", "palpitations"], medications=["spironolactone", "lisinopril"]),
    person(findings=["fever"], conditions=["immunosuppressed"]),
    person(
        findings=["progressive_muscle_weakness", "little_or_no_urine"], conditions=["chronic_kidney_disease"]
    ),
)


def _side_pairs(key: tuple[str, str]) -> st.SearchStrategy[tuple[float, float]]:
    """Two values on the same side of normal, the second at least as far from it as the first."""
    low, high = _range(*key)
    normal = NORMAL[key]
    below = st.tuples(st.floats(low, normal), st.floats(low, normal)).map(lambda p: (max(p), min(p)))
    above = st.tuples(st.floats(normal, high), st.floats(normal, high)).map(lambda p: (min(p), max(p)))
    return st.one_of(below, above)


@pytest.mark.parametrize("key", sorted(NORMAL), ids=lambda k: k[1])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_level_never_falls_as_a_value_moves_further_from_normal(
    key: tuple[str, str], data: st.DataObject
) -> None:
    nearer, further = data.draw(_side_pairs(key))
    context = data.draw(st.sampled_from(CONTEXTS))
    a = level_of(with_value(*key, nearer, context))
    b = level_of(with_value(*key, further, context))
    assert rank(b) >= rank(a), f"{key[1]} {nearer} -> {a}, {further} -> {b}"


@pytest.mark.parametrize("key", sorted(NORMAL), ids=lambda k: k[1])
def test_level_is_monotone_on_a_grid(key: tuple[str, str]) -> None:
    low, high = _range(*key)
    normal = NORMAL[key]
    for context in CONTEXTS:
        for end in (low, high):
            previous = -1
            for i in range(31):
                value = normal + (end - normal) * i / 30
                now = rank(level_of(with_value(*key, value, context)))
                assert now >= previous, f"{key[1]}={value:.3f} lowered the level"
                previous = now


# --- limits of life: at least urgent, and a repeat test today ------------------------------------------

# Values beyond what life allows or far outside the usual range (written from the sources: UKKA,
# SfE, NICE CKS, JBDS): (block, name) -> (below this, above this); None: no such limit.
LIMITS: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("labs", "potassium_mmol_l"): (1.5, 8.0),
    ("labs", "sodium_mmol_l"): (105, 180),
    ("labs", "calcium_mmol_l"): (1.0, 4.5),
    ("labs", "magnesium_mmol_l"): (0.2, 5.0),
    ("labs", "glucose_mmol_l"): (1.0, 60),
    ("labs", "haemoglobin_g_l"): (50, None),
}


def _beyond() -> st.SearchStrategy[tuple[tuple[str, str], float]]:
    options = []
    for key, (below, above) in LIMITS.items():
        low, high = _range(*key)
        if below is not None:
            options.append(st.tuples(st.just(key), st.floats(low, below, exclude_max=True)))
        if above is not None:
            options.append(st.tuples(st.just(key), st.floats(above, high, exclude_min=True)))
    return st.one_of(options)


@PROPERTY
@given(_beyond(), st.sampled_from(CONTEXTS), st.lists(st.sampled_from(medicine_per_class()), max_size=2))
def test_value_beyond_limits_is_urgent_and_repeated(
    picked: tuple[tuple[str, str], float], context: dict[str, Any], medicines: list[str]
) -> None:
    (block, name), value = picked
    base = {**context, "medications": [*context.get("medications", []), *medicines]}
    result = run(with_value(block, name, value, base))
    assert rank(result.triage.level) >= rank("urgent")
    assert "repeat_blood_test_today" in {r.id for r in result.recommendations}


@pytest.mark.parametrize(
    ("labs", "level"),
    [
        # UKKA 2020: >= 6.5 is severe (emergency); values far beyond are emergencies too.
        ({"potassium_mmol_l": 8.5}, "emergency"),
        ({"potassium_mmol_l": 1.2}, "emergency"),
        # SfE 2016 / StatPearls: profound hypo- and severe hypernatraemia are emergencies.
        ({"sodium_mmol_l": 100}, "emergency"),
        ({"sodium_mmol_l": 185}, "emergency"),
        # NICE CKS hypercalcaemia: >= 3.5 needs emergency admission.
        ({"calcium_mmol_l": 4.8, "albumin_g_l": 40}, "emergency"),
        # StatPearls hypermagnesaemia: >= 3 mmol/L threatens breathing and the heart.
        ({"magnesium_mmol_l": 6.0}, "emergency"),
        # JBDS: glucose < 1.0 in a person able to answer: repeat now, same-day care at least.
        ({"glucose_mmol_l": 0.7}, "urgent"),
    ],
)
def test_limits_reach_the_level_the_source_demands(labs: dict[str, float], level: str) -> None:
    result = run(person(labs=labs, **ORDINARY))
    assert rank(result.triage.level) >= rank(level)
    assert "repeat_blood_test_today" in {r.id for r in result.recommendations}


# --- nothing that pushes a dangerous value further is graded positively --------------------------------

# dangerous state (as input) -> treatments that would push it further the wrong way
WORSENING: tuple[tuple[str, dict[str, Any], tuple[str, ...]], ...] = (
    (
        "high potassium",
        {"labs": {"potassium_mmol_l": 5.6}},
        ("potassium_rich_foods", "potassium_magnesium_aspartate"),
    ),
    ("low sodium", {"labs": {"sodium_mmol_l": 133}}, ("adequate_fluids",)),
    ("over-drinking in sport", {"exposures": ["high_water_intake_during_exercise"]}, ("adequate_fluids",)),
    ("little urine", {"findings": ["little_or_no_urine"]}, ("adequate_fluids",)),
    (
        "high calcium",
        {"labs": {"calcium_mmol_l": 2.8, "albumin_g_l": 40}},
        ("calcium_supplement", "calcium_rich_foods", "vitamin_d_supplement"),
    ),
    (
        "high magnesium",
        {"labs": {"magnesium_mmol_l": 1.3}},
        ("magnesium_supplement", "magnesium_rich_foods", "potassium_magnesium_aspartate"),
    ),
    ("high sodium", {"labs": {"sodium_mmol_l": 150}}, ("pickle_juice",)),
)
# Findings that make the engine offer fluids (vomiting read as fluid loss must not win).
FLUID_TRIGGERS = ("vomiting_or_diarrhoea", "heavy_sweating", "dizziness_on_standing")


def _grades_for(data: dict[str, Any]) -> dict[str, str]:
    """The grade of every intervention for this person, shown or not."""
    kb = load()
    inputs, _ = parse_inputs(data)
    present = derive(kb, inputs[0]).features
    table = compiled(kb).interventions
    return {i: grade(table[i], present).grade for i in table}


def _merge(state: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(extra)
    for key, value in state.items():
        if isinstance(value, dict):
            out[key] = {**out.get(key, {}), **value}
        else:
            out[key] = [*out.get(key, []), *value]
    return out


@pytest.mark.parametrize(("label", "state", "harmful"), WORSENING, ids=[w[0] for w in WORSENING])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    findings=st.lists(st.sampled_from(FLUID_TRIGGERS), unique=True),
    medicines=st.lists(st.sampled_from(medicine_per_class()), max_size=2),
)
def test_never_positive_for_what_worsens_a_dangerous_value(
    label: str, state: dict[str, Any], harmful: tuple[str, ...], findings: list[str], medicines: list[str]
) -> None:
    data = _merge(state, person(findings=findings, medications=medicines, cramps=NIGHT))
    grades = _grades_for(data)
    assert not {i for i in harmful if grades[i] in POSITIVE}, label
    shown = rec_grades(run(data))
    assert not {i for i in harmful if shown.get(i) in POSITIVE}, label


def test_treatments_people_take_are_named_not_recommended_with_the_value_they_worsen() -> None:
    shown = rec_grades(run(person(medications=["Asparkam"], labs={"potassium_mmol_l": 5.6})))
    assert shown["potassium_magnesium_aspartate"] == "not_recommended"
    shown = rec_grades(run(person(medications=["Magne B6"], labs={"magnesium_mmol_l": 1.4})))
    assert shown["magnesium_supplement"] == "not_recommended"
    shown = rec_grades(
        run(person(medications=["Calcium Sandoz", "colecalciferol"], labs={"calcium_mmol_l": 2.8}))
    )
    assert shown["calcium_supplement"] == "not_recommended"
    assert shown["vitamin_d_supplement"] == "not_recommended"


# --- the failures seen from outside (issue 8), each for a whole class of patient ------------------------


def test_potassium_6_8_with_weakness_palpitations_and_potassium_raising_medicines_is_an_emergency() -> None:
    # UKKA 2020: >= 6.5 is severe; with symptoms, an emergency; the prescriber reviews the medicines.
    result = run(
        person(
            age_years=72,
            findings=["progressive_muscle_weakness", "palpitations"],
            medications=["spironolactone", "lisinopril", "Asparkam"],
            labs={"potassium_mmol_l": 6.8},
        )
    )
    assert result.triage.level == "emergency"
    ids = {r.id for r in result.recommendations}
    assert {"repeat_blood_test_today", "contact_prescriber_today"} <= ids
    assert rec_grades(result)["potassium_magnesium_aspartate"] == "not_recommended"
    assert result.differential[0].condition == "hyperkalaemia"


def test_calcium_3_4_with_thirst_is_seen_today() -> None:
    # NICE CKS hypercalcaemia: >= 3.0, or raised with symptoms: same-day assessment.
    result = run(
        person(findings=["excessive_thirst_urination"], labs={"calcium_mmol_l": 3.4, "albumin_g_l": 40})
    )
    assert rank(result.triage.level) >= rank("urgent")
    assert result.differential[0].condition == "hypercalcaemia"


@pytest.mark.parametrize(
    "labs",
    [
        {"potassium_mmol_l": 14.5, "calcium_mmol_l": 5.8, "sodium_mmol_l": 195},
        {"calcium_mmol_l": 5.8},
        {"sodium_mmol_l": 195},
        {"magnesium_mmol_l": 9.0},
    ],
)
def test_extreme_highs_raise_red_flags_for_each_value(labs: dict[str, float]) -> None:
    result = run(person(labs=labs))
    assert result.triage.level == "emergency"
    assert result.red_flags
    assert "repeat_blood_test_today" in {r.id for r in result.recommendations}


def test_extreme_lows_together_are_an_emergency_without_food_advice() -> None:
    result = run(person(labs={"potassium_mmol_l": 1.0, "sodium_mmol_l": 100, "calcium_mmol_l": 0.9}))
    assert result.triage.level == "emergency"
    assert not {r.id for r in result.recommendations if r.evidence in POSITIVE and r.category != "action"}


def test_very_low_potassium_with_paralysis_is_an_emergency() -> None:
    # StatPearls hypokalaemia: < 2.5 with weakness or paralysis: emergency IV potassium.
    for k in (1.5, 2.2):
        assert (
            level_of(person(findings=["progressive_muscle_weakness"], labs={"potassium_mmol_l": k}))
            == "emergency"
        )


@pytest.mark.parametrize(
    ("labs", "least"),
    [
        ({"glucose_mmol_l": 0.5}, "urgent"),
        ({"sodium_mmol_l": 200}, "emergency"),
        ({"calcium_mmol_l": 6.0}, "emergency"),
        ({"magnesium_mmol_l": 10.0}, "emergency"),
    ],
)
def test_ordinary_night_cramps_do_not_hide_an_impossible_value(labs: dict[str, float], least: str) -> None:
    result = run(person(labs=labs, **ORDINARY))
    assert rank(result.triage.level) >= rank(least)
    assert "repeat_blood_test_today" in {r.id for r in result.recommendations}


def test_hypothermia_in_a_confused_older_person_is_an_emergency() -> None:
    # NHS hypothermia: below 35 C is a medical emergency.
    assert (
        level_of(person(age_years=85, findings=["confusion"], vitals={"temperature_c": 32.0})) == "emergency"
    )
    assert level_of(person(vitals={"temperature_c": 34.6})) == "emergency"


def test_fever_fast_pulse_low_pressure_in_immunosuppressed_person_is_sepsis() -> None:
    # NICE NG51: 2 or more moderate-to-high risk criteria outside hospital: emergency care.
    result = run(
        person(
            findings=["fever", "persistent_calf_pain_tenderness"],
            conditions=["immunosuppressed"],
            vitals={"temperature_c": 38.7, "heart_rate_bpm": 124, "systolic_mmhg": 92},
        )
    )
    assert result.triage.level == "emergency"
    assert "sepsis" in " ".join(result.triage.reasons).lower()


def test_a_pulse_of_180_changes_the_level() -> None:
    # RCP NEWS2: a pulse of 131 or more scores 3 (urgent review); with fainting, an emergency.
    assert rank(level_of(person(vitals={"heart_rate_bpm": 180}, **ORDINARY))) >= rank("urgent")
    assert level_of(person(findings=["dizziness_on_standing"], vitals={"heart_rate_bpm": 180})) == "emergency"


def test_exercise_hyponatraemia_with_vomiting_and_confusion_is_an_emergency_and_no_drinking() -> None:
    # Hew-Butler 2015: symptomatic exercise-associated hyponatraemia is an emergency; fluids restricted.
    marathon = person(
        age_years=34,
        cramps={"timing": ["after_exercise"], "locations": ["calf"]},
        findings=["vomiting_or_diarrhoea", "confusion"],
        exposures=["high_water_intake_during_exercise"],
    )
    result = run(marathon)
    assert result.triage.level == "emergency"
    assert result.differential[0].condition == "hyponatraemia"
    assert _grades_for(marathon)["adequate_fluids"] == "not_recommended"
    with_sodium = run(_merge({"labs": {"sodium_mmol_l": 128}}, marathon))
    assert with_sodium.triage.level == "emergency"


def test_vomiting_is_not_read_as_drink_more_when_sodium_is_low() -> None:
    result = run(person(findings=["vomiting_or_diarrhoea"], labs={"sodium_mmol_l": 131}, cramps=NIGHT))
    assert rec_grades(result).get("adequate_fluids") == "not_recommended"


# --- and no over-triage of mild values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "most"),
    [
        (person(labs={"potassium_mmol_l": 5.2}, **ORDINARY), "routine"),
        (person(labs={"sodium_mmol_l": 133}, **ORDINARY), "routine"),
        (person(labs={"calcium_mmol_l": 2.65, "albumin_g_l": 40}, **ORDINARY), "routine"),
        (person(labs={"magnesium_mmol_l": 1.1}, **ORDINARY), "routine"),
        (person(labs={"glucose_mmol_l": 3.7}, **ORDINARY), "routine"),
        (
            person(vitals={"temperature_c": 35.6, "heart_rate_bpm": 58, "systolic_mmhg": 104}, **ORDINARY),
            "self_care",
        ),
        (person(vitals={"oxygen_saturation_pct": 96, "respiratory_rate_bpm": 18}, **ORDINARY), "self_care"),
        (person(findings=["fever"], vitals={"temperature_c": 38.2, "heart_rate_bpm": 86}), "routine"),
    ],
)
def test_mild_values_are_not_escalated(data: dict[str, Any], most: str) -> None:
    assert rank(level_of(data)) <= rank(most)
    assert not flag_ids(run(data)) - {"abnormal_blood_test"}


@pytest.mark.parametrize(
    "labs",
    [
        {"sodium_mmol_l": 148},
        {"calcium_mmol_l": 2.7, "albumin_g_l": 40},
        {"magnesium_mmol_l": 1.2},
        {"glucose_mmol_l": 3.6},
    ],
)
def test_mildly_abnormal_values_in_the_other_direction_are_worth_a_gp_visit(labs: dict[str, float]) -> None:
    # NICE CKS leg cramps: abnormal electrolytes and glucose are looked at by the GP.
    assert level_of(person(labs=labs, **ORDINARY)) == "routine"


def test_heat_exhaustion_is_not_called_sepsis_but_heatstroke_is_an_emergency() -> None:
    # NHS heat exhaustion: a raised temperature and fast pulse in the heat are cooled at home;
    # confusion, hot dry skin or 40 C or more is heatstroke: call the emergency number.
    exhausted = person(
        age_years=30,
        exposures=["hot_environment"],
        findings=["heavy_sweating", "dizziness_on_standing"],
        vitals={"temperature_c": 38.4, "heart_rate_bpm": 112},
    )
    assert rank(level_of(exhausted)) <= rank("routine")
    stroke = _merge({"findings": ["confusion"]}, exhausted)
    result = run(stroke)
    assert result.triage.level == "emergency"
    assert result.differential[0].condition == "heat_illness"


def test_potassium_of_6_is_seen_today_and_repeated() -> None:
    # UK Kidney Association 2020: 6.0-6.4 is moderate hyperkalaemia: same-day care, urgent repeat.
    result = run(person(labs={"potassium_mmol_l": 6.1}, **ORDINARY))
    assert result.triage.level == "urgent"
    assert "repeat_blood_test_today" in {r.id for r in result.recommendations}


def test_little_urine_is_usual_on_dialysis_but_not_otherwise() -> None:
    # NICE NG148: reduced urine output is a sign of acute kidney injury, except where it is the
    # person's usual state (people on dialysis often pass little or none).
    little = _merge({"findings": ["little_or_no_urine"]}, person(**ORDINARY))
    assert rank(level_of(_merge({"conditions": ["dialysis"]}, little))) <= rank("routine")
    assert level_of(little) == "urgent"
