"""ATC codes of the drug catalogue, checked against a pinned copy of the WHO ATC index.

No installable package carries the WHO ATC index, so ``tests/data/who_atc_2026.tsv`` pins the rows
the catalogue needs, with their provenance in its header. The tests fail on a code that is not in
the WHO index, on a retired code, on a code whose WHO name is another substance, and on a drug
left without a code where WHO has one for it (combinations: where WHO has the combination).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from crampcare.knowledge import load
from crampcare.knowledge.drugs import Drug

TABLE_FILE = Path(__file__).parent / "data" / "who_atc_2026.tsv"
DRUGS = load().drugs

# Codes WHO has retired or moved: written here from the WHO ATC alterations, not from the table.
RETIRED = {
    "N03AX12": "gabapentin, moved to N02BF01 (gabapentinoids) in 2023",
    "N03AX16": "pregabalin, moved to N02BF02 (gabapentinoids) in 2023",
}

# Drugs that keep no code although a WHO row carries their name, and why.
NO_CODE: dict[str, str] = {
    "hydrocodone": "WHO codes plain hydrocodone only as a cough medicine (R05DA03); these are painkillers",
    "glycerol": "the catalogue's glycerol is a skin product; WHO's glycerol codes are laxatives",
    "glycine": "WHO's glycine (B05CX03) is an irrigation fluid, not the tablets sold as a nootropic",
    "iron bisglycinate": "not WHO's ferrous glycine sulfate (B03AA01), a different salt",
    "menaquinone-7": "WHO's M05BX08 is menatetrenone (vitamin K2 as MK-4), not MK-7",
}

# Single substances whose WHO name differs from the catalogue's name for them (salt, plant part or
# old name). Everything else must match by name, which catches a code of another substance.
WHO_NAME_FOR = {
    "hyoscine butylbromide": "butylscopolamine",
    "simeticone": "silicones",
    "senna": "senna glycosides",
    "pancreatin": "multienzymes",
    "valproate": "valproic acid",
    "iron hydroxide polymaltose": "ferric oxide polymaltose complexes",
    "omega-3 fatty acids": "omega-3-triglycerides incl. other esters and acids",
    "oxerutins": "troxerutin, combinations",
    "coenzyme q10": "ubidecarenone",
    "ginkgo biloba": "ginkgo folium",
    "valerian": "valerianae radix",
    "aescin": "hippocastani semen",
    "mucopolysaccharide polysulfate": "organo-heparinoid",
    "alginate antacid": "alginic acid",
}
# WHO names a salt or ester form; the catalogue names the substance.
SALT_WORDS = ("bromide", "sodium", "medoxomil", "etexilate")


@cache
def table() -> dict[str, str]:
    rows = [
        line.rstrip("\n").split("\t")
        for line in TABLE_FILE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert rows[0] == ["code", "name"]
    return {code: name for code, name in rows[1:]}


def norm(name: str) -> str:
    """Lower case, without a bracketed qualifier: "thiamine (vit B1)" -> "thiamine"."""
    return re.sub(r"\s*\([^)]*\)", "", name).strip().lower()


def parts(name: str) -> frozenset[str]:
    """The substances a WHO combination name or a catalogue "a + b" ingredient names."""
    return frozenset(norm(p) for p in re.split(r"\s*(?:,| and |\+)\s*", norm(name)) if p)


def is_substance_code(code: str) -> bool:
    return len(code) == 7


def is_combination(d: Drug) -> bool:
    return "+" in d.ingredient


def who_is_combination(name: str) -> bool:
    return " and " in name or "combination" in name


def same_substance(who: str, ours: set[str]) -> bool:
    """WHO's name is one of ours, or one of ours with a salt word after it."""
    return who in ours or any(who == f"{name} {salt}" for name in ours for salt in SALT_WORDS)


def test_the_table_is_well_formed() -> None:
    t = table()
    assert len(t) > 400
    assert all(re.fullmatch(r"[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?", code) for code in t)
    assert not set(RETIRED) & set(t), "the pinned table must not list retired codes"


def _every_problem(check: Callable[[Drug], None], drugs: list[Drug]) -> list[str]:
    """Run ``check`` on every drug; the message of each that fails (one test lists them all)."""
    problems = []
    for drug in drugs:
        try:
            check(drug)
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0] if str(exc) else drug.ingredient)
    return problems


