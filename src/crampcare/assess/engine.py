"""``assess()``: put features, differential, triage and recommendations together.

Pure and deterministic: the same input gives the same result, byte for byte. Texts come from the
knowledge base through the translator for ``lang``; codes never change with the language.
"""

from __future__ import annotations

from crampcare.assess import differential, plausibility, recommend, triage
from crampcare.assess.compiled import compiled
from crampcare.assess.duplicates import Duplicate, find_duplicates
from crampcare.assess.features import Facts, derive, drug_features, vocabulary_drug_classes
from crampcare.assess.models import (
    AssessmentInput,
    AssessmentResult,
    ContributingFactor,
    DifferentialEntry,
    MedicationReviewEntry,
    Recommendation,
    RedFlag,
    TestToDiscuss,
    Triage,
)
from crampcare.i18n import Translator, translator
from crampcare.knowledge import KnowledgeBase, load
from crampcare.knowledge.drugs import CrampEffect
from crampcare.knowledge.interventions import Intervention

MAX_DIFFERENTIAL = 8
DEFAULT_NOTES = {
    "known": "This medicine can cause cramps. Ask your doctor or pharmacist to review it; "
    "do not stop it on your own.",
    "possible": "This medicine has been linked to cramps in some reports; mention it at your next review. "
    "Do not stop it on your own.",
    "none": "Not known to cause cramps.",
}


def _factors(kb: KnowledgeBase, facts: Facts, tr: Translator) -> list[ContributingFactor]:
    out = [
        ContributingFactor(id=f.id, detail=tr(f.explanation), sources=list(f.sources))
        for f in kb.factors
        if f.feature in facts.features
    ]
    seen = {f.id for f in out}
    listed = vocabulary_drug_classes()
    recent: list[ContributingFactor] = []
    for m in facts.medications:
        d = m.drug
        changed = _changed_recently(facts, d.ingredient)
        for i, cls in enumerate(d.classes()):
            fid = f"drug_class:{cls}"
            # The main class counts when it causes cramps; a combination's other parts only when
            # the vocabulary lists them (indapamide in perindopril + indapamide).
            causes = cls in listed or (i == 0 and d.cramp_association == "known")
            if causes and fid not in seen:
                seen.add(fid)
                if changed:
                    detail = tr("{medicine} (started or increased in the last 12 weeks)", medicine=m.input)
                    recent.append(
                        ContributingFactor(id=fid, detail=detail, sources=list(d.association_sources))
                    )
                else:
                    out.append(
                        ContributingFactor(id=fid, detail=m.input, sources=list(d.association_sources))
                    )
    # Cramps that began within weeks of starting a cramp-causing medicine point to it: it leads.
    return recent + out


def _changed_recently(facts: Facts, ingredient: str) -> bool:
    """Whether this medicine was started or its dose raised within the last 12 weeks."""
    return bool(
        {f"started_recently:drug:{ingredient}", f"dose_increased_recently:drug:{ingredient}"} & facts.features
    )


def _text(kb: KnowledgeBase, item: Intervention, tr: Translator) -> str:
    """An intervention's text; dietary advice names familiar foods with their amounts."""
    if item.foods_for is None:
        return tr(item.text)
    picks = compiled(kb).diet[item.foods_for]
    # "; " because a food's name may hold a comma ("lentils, cooked").
    foods = "; ".join(tr("{food} {mg} mg", food=tr(name), mg=f"{mg:.0f}") for name, mg in picks)
    return tr(item.text, foods=foods)


# Below this an association that is clear is still a small one (Garrison 2012: statins 1.16).
SMALL_RATIO = 1.3


def effect_in_words(effect: CrampEffect, tr: Translator, lang: str) -> str:
    """The study figure behind a cramp association, in plain words (rounded, local decimal mark)."""
    ratio = f"{effect.value:.1f}"
    if lang == "ru":
        ratio = ratio.replace(".", ",")
    words = [
        tr(
            "In a large study, treatment for new night cramps was about {ratio} times as common in the "
            "year after people started this kind of medicine as in the year before.",
            ratio=ratio,
        )
    ]
    if not effect.clear:
        words.append(tr("The difference was small and may be due to chance."))
    elif effect.value < SMALL_RATIO:
        words.append(tr("The difference was small."))
    return " ".join(words)


def _duplicate_note(dup: Duplicate, other: str, tr: Translator) -> str:
    """Plain words for a medicine listed twice; never which one to stop."""
    if dup.why == "ingredient":
        return tr(
            "This contains the same medicine as {other}, so together they can give a double dose. "
            "Show both to a pharmacist or your prescriber and ask which one to take.",
            other=other,
        )
    kinds = {
        "nsaid": tr("anti-inflammatory painkillers"),
        "anticoagulant": tr("blood thinners"),
        "statin": tr("statins"),
        "potassium_supplement": tr("potassium supplements"),
        "serotonergic_antidepressant": tr("antidepressants that raise serotonin"),
    }
    return tr(
        "This and {other} are both {kind}: taking two at once adds side effects without more benefit. "
        "Show both to a pharmacist or your prescriber and ask which one to take.",
        other=other,
        kind=kinds[dup.what],
    )


