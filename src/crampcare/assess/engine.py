"""``assess()``: put features, differential, triage and recommendations together.

Pure and deterministic: the same input gives the same result, byte for byte. Texts come from the
knowledge base through the translator for ``lang``; codes never change with the language.
"""

from __future__ import annotations

from crampcare.assess import differential, plausibility, recommend, triage
from crampcare.assess.compiled import compiled
from crampcare.assess.features import Facts, derive, vocabulary_drug_classes
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
    for m in facts.medications:
        d = m.drug
        for i, cls in enumerate(d.classes()):
            fid = f"drug_class:{cls}"
            # The main class counts when it causes cramps; a combination's other parts only when
            # the vocabulary lists them (indapamide in perindopril + indapamide).
            causes = cls in listed or (i == 0 and d.cramp_association == "known")
            if causes and fid not in seen:
                seen.add(fid)
                out.append(ContributingFactor(id=fid, detail=m.input, sources=list(d.association_sources)))
    return out


def _text(kb: KnowledgeBase, item: Intervention, tr: Translator) -> str:
    """An intervention's text; dietary advice names familiar foods with their amounts."""
    if item.foods_for is None:
        return tr(item.text)
    picks = compiled(kb).diet[item.foods_for]
    foods = ", ".join(tr("{food} {mg} mg", food=tr(name), mg=f"{mg:.0f}") for name, mg in picks)
    return tr(item.text, foods=foods)


def _medication_review(facts: Facts, tr: Translator) -> list[MedicationReviewEntry]:
    rows = []
    for m in facts.medications:
        d = m.drug
        notes = [tr(d.note or DEFAULT_NOTES[d.cramp_association])]
        notes += [tr(s.text) for s in d.safety if all(f in facts.features for f in s.when_all)]
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

    reasons = [tr(r.message) for r in outcome.fired]
    reasons += [
        tr(
            "{condition} is a likely explanation and needs a clinician's assessment.",
            condition=tr(e.condition.name),
        )
        for e in outcome.likely
    ]
    if not reasons:
        reasons.append(tr("No warning signs were reported; this can be looked after at home."))
    red_flags = [
        RedFlag(id=r.id, level=r.level, condition=r.condition, message=tr(r.message), sources=list(r.sources))
        for r in outcome.fired
        if r.red_flag
    ]
    suggested = compiled(kb).tests.matching(present) if outcome.level != "emergency" else []
    # Recommendations can depend on which tests are worth discussing (check_blood_tests).
    if suggested:
        present = present | {f"test:{t.code}" for t in suggested}
    graded = recommend.choose(kb, present, outcome.level, outcome.fired)
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
        medication_review=_medication_review(facts, tr),
        unrecognised_medications=list(facts.unrecognised),
        disclaimer=tr(kb.meta.disclaimer),
        input_warnings=plausibility.check(inp, tr) or None,
    )