def test_every_code_is_in_the_who_index() -> None:
    drugs = [d for d in DRUGS if d.atc]
    assert len(drugs) > 400
    problems = _every_problem(_code_in_the_who_index, drugs)
    assert not problems, "\n".join(problems)


def _code_in_the_who_index(drug: Drug) -> None:
    assert drug.atc in table(), f"{drug.ingredient}: {drug.atc} is not in the WHO ATC index"


def test_no_retired_codes() -> None:
    used = {d.atc: d.ingredient for d in DRUGS if d.atc in RETIRED}
    assert not used, used


def test_gabapentinoids_have_their_current_codes() -> None:
    by_name = {d.ingredient: d.atc for d in DRUGS}
    assert by_name["gabapentin"] == "N02BF01"
    assert by_name["pregabalin"] == "N02BF02"


def test_a_single_substance_code_names_that_substance() -> None:
    drugs = [d for d in DRUGS if d.atc and is_substance_code(d.atc) and not is_combination(d)]
    assert len(drugs) > 300
    problems = _every_problem(_single_substance_code_names_it, drugs)
    assert not problems, "\n".join(problems)


def _single_substance_code_names_it(drug: Drug) -> None:
    who = norm(table()[drug.atc or ""])
    ours = {norm(drug.ingredient), *(norm(n) for n in drug.names)}
    expected = WHO_NAME_FOR.get(norm(drug.ingredient))
    if expected is not None and who.startswith(norm(expected)):
        return
    assert not who_is_combination(who), f"{drug.ingredient} is one substance, {drug.atc} is {who!r}"
    assert same_substance(who, ours), f"{drug.ingredient}: {drug.atc} is {who!r} in the WHO index"


def test_a_combination_is_not_filed_under_one_of_its_substances() -> None:
    drugs = [d for d in DRUGS if d.atc and is_combination(d)]
    assert len(drugs) > 50
    problems = _every_problem(_combination_not_filed_under_one_substance, drugs)
    assert not problems, "\n".join(problems)


def _combination_not_filed_under_one_substance(drug: Drug) -> None:
    code = drug.atc or ""
    who = table()[code]
    assert not is_substance_code(code) or who_is_combination(who) or who == "combinations", (
        f"{drug.ingredient} is a combination but {code} is {who!r} alone"
    )


def _who_codes_for(drug: Drug) -> list[str]:
    """WHO codes whose name is this drug's substance (or, for a combination, its substances)."""
    t = table()
    if is_combination(drug):
        wanted = parts(drug.ingredient)
        return [c for c, name in t.items() if is_substance_code(c) and parts(name) == wanted]
    names = {norm(drug.ingredient), *(norm(n) for n in drug.names)}
    return [c for c, name in t.items() if is_substance_code(c) and norm(name) in names]


def test_no_drug_lacks_a_code_that_who_gives() -> None:
    drugs = [d for d in DRUGS if not d.atc]
    assert drugs
    problems = _every_problem(_no_missing_code, drugs)
    assert not problems, "\n".join(problems)


def _no_missing_code(drug: Drug) -> None:
    found = _who_codes_for(drug)
    if drug.ingredient in NO_CODE:
        return
    assert not found, f"{drug.ingredient} has no ATC code, but WHO has {found}"


def test_the_checks_can_fail() -> None:
    # gabapentin without a code would be caught, and so would the old code
    gabapentin = next(d for d in DRUGS if d.ingredient == "gabapentin")
    assert _who_codes_for(gabapentin.model_copy(update={"atc": None})) == ["N02BF01"]
    assert "N03AX12" not in table()
    # a combination of two inhaled drugs is found under its combination code
    combo = next(d for d in DRUGS if d.ingredient == "mometasone + formoterol")
    assert _who_codes_for(combo.model_copy(update={"atc": None})) == ["R03AK09"]
    # one test lists every failing drug, not only the first
    wrong = [d.model_copy(update={"atc": "Z99ZZ99"}) for d in DRUGS[:2]]
    assert len(_every_problem(_code_in_the_who_index, wrong)) == 2