def _context_for(facts: Facts, index: int) -> frozenset[str]:
    """The person's features as a safety note about medicine ``index`` must see them: without
    what only that medicine itself contributes (Asparkam is a potassium-raising medicine, but its
    note "you take a medicine that already raises potassium" is about the others)."""
    own = drug_features(facts.medications[index].drug)
    others: set[str] = set()
    for j, m in enumerate(facts.medications):
        if j != index and m.drug is not facts.medications[index].drug:
            others |= drug_features(m.drug)
    return facts.features - (own - others)


def _medication_review(facts: Facts, tr: Translator, lang: str) -> list[MedicationReviewEntry]:
    rows = []
    dups = {d.index: d for d in find_duplicates(facts.medications)}
    for i, m in enumerate(facts.medications):
        d = m.drug
        notes = [tr(d.note or DEFAULT_NOTES[d.cramp_association])]
        if d.cramp_effect is not None:
            notes.append(effect_in_words(d.cramp_effect, tr, lang))
        if i in dups:
            notes.append(_duplicate_note(dups[i], facts.medications[dups[i].other].input, tr))
        context = _context_for(facts, i)
        notes += [tr(s.text) for s in d.safety if all(f in context for f in s.when_all)]
        rows.append(
            MedicationReviewEntry(
                input=m.input,
                ingredient=d.ingredient,
                atc=d.atc,
                drug_class=d.drug_class,
                cramp_association=d.cramp_association,
                note=" ".join(notes),
            )
        )
    return rows


def assess(inp: AssessmentInput, lang: str = "en", kb: KnowledgeBase | None = None) -> AssessmentResult:
    """Assess one person. Raises ``KnowledgeError`` only if the knowledge base is invalid."""
    kb = kb or load()
    tr = translator(lang)
    facts = derive(kb, inp)
    present = facts.features

    fired = triage.fired_rules(kb, present)
    # A red flag is never outweighed by a score: the conditions that urgent or emergency red flags
    # name are always listed, and lead the differential whatever their estimated probability.
    flagged = triage.flagged_conditions(fired)
    ranked = differential.rank(kb, present, explain=MAX_DIFFERENTIAL, keep=frozenset(flagged))
    outcome = triage.decide(ranked, fired)
    ranked = differential.red_flags_first(ranked, flagged)

    # One voice: the reasons and red flags shown are those of the level reached. A lower rule's
    # "book a GP appointment" must not stand next to "call the emergency number now".
    shown = tuple(r for r in outcome.fired if r.level == outcome.level)
    reasons = [tr(r.message) for r in shown]
    reasons += [
        tr(
            "{condition} is a likely explanation and needs a clinician's assessment.",
            condition=tr(e.condition.name),
        )
        for e in outcome.likely
        if e.condition.when_likely == outcome.level
    ]
    if not reasons:
        reasons.append(tr("No warning signs were reported; this can be looked after at home."))
    red_flags = [
        RedFlag(id=r.id, level=r.level, condition=r.condition, message=tr(r.message), sources=list(r.sources))
        for r in shown
        if r.red_flag
    ]
    suggested = compiled(kb).tests.matching(present) if outcome.level != "emergency" else []
    # Recommendations can depend on which tests are worth discussing (check_blood_tests).
    if suggested:
        present = present | {f"test:{t.code}" for t in suggested}
    likely_sources = tuple(s for e in outcome.likely for s in e.condition.sources)
    graded = recommend.choose(kb, present, outcome.level, outcome.fired, likely_sources)
    recommendations = [
        Recommendation(
            id=g.intervention.id,
            category=g.intervention.category,
            evidence=g.grade,
            text=_text(kb, g.intervention, tr) + (f" {tr(g.reason)}" if g.reason else ""),
            sources=list(g.sources),
        )
        for g in graded
    ]
    tests = [TestToDiscuss(test=t.code, reason=tr(t.reason)) for t in suggested]
    return AssessmentResult(
        triage=Triage(level=outcome.level, reasons=reasons),
        red_flags=red_flags,
        differential=[
            DifferentialEntry(
                condition=e.condition.code,
                probability=e.probability,
                icd10=e.condition.icd10,
                supporting=list(e.supporting),
                against=list(e.against),
            )
            for e in ranked[:MAX_DIFFERENTIAL]
        ],
        contributing_factors=_factors(kb, facts, tr),
        recommendations=recommendations,
        tests_to_discuss=tests,
        medication_review=_medication_review(facts, tr, lang),
        unrecognised_medications=list(facts.unrecognised),
        disclaimer=tr(kb.meta.disclaimer),
        input_warnings=plausibility.check(inp, tr) or None,
    )
