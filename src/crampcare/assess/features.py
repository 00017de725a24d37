"""Turn an AssessmentInput into the facts the knowledge base reasons with.

A *feature* is a string such as ``finding:chest_pain``, ``timing:night``, ``condition:diabetes``,
``drug_class:statin`` or a threshold id from ``thresholds.yaml`` (``lab:low_potassium``). A
*measure* is a number the input reported (labs, vitals, age...), with calcium corrected for albumin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from crampcare.assess.compiled import compiled
from crampcare.assess.duplicates import find_duplicates
from crampcare.assess.medications import MedicationIndex, medication_index
from crampcare.assess.models import AssessmentInput
from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.drugs import Drug
from crampcare.spec import vocabulary

# Medicines that raise blood potassium: extra potassium (Asparkam, Panangin) is unsafe with them.
POTASSIUM_RAISING_CLASSES = frozenset(
    {
        "potassium_sparing_diuretic",
        "ace_inhibitor",
        "arb",
        "arni",
        "renin_inhibitor",
        "mineralocorticoid_receptor_antagonist",
        "potassium_supplement",
    }
)
POTASSIUM_RAISING_DRUGS = frozenset({"trimethoprim", "sulfamethoxazole + trimethoprim"})


@cache
def vocabulary_drug_classes() -> frozenset[str]:
    """Drug classes the vocabulary lists as contributing factors."""
    return frozenset(vocabulary()["factors"]["drug_class"])


@dataclass(slots=True)
class MedicationMatch:
    input: str
    drug: Drug


@dataclass(slots=True)
class Facts:
    """Everything the engine knows about one person, derived once."""

    features: frozenset[str]
    measures: dict[str, float]
    medications: tuple[MedicationMatch, ...]
    unrecognised: tuple[str, ...]


def corrected_calcium(calcium: float, albumin: float | None) -> float:
    """Albumin-adjusted calcium: total + 0.02 x (40 - albumin g/L); unchanged without albumin."""
    if albumin is None:
        return calcium
    # Rounded only to wash out float noise (2.1 + 0.02 x 5): rounding to lab precision could lift a
    # value just beyond a limit (0.9999 -> 1.000) back inside it.
    return round(calcium + 0.02 * (40.0 - albumin), 9)


def measures_of(inp: AssessmentInput) -> dict[str, float]:
    m: dict[str, float] = {"age_years": inp.age_years}
    if inp.pregnancy.weeks is not None:
        m["pregnancy_weeks"] = inp.pregnancy.weeks
    if inp.pregnancy.postpartum_weeks is not None:
        m["postpartum_weeks"] = inp.pregnancy.postpartum_weeks
    # Every numeric field of these blocks is a measure under its own name; only the fields the
    # person reported are looked at.
    for block in (inp.cramps, inp.lifestyle, inp.labs, inp.vitals):
        for name in block.model_fields_set:
            value = getattr(block, name)
            if type(value) is float or type(value) is int:
                m[name] = float(value)
    if inp.labs.calcium_mmol_l is not None:
        m["calcium_corrected_mmol_l"] = corrected_calcium(inp.labs.calcium_mmol_l, inp.labs.albumin_g_l)
    return m


_LIFESTYLE_FLAGS = (  # input flag -> feature
    ("smoker", "lifestyle:smoking"),
    ("prolonged_standing", "lifestyle:prolonged_standing"),
    ("prolonged_sitting", "lifestyle:prolonged_sitting"),
    ("recent_unaccustomed_exercise", "lifestyle:unaccustomed_exercise"),
    ("heavy_sweating", "lifestyle:heavy_sweating"),
    ("cold_water_swimming", "lifestyle:cold_exposure"),
)


def _lifestyle_features(inp: AssessmentInput) -> set[str]:
    life = inp.lifestyle
    out = {feature for flag, feature in _LIFESTYLE_FLAGS if getattr(life, flag)}
    if "heavy_sweating" in inp.findings:  # the vocabulary counts the finding as the factor too
        out.add("lifestyle:heavy_sweating")
    if life.activity == "sedentary":
        out.add("lifestyle:sedentary")
    elif life.activity is not None:
        out.add(f"activity:{life.activity}")
    return out


def _pregnancy_features(inp: AssessmentInput) -> set[str]:
    """Pregnancy and a recent birth. Contradictory answers take the safer reading (the danger of
    eclampsia is worse than a needless question): a pregnancy reported with "male", or weeks of
    pregnancy with "not pregnant", still counts; plausibility.py asks the person to check."""
    out: set[str] = set()
    p = inp.pregnancy
    if p.pregnant or p.weeks is not None:
        out.add("pregnancy:pregnant")
    if p.postpartum_weeks is not None:
        out.add("pregnancy:postpartum")
    return out


_DRUG_FEATURES: dict[int, tuple[Drug, frozenset[str]]] = {}


def drug_features(d: Drug) -> frozenset[str]:
    """What taking this drug tells the engine; worked out once per catalogue entry."""
    hit = _DRUG_FEATURES.get(id(d))
    if hit is not None and hit[0] is d:
        return hit[1]
    out = {f"drug:{d.ingredient}", "medication:any_recognised"}
    out |= {f"drug_class:{cls}" for cls in d.classes()}
    if "anticoagulant" in d.classes():
        out.add("anticoagulant")
    if d.cramp_association != "none":
        out.add(f"drug_association:{d.cramp_association}")
    if vocabulary_drug_classes().intersection(d.classes()):  # the vocabulary names it a cause of cramps
        out.add("drug_association:listed")
    out |= {f"takes:{code}" for code in d.is_intervention}
    if POTASSIUM_RAISING_CLASSES.intersection(d.classes()) or d.ingredient in POTASSIUM_RAISING_DRUGS:
        out.add("potassium_raising_drug")
    found = frozenset(out)
    _DRUG_FEATURES[id(d)] = (d, found)  # keeps d alive, so its id is not reused
    return found


# A medicine started, stopped or changed within this many weeks counts as a recent change: cramps
# that begin within weeks of starting a cramp-causing medicine point to it (Garrison 2012 counts
# prescriptions in the year either side; most reports describe onset within weeks).
RECENT_CHANGE_WEEKS = 12.0


def _change_features(inp: AssessmentInput, index: MedicationIndex) -> tuple[set[str], list[MedicationMatch]]:
    """Features of v2 ``medication_changes``; a medicine started or whose dose changed is taken now."""
    out: set[str] = set()
    taken: list[MedicationMatch] = []
    for ch in inp.medication_changes:
        drug = index.match(ch.medication)
        if drug is None:
            continue
        names = [f"drug:{drug.ingredient}", *(f"drug_class:{c}" for c in drug.classes())]
        recent = ch.weeks_ago is not None and ch.weeks_ago <= RECENT_CHANGE_WEEKS
        for name in names:
            out.add(f"{ch.change}:{name}")
            if recent:
                out.add(f"{ch.change}_recently:{name}")
        if ch.change != "stopped":
            taken.append(MedicationMatch(ch.medication, drug))
    return out, taken


def derive(kb: KnowledgeBase, inp: AssessmentInput) -> Facts:
    """All features and measures of one input (pure; the medication index is cached)."""
    index = medication_index()
    matched: list[MedicationMatch] = []
    unrecognised: list[str] = []
    for text in inp.medications:
        drug = index.match(text)
        if drug is None:
            unrecognised.append(text)
        else:
            matched.append(MedicationMatch(text, drug))
    changes, changed = _change_features(inp, index)
    listed = {m.drug.ingredient for m in matched}
    matched += [m for m in changed if m.drug.ingredient not in listed]
    meds = tuple(matched)

    f: set[str] = {f"sex:{inp.sex}"}
    f |= {f"finding:{c}" for c in inp.findings}
    f |= {f"timing:{c}" for c in inp.cramps.timing}
    f |= {f"location:{c}" for c in inp.cramps.locations}
    f |= {f"condition:{c}" for c in inp.conditions}
    if "during_dialysis" in inp.cramps.timing:  # cramps during dialysis: the person is on dialysis
        f.add("condition:dialysis")
    f |= {f"absent:{c}" for c in inp.absent_findings}
    f |= {f"exposure:{c}" for c in inp.exposures}
    f |= changes
    if inp.labs.d_dimer_raised:
        f.add("lab:d_dimer_raised")
    if inp.cramps.side:
        f.add(f"side:{inp.cramps.side}")
        if inp.cramps.side in ("left", "right"):
            f.add("side:unilateral")
    if inp.cramps.timing and set(inp.cramps.timing) <= {"during_exercise", "after_exercise"}:
        f.add("timing:exercise_only")
    if inp.cramps.timing or inp.cramps.locations or "finding:sudden_painful_tightening" in f:
        f.add("reported:cramps")
    if unrecognised:
        f.add("medication:unrecognised")
    if find_duplicates(meds):  # the same medicine twice (two brands, two NSAIDs...)
        f.add("medication:duplicate")
    f |= _lifestyle_features(inp)
    f |= _pregnancy_features(inp)
    for m in meds:
        f |= drug_features(m.drug)

    measures = measures_of(inp)
    table = compiled(kb)
    for name, value in measures.items():
        f.update(t.id for t in table.thresholds.get(name, ()) if t.holds(value))
    present = frozenset(f)
    for pattern, holds in table.patterns:  # in order: a pattern may build on earlier ones
        if holds(present):
            present = present | {pattern}
    return Facts(present, measures, meds, tuple(unrecognised))
