"""UCUM units and LOINC/SNOMED codes of the FHIR code tables and the tests to discuss.

UCUM codes are parsed with ``ucumvert`` (a UCUM grammar, pinned in requirements.lock); LOINC codes
must carry a correct check digit (LOINC's mod-10 algorithm); the retired race-based eGFR code is
read from EHRs but never suggested, and the unverified SNOMED CT 55300003 is neither exported nor
read.
"""

from __future__ import annotations

from typing import Any

import pytest
from lark.exceptions import LarkError
from ucumvert import get_ucum_parser

from crampcare.fhir import cds_map, codes
from crampcare.fhir.cds import PREFETCH
from crampcare.fhir.resources import episode_code
from crampcare.knowledge import load

PARSER = get_ucum_parser()


def is_ucum(unit: str) -> bool:
    try:
        PARSER.parse(unit)
    except LarkError:
        return False
    return True


def ucum_codes() -> set[str]:
    out = set(codes.UCUM_UNITS) | {lab.ucum for lab in codes.LABS} | set(codes.UNIT_ALIASES.values())
    for _, factors in codes.LOINC_READ.values():
        out |= set(factors)
    return out


@pytest.mark.parametrize("unit", sorted(ucum_codes()))
def test_every_ucum_code_is_valid_ucum(unit: str) -> None:
    assert is_ucum(unit), f"{unit!r} is not a UCUM code"


@pytest.mark.parametrize("wrong", ["m[eq]/L", "uIU/mL", "mEq/L", "mmol/litre"])
def test_the_ucum_check_can_fail(wrong: str) -> None:
    # m[eq]/L and uIU/mL were in the code tables; UCUM writes meq/L and u[IU]/mL
    assert not is_ucum(wrong)
    assert wrong not in ucum_codes()


def test_common_ehr_unit_spellings_still_read() -> None:
    # a potassium of 3.1 "mEq/L" written only as text is read as 3.1 mmol/L
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": codes.LOINC, "code": "2823-3"}]},
        "valueQuantity": {"value": 3.1, "unit": "mEq/L"},
    }
    value = cds_map.lab_value(obs)
    assert value is not None and value.field == "potassium_mmol_l" and value.value == 3.1
    tsh = dict(obs, code={"coding": [{"system": codes.LOINC, "code": "3016-3"}]})
    tsh["valueQuantity"] = {"value": 7.5, "unit": "uIU/mL"}
    found = cds_map.lab_value(tsh)
    assert found is not None and found.field == "tsh_mu_l" and found.value == 7.5
    # a UCUM code that is not a real unit is not guessed at
    bad = dict(obs, valueQuantity={"value": 3.1, "code": "m[eq]/L", "unit": "mEq/L"})
    assert cds_map.lab_value(bad) is None


def loinc_check_digit(number: str) -> int:
    """LOINC's mod-10 check digit (the Luhn algorithm on the part before the hyphen)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10


def loinc_codes() -> set[str]:
    out = {t for test in load().tests.values() for t in test.loinc}
    out |= {lab.loinc for lab in codes.LABS if lab.loinc}
    out |= set(codes.LOINC_READ)
    return out


@pytest.mark.parametrize("code", sorted(loinc_codes()))
def test_every_loinc_code_has_a_valid_check_digit(code: str) -> None:
    number, check = code.split("-")
    assert number.isdigit() and check.isdigit() and len(check) == 1
    expected = loinc_check_digit(number)
    assert expected == int(check), f"{code}: the check digit should be {expected}"


def test_the_check_digit_can_fail() -> None:
    assert loinc_check_digit("2823") == 3  # potassium 2823-3, worked through by hand
    assert loinc_check_digit("98979") == 8
    assert loinc_check_digit("2823") != 4


def test_kidney_tests_suggest_the_race_free_egfr() -> None:
    kidney = load().tests["kidney_function"]
    assert "98979-8" in kidney.loinc  # CKD-EPI 2021, without a race term
    assert "62238-1" not in kidney.loinc  # CKD-EPI 2009, with a race term
    suggested = {t for test in load().tests.values() for t in test.loinc}
    assert "62238-1" not in suggested


def test_both_egfr_codes_are_read_from_an_ehr() -> None:
    assert "http://loinc.org|98979-8" in PREFETCH["labs"]  # and fetched in CDS Hooks
    for loinc in ("98979-8", "62238-1"):
        obs = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": codes.LOINC, "code": loinc}]},
            "valueQuantity": {"value": 28, "code": "mL/min/{1.73_m2}", "unit": "mL/min/1.73m2"},
        }
        value = cds_map.lab_value(obs)
        assert value is not None and value.field == "egfr_ml_min" and value.value == 28


def test_unverified_snomed_is_neither_exported_nor_read() -> None:
    unverified = "55300003"
    assert unverified in codes.SNOMED_UNVERIFIED
    for muscle in ("calf", "hamstring", "thigh", "foot"):
        exported = {c.get("code") for c in episode_code(muscle)["coding"]}
        assert unverified not in exported
    assert {"449918009"} == {c["code"] for c in episode_code("calf")["coding"] if "snomed" in c["system"]}
    assert unverified not in cds_map.CRAMP_SNOMED
    assert unverified not in PREFETCH["cramps"]
    # the code alone (no words) is not taken for a leg cramp
    assert not cds_map.is_cramp_concept({"coding": [{"system": codes.SNOMED, "code": unverified}]})
    assert cds_map.is_cramp_concept({"coding": [{"system": codes.SNOMED, "code": "449918009"}]})
