"""RxNorm ingredient codes checked against the public table each pair names.

``tests/data/cpic_drug_rxnorm.tsv`` pins, unchanged, the rows of the CPIC drug table
(cpicpgx/cpic-schema drug.sql, commit recorded in its header) that ``rxnorm.yaml`` cites. A pair
that claims ``source: cpic`` must be in that copy with the same RxCUI and a name of the same
ingredient; a pair marked unverified must say so rather than name a source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crampcare.knowledge import load

PIN = Path(__file__).parent / "data" / "cpic_drug_rxnorm.tsv"
KB = load()
DRUG_NAMES = {d.ingredient: {d.ingredient.casefold(), *(n.casefold() for n in d.names)} for d in KB.drugs}


def cpic_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in PIN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("rxcui\t") or not line:
            continue
        rxcui, name = line.split("\t")
        assert rxcui not in rows, f"{PIN.name}: {rxcui} twice"
        rows[rxcui] = name
    return rows


CPIC = cpic_rows()
CITING_CPIC = [c for c in KB.rxnorm if "cpic" in (c.source, c.also)]


def test_the_pin_is_not_empty_and_every_cpic_pair_is_covered() -> None:
    assert len(CITING_CPIC) >= 80
    assert {c.rxcui for c in CITING_CPIC} <= set(CPIC)


@pytest.mark.parametrize("code", CITING_CPIC, ids=lambda c: c.ingredient)
def test_cpic_pair_matches_the_public_row(code) -> None:
    assert code.rxcui in CPIC, f"{code.ingredient}: RxCUI {code.rxcui} is not in the CPIC table"
    names = DRUG_NAMES[code.ingredient] | ({code.rxnorm_name.casefold()} if code.rxnorm_name else set())
    assert CPIC[code.rxcui].casefold() in names, (
        f"{code.ingredient}: CPIC names RxCUI {code.rxcui} {CPIC[code.rxcui]!r}, "
        "another name than the catalogue's"
    )


def test_a_wrong_code_would_be_caught() -> None:
    # furosemide's row must not match quinine's code: the check compares names, not only presence.
    assert CPIC["9071"].casefold() not in DRUG_NAMES["furosemide"]


def test_unverified_pairs_name_no_source() -> None:
    for code in KB.rxnorm:
        if not code.verified:
            assert code.source is None, f"{code.ingredient}: unverified but names a source"


PEDSNET_PIN = Path(__file__).parent / "data" / "pedsnet_rxnorm.tsv"


def pedsnet_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in PEDSNET_PIN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("rxcui\t") or not line:
            continue
        rxcui, name, _file = line.split("\t")
        rows[rxcui] = name
    return rows


PEDSNET = pedsnet_rows()
CITING_PEDSNET = [c for c in KB.rxnorm if "pedsnet" in (c.source, c.also)]


@pytest.mark.parametrize("code", CITING_PEDSNET, ids=lambda c: c.ingredient)
def test_pedsnet_pair_matches_the_public_row(code) -> None:
    assert code.rxcui in PEDSNET, f"{code.ingredient}: RxCUI {code.rxcui} is not in the pinned PEDSnet rows"
    names = DRUG_NAMES[code.ingredient] | ({code.rxnorm_name.casefold()} if code.rxnorm_name else set())
    assert PEDSNET[code.rxcui].casefold() in names


def test_every_verified_pair_names_a_source_the_tests_or_header_know() -> None:
    known = {"cpic", "cpicdata", "ecqm", "diur", "ips", "pedsnet", "vsac"}
    for code in KB.rxnorm:
        if code.verified:
            assert code.source in known, f"{code.ingredient}: unknown source {code.source!r}"


def test_a_product_code_is_read_as_its_ingredient() -> None:
    from types import SimpleNamespace

    from crampcare.fhir.medicines import MedicineCodes
    from crampcare.knowledge.rxnorm import RXNORM_SYSTEM, RxNormCode, RxNormProduct

    # A stand-in table (no product is listed in rxnorm.yaml until one is found in a public source).
    quinine = RxNormCode(
        ingredient="quinine",
        rxcui="9071",
        verified=True,
        source="cpic",
        products=(RxNormProduct(rxcui="1000001", name="quinine test product", source="test"),),
    )
    codes = MedicineCodes.from_kb(SimpleNamespace(drugs=(), rxnorm=(quinine,)))
    assert codes.ingredient(RXNORM_SYSTEM, "1000001") == "quinine"
    assert codes.ingredient(RXNORM_SYSTEM, "9071") == "quinine"
    assert codes.ingredient(RXNORM_SYSTEM, "1000002") is None


def test_a_product_code_may_not_name_two_ingredients() -> None:
    from crampcare.knowledge.rxnorm import RxNormCode, RxNormProduct, check_rxnorm

    product = RxNormProduct(rxcui="4603", name="clash", source="test")
    table = (
        RxNormCode(ingredient="furosemide", rxcui="4603", verified=True, source="cpic"),
        RxNormCode(ingredient="quinine", rxcui="9071", verified=True, source="cpic", products=(product,)),
    )
    problems = check_rxnorm(table, {"furosemide", "quinine"})
    assert problems == ["rxnorm.yaml (quinine): product RxCUI 4603 already used for furosemide"]
    with pytest.raises(ValueError):
        RxNormProduct(rxcui="x1", name="bad", source="test")


VSAC_PIN = Path(__file__).parent / "data" / "vsac_rxnorm.tsv"


def vsac_rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in VSAC_PIN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("rxcui\t") or not line:
            continue
        rxcui, name, _file = line.split("\t")
        rows[rxcui] = name
    return rows


VSAC = vsac_rows()
PRODUCTS = [(c, p) for c in KB.rxnorm for p in c.products]


@pytest.mark.parametrize("code", [c for c in KB.rxnorm if c.source == "vsac"], ids=lambda c: c.ingredient)
def test_vsac_ingredient_matches_the_public_row(code) -> None:
    assert code.rxcui in VSAC
    names = DRUG_NAMES[code.ingredient] | ({code.rxnorm_name.casefold()} if code.rxnorm_name else set())
    assert VSAC[code.rxcui].casefold() in names


def test_products_are_listed_and_checked() -> None:
    assert len(PRODUCTS) >= 400
    by_code = {p.rxcui: c.ingredient for c, p in PRODUCTS}
    assert by_code["313988"] == "furosemide"  # furosemide 40 MG Oral Tablet
    assert by_code["310798"] == "hydrochlorothiazide"  # hydrochlorothiazide 25 MG Oral Tablet


@pytest.mark.parametrize("pair", PRODUCTS, ids=lambda cp: cp[1].rxcui)
def test_product_matches_the_public_row_and_names_its_ingredient(pair) -> None:
    code, product = pair
    assert product.source == "vsac"
    assert VSAC.get(product.rxcui) == product.name, (
        f"{product.rxcui} is not {product.name!r} in the pinned VSAC rows"
    )
    names = DRUG_NAMES[code.ingredient] | ({code.rxnorm_name.casefold()} if code.rxnorm_name else set())
    # A single-ingredient product starts with its ingredient's name (after a release prefix such as
    # "24 HR"; salt words may follow the name).
    core = re.sub(r"^((\d+ HR|Osmotic|Once-Daily)\s+)+", "", product.name).casefold()
    assert any(core.startswith(n + " ") for n in names), (code.ingredient, product.name)
    assert "/" not in product.name


def test_a_product_coded_order_reaches_its_ingredient_through_the_medicine_reader() -> None:
    from crampcare.fhir.medicines import MedicineCodes
    from crampcare.knowledge.rxnorm import RXNORM_SYSTEM

    codes = MedicineCodes.from_kb(KB)
    assert codes.ingredient(RXNORM_SYSTEM, "313988") == "furosemide"
    assert codes.ingredient(RXNORM_SYSTEM, "4603") == "furosemide"


CPIC_DATA_PIN = Path(__file__).parent / "data" / "cpic_data_rxnorm.tsv"


def two_column_rows(pin: Path) -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in pin.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line or line.startswith(("rxcui\t", "snomed\t")):
            continue
        key, name = line.split("\t")[:2]
        assert key not in rows, f"{pin.name}: {key} twice"
        rows[key] = name
    return rows


CPIC_DATA = two_column_rows(CPIC_DATA_PIN)
CITING_CPIC_DATA = [c for c in KB.rxnorm if "cpicdata" in (c.source, c.also)]


def test_cpic_data_pairs_are_covered() -> None:
    assert {c.ingredient for c in CITING_CPIC_DATA} >= {"naproxen", "ibuprofen", "meloxicam"}
    assert {c.rxcui for c in CITING_CPIC_DATA} <= set(CPIC_DATA)


@pytest.mark.parametrize("code", CITING_CPIC_DATA, ids=lambda c: c.ingredient)
def test_cpic_data_pair_matches_the_public_row(code) -> None:
    assert code.rxcui in CPIC_DATA, f"{code.ingredient}: RxCUI {code.rxcui} is not in the pinned CPIC rows"
    names = DRUG_NAMES[code.ingredient] | ({code.rxnorm_name.casefold()} if code.rxnorm_name else set())
    assert CPIC_DATA[code.rxcui].casefold() in names


KBV_PIN = Path(__file__).parent / "data" / "kbv_snomed_substance.tsv"
KBV = two_column_rows(KBV_PIN)
SNOMED_CODED = [(c, sct) for c in KB.rxnorm for sct in c.snomed]


def test_snomed_codes_are_listed_and_every_one_is_pinned() -> None:
    assert len(SNOMED_CODED) >= 100
    assert {sct for _, sct in SNOMED_CODED} == set(KBV), "pin rows and rxnorm.yaml's snomed codes differ"


@pytest.mark.parametrize("pair", SNOMED_CODED, ids=lambda cs: cs[0].ingredient)
def test_snomed_code_is_the_ingredients_substance_in_the_kbv_map(pair) -> None:
    code, sct = pair
    display = KBV[sct]
    assert display.endswith(" (substance)"), display
    names = DRUG_NAMES[code.ingredient] | ({code.rxnorm_name.casefold()} if code.rxnorm_name else set())
    assert display.removesuffix(" (substance)").casefold() in names, (code.ingredient, sct, display)


def test_a_wrong_snomed_code_would_be_caught() -> None:
    by_ingredient = {c.ingredient: c.snomed for c in KB.rxnorm}
    furosemide = by_ingredient["furosemide"][0]
    assert furosemide == "387475002"  # Furosemide (substance) in the KBV map
    assert KBV[furosemide].removesuffix(" (substance)").casefold() not in DRUG_NAMES["torasemide"]
    from crampcare.knowledge.rxnorm import RxNormCode, check_rxnorm

    table = (
        RxNormCode(ingredient="furosemide", rxcui="4603", snomed=(furosemide,), verified=True, source="cpic"),
        RxNormCode(ingredient="torasemide", rxcui="38413", snomed=(furosemide,), verified=False),
    )
    problems = check_rxnorm(table, {"furosemide", "torasemide"})
    assert problems == ["rxnorm.yaml (torasemide): SNOMED CT 387475002 already used for furosemide"]
    with pytest.raises(ValueError):
        RxNormCode(ingredient="furosemide", rxcui="4603", snomed=("12a",), verified=False)


def test_a_snomed_coded_statement_is_read_as_its_ingredient() -> None:
    # FHIR import and CDS Hooks share this reader: a SNOMED-only coding with no text or display.
    from crampcare.fhir.medicines import MedicineCodes, MedicineReader

    reader = MedicineReader(MedicineCodes.from_kb(KB))
    sct = "http://snomed.info/sct"
    expected = (("387475002", "furosemide"), ("386845007", "gabapentin"), ("372588000", "naproxen"))
    for code, ingredient in expected:
        statement = {
            "resourceType": "MedicationStatement",
            "medicationCodeableConcept": {"coding": [{"system": sct, "code": code}]},
        }
        medicine = reader.read(statement)
        assert medicine.ingredients == (ingredient,), code
        assert not medicine.is_quinine
    # Quinine has no checked SNOMED code: a SNOMED-coded quinine order is still read by its display.
    by_display = reader.read(
        {"medicationCodeableConcept": {"coding": [{"system": sct, "code": "1", "display": "Quinine"}]}}
    )
    assert by_display.is_quinine and by_display.ingredients == ()
