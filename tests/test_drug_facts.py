"""Drug facts with their numbers: effect sizes and intervals, the grades they allow, and what
branded combination products contain.

Expected figures are written here from the source (Garrison SR et al. Arch Intern Med
2012;172(2):120-126, adjusted sequence ratios with 95% intervals, as given in
shared/research/clinical.md section 3.2), not read from drugs.yaml.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crampcare.assess import assess
from crampcare.assess.engine import effect_in_words
from crampcare.assess.features import POTASSIUM_RAISING_CLASSES
from crampcare.assess.medications import medication_index
from crampcare.assess.models import AssessmentInput
from crampcare.i18n import translator
from crampcare.knowledge import load
from crampcare.knowledge.drugs import CrampEffect, Drug

GARRISON = "garrison_2012_arch_intern_med"
# ingredient -> (ratio, low, high, grade): the grade follows the interval (known only when the
# whole interval lies above 1), and statins are `possible` because the effect is small and blinded
# trials put most statin muscle symptoms down to expectation (SAMSON).
GARRISON_FIGURES = {
    "furosemide": (1.20, 1.00, 1.44, "possible"),  # loop diuretics, p = .07
    "bumetanide": (1.20, 1.00, 1.44, "possible"),
    "torasemide": (1.20, 1.00, 1.44, "possible"),
    "hydrochlorothiazide": (1.48, 1.29, 1.68, "known"),  # thiazide-like diuretics
    "indapamide": (1.48, 1.29, 1.68, "known"),
    "spironolactone": (2.12, 1.61, 2.78, "known"),  # potassium-sparing diuretics
    "amiloride": (2.12, 1.61, 2.78, "known"),
    "atorvastatin": (1.16, 1.04, 1.29, "possible"),  # statins
    "simvastatin": (1.16, 1.04, 1.29, "possible"),
    "rosuvastatin": (1.16, 1.04, 1.29, "possible"),
    "salmeterol": (2.17, 1.56, 3.02, "known"),  # LABA alone
    "formoterol": (2.17, 1.56, 3.02, "known"),
    "fluticasone propionate + salmeterol": (2.55, 2.06, 3.12, "known"),  # LABA + corticosteroid
    "budesonide + formoterol": (2.55, 2.06, 3.12, "known"),
    "umeclidinium + vilanterol": (2.42, 2.02, 2.89, "known"),  # all LABAs
}


def drug(ingredient: str) -> Drug:
    return next(d for d in load().drugs if d.ingredient == ingredient)


@pytest.mark.parametrize("ingredient", sorted(GARRISON_FIGURES))
def test_garrison_figures_and_grades(ingredient: str) -> None:
    value, low, high, grade = GARRISON_FIGURES[ingredient]
    d = drug(ingredient)
    assert d.cramp_effect is not None, f"{ingredient} has no effect size"
    e = d.cramp_effect
    assert (e.value, e.ci_low, e.ci_high) == pytest.approx((value, low, high))
    assert e.measure == "adjusted_sequence_ratio" and e.source == GARRISON
    assert d.cramp_association == grade


def test_every_garrison_class_member_carries_the_figure() -> None:
    classes = {"loop_diuretic", "thiazide_diuretic", "potassium_sparing_diuretic", "statin"}
    for d in load().drugs:
        if d.drug_class in classes and GARRISON in d.association_sources:
            assert d.cramp_effect is not None, d.ingredient


def test_known_needs_an_interval_clear_of_one() -> None:
    for d in load().drugs:
        if d.cramp_effect is not None and d.cramp_association == "known":
            assert d.cramp_effect.ci_low > 1, d.ingredient


def effect(**kw: float) -> dict[str, object]:
    base: dict[str, object] = {
        "measure": "adjusted_sequence_ratio",
        "value": 1.2,
        "ci_low": 1.0,
        "ci_high": 1.44,
        "exposure": "loop diuretics",
        "source": GARRISON,
    }
    return {**base, **kw}


def test_the_model_rejects_known_with_an_interval_that_reaches_one() -> None:
    with pytest.raises(ValidationError, match="reaches 1"):
        Drug(
            ingredient="furosemide",
            cramp_association="known",
            association_sources=(GARRISON,),
            cramp_effect=CrampEffect.model_validate(effect()),
        )
    # the same figures with `possible` are fine
    Drug(
        ingredient="furosemide",
        cramp_association="possible",
        association_sources=(GARRISON,),
        cramp_effect=CrampEffect.model_validate(effect()),
    )


def test_the_model_rejects_impossible_figures() -> None:
    with pytest.raises(ValidationError):
        CrampEffect.model_validate(effect(value=1.6))  # outside its interval
    with pytest.raises(ValidationError, match="not cited"):
        Drug(
            ingredient="x",
            cramp_association="possible",
            association_sources=("nice_cks_leg_cramps",),
            cramp_effect=CrampEffect.model_validate(effect()),
        )
    with pytest.raises(ValidationError, match="not an ATC code"):
        Drug(ingredient="x", atc="N03AX1", cramp_association="none")


def test_the_review_note_says_the_figure_in_words() -> None:
    loop = drug("furosemide").cramp_effect
    assert loop is not None
    en = effect_in_words(loop, translator("en"), "en")
    assert "1.2 times" in en and "chance" in en
    ru = effect_in_words(loop, translator("ru"), "ru")
    assert "1,2" in ru and "1.2" not in ru
    k_sparing = drug("spironolactone").cramp_effect
    assert k_sparing is not None
    words = effect_in_words(k_sparing, translator("en"), "en")
    assert "2.1 times" in words and "chance" not in words and "small" not in words


# Brand -> the substances its label lists (product labels: Troxevasin Neo gel = heparin sodium
# + dexpanthenol + troxerutin; Panangin/Asparkam = potassium and magnesium aspartate; Noliprel =
# perindopril + indapamide; Detralex = diosmin + hesperidin (MPFF); Hepatrombin = heparin +
# allantoin + dexpanthenol; Lyoton = heparin gel; Caduet = amlodipine + atorvastatin; Moduretic =
# amiloride + hydrochlorothiazide; Seretide = fluticasone propionate + salmeterol; Symbicort =
# budesonide + formoterol; Frumil = amiloride + furosemide).
BRANDS = {
    "Troxevasin Neo": {"heparin", "dexpanthenol", "troxerutin"},
    "Троксевазин Нео": {"heparin", "dexpanthenol", "troxerutin"},
    "Troxevasin": {"troxerutin"},
    "Panangin": {"potassium aspartate", "magnesium aspartate"},
    "Asparkam": {"potassium aspartate", "magnesium aspartate"},
    "Noliprel": {"perindopril", "indapamide"},
    "Detralex": {"diosmin", "hesperidin"},
    "Hepatrombin": {"heparin", "allantoin", "dexpanthenol"},
    "Lyoton": {"heparin"},
    "Caduet": {"amlodipine", "atorvastatin"},
    "Moduretic": {"amiloride", "hydrochlorothiazide"},
    "Seretide": {"fluticasone propionate", "salmeterol"},
    "Symbicort": {"budesonide", "formoterol"},
    "Frumil": {"amiloride", "furosemide"},
}


def substances(d: Drug) -> set[str]:
    return {p.split(" (")[0].strip() for p in d.ingredient.split("+")}


@pytest.mark.parametrize("brand", sorted(BRANDS))
def test_brand_is_filed_under_its_label_composition(brand: str) -> None:
    found = medication_index().match(brand)
    assert found is not None, brand
    assert substances(found) == BRANDS[brand], f"{brand} is filed as {found.ingredient}"


def test_troxevasin_neo_composition_names_where_it_was_checked() -> None:
    """The composition that decides the heparin-gel warning cites a checked source saying so."""
    kb = load()
    found = medication_index().match("Troxevasin Neo")
    assert found is not None and found.composition_sources
    for key in found.composition_sources:
        reference = kb.references[key]
        assert reference.verified, key
        assert "heparin" in str(reference.verified) and "dexpanthenol" in str(reference.verified)


def test_troxevasin_neo_with_a_swollen_calf_gets_the_heparin_gel_warning() -> None:
    inp = AssessmentInput.model_validate(
        {
            "age_years": 64,
            "sex": "female",
            "findings": ["unilateral_calf_swelling"],
            "medications": ["Troxevasin Neo gel"],
        }
    )
    review = {m.input: m for m in assess(inp).medication_review}
    note = review["Troxevasin Neo gel"].note
    assert "does not treat or prevent a blood clot" in note
    assert "same-day medical care" in note


# Classes that change what the engine says or warns about a medicine: a combination must carry
# each of them that one of its parts has.
def significant_classes() -> set[str]:
    from crampcare.spec import vocabulary

    return (
        set(vocabulary()["factors"]["drug_class"])
        | set(POTASSIUM_RAISING_CLASSES)
        | {"anticoagulant", "topical_heparin", "antiplatelet", "ssri", "beta_blocker", "antipsychotic"}
    )


def test_combinations_carry_the_classes_of_their_parts() -> None:
    singles = {d.ingredient: d for d in load().drugs if "+" not in d.ingredient}
    missing = []
    for d in load().drugs:
        if "+" not in d.ingredient:
            continue
        for part in substances(d):
            single = singles.get(part)
            if single and single.drug_class in significant_classes() and single.drug_class not in d.classes():
                missing.append(f"{d.ingredient}: {part} is {single.drug_class}")
    assert not missing, missing


def test_potassium_raising_parts_flag_the_combination() -> None:
    # sacubitril + valsartan contains an ARB; perindopril + indapamide an ACE inhibitor
    assert "arb" in drug("sacubitril + valsartan").classes()
    assert "ace_inhibitor" in drug("perindopril + indapamide").classes()
