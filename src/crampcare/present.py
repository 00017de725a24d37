"""An assessment result as a person reads it: words, not codes, with what to do first.

The command line (``--format text``), the web result page and the doctor report all show a result
through :func:`present`, so they share one order - the triage box, then the two or three things to
do now, then warnings about the answers, then why, what it could be, medicines, advice, tests and
the references - and one set of labels (:mod:`crampcare.labels`). Probabilities become words
here ("most likely", "possible", "less likely"); the numbers stay in the JSON result only, because
an uncalibrated ranking next to a condition reads like a diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crampcare.assess.models import (
    AssessmentInput,
    AssessmentResult,
    ContributingFactor,
    DifferentialEntry,
    InputWarning,
    MedicationReviewEntry,
    Recommendation,
    RedFlag,
    TestToDiscuss,
    Triage,
)
from crampcare.i18n import Translator, translator
from crampcare.knowledge import KnowledgeBase, load
from crampcare.knowledge.references import Reference
from crampcare.labels import (
    OWN_LABELS,
    MissingLabel,
    condition_label,
    ingredient_label,
    likelihood_label,
    safe_feature_label,
    test_label,
)

LEVEL_HEADING = OWN_LABELS["triage"]
# The leading entry is "most likely" only from this estimate up; other entries are "possible" from
# POSSIBLE_AT. The numbers are a ranking, not a calibrated risk, so the words stay modest.
MOST_LIKELY_AT = 0.3
POSSIBLE_AT = 0.15
NOTHING_REPORTED = (
    "You have not told us about any symptoms yet, so we cannot say what might be causing them. "
    "Answer the questions about your cramps (when they happen, where, and what they feel like) for "
    "an assessment. If you feel very unwell, get medical help now."
)
# Containers of guidelines and patient information, as people know them.
SHORT_CONTAINERS = {
    "NICE Clinical Knowledge Summaries": "NICE CKS",
    "National Institute for Health and Care Excellence": "NICE",
    "NHS (UK National Health Service)": "NHS",
}
GRADES = OWN_LABELS["grade"]
ASSOCIATIONS = OWN_LABELS["association"]
_GUIDANCE_NUMBER = re.compile(r"\(([A-Z]{1,4}\d+)[^)]*\)")


@dataclass(slots=True)
class Item:
    """One thing to do, with its evidence grade in words and numbered references."""

    text: str
    grade: str
    grade_code: str
    refs: list[int]


@dataclass(slots=True)
class Candidate:
    name: str
    likelihood: str
    likelihood_code: str
    icd10: str
    supporting: list[str]
    against: list[str]


@dataclass(slots=True)
class Medicine:
    input: str
    ingredient: str | None  # None when it would only repeat the input or has no name in this language
    association: str
    association_code: str
    note: str


@dataclass(slots=True)
class Source:
    number: int
    short: str
    full: str


@dataclass(slots=True)
class Presented:
    level: str
    heading: str
    reasons: list[str]
    emergency_numbers: str | None
    actions: list[Item]
    warnings: list[str]
    why: list[str]
    nothing_reported: str | None
    differential: list[Candidate]
    factors: list[str]
    medicines: list[Medicine]
    unrecognised: list[str]
    advice: list[Item]
    tests: list[tuple[str, str]]
    sources: list[Source]
    disclaimer: str
    extra: dict[str, str] = field(default_factory=dict)


def short_name(ref: Reference) -> str:
    """A reference by a short readable name: "Garrison 2012", "NICE CKS: Leg cramps"."""
    if ref.authors:
        first = ref.authors.split(",")[0].split(" and ")[0].strip()
        surname = first.split()[0] if first.split() else first
        return f"{surname} {ref.year}" if ref.year else surname
    container = ref.container or ""
    short = SHORT_CONTAINERS.get(container, container)
    title = ref.title.split(":")[0].strip()
    number = _GUIDANCE_NUMBER.search(ref.title)
    if number and number.group(1) not in title:
        short = f"{short} {number.group(1)}"
    title = _GUIDANCE_NUMBER.sub("", title).strip()
    out = f"{short}: {title}" if short else title
    return f"{out} ({ref.year})" if ref.year and not ref.authors and short not in ("NICE CKS", "NHS") else out


def nothing_reported(inp: AssessmentInput) -> bool:
    """No symptom, cramp detail, finding, lab or vital sign: nothing to reason a differential from."""
    blocks = (inp.cramps, inp.labs, inp.vitals)
    detail = any(getattr(b, name) not in (None, ()) for b in blocks for name in type(b).model_fields)
    return not (detail or inp.findings or inp.absent_findings or inp.exposures)


class _Refs:
    """Numbers references in order of first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.numbers: dict[str, int] = {}

    def cite(self, keys: list[str]) -> list[int]:
        out = []
        for key in keys:
            if key not in self.kb.references:
                continue
            if key not in self.numbers:
                self.numbers[key] = len(self.numbers) + 1
            out.append(self.numbers[key])
        return sorted(set(out))

    def sources(self) -> list[Source]:
        return [
            Source(n, short_name(self.kb.references[k]), self.kb.references[k].citation())
            for k, n in self.numbers.items()
        ]


def _item(r: Recommendation, refs: _Refs, tr: Translator) -> Item:
    return Item(r.text, tr(GRADES[r.evidence]), r.evidence, refs.cite(r.sources))


def _likelihood(probability: float, first: bool, flagged: bool) -> str:
    if flagged:
        return "rule_out"
    if first and probability >= MOST_LIKELY_AT:
        return "most_likely"
    return "possible" if probability >= POSSIBLE_AT else "less_likely"


def _labels(kb: KnowledgeBase, features: list[str], tr: Translator) -> list[str]:
    out = [safe_feature_label(kb, f, tr) for f in features]
    return list(dict.fromkeys(x for x in out if x))


def _differential(kb: KnowledgeBase, result: AssessmentResult, tr: Translator) -> list[Candidate]:
    flagged = {f.condition for f in result.red_flags if f.condition and f.level in ("urgent", "emergency")}
    out: list[Candidate] = []
    first = True
    for d in result.differential:
        try:
            name = condition_label(kb, d.condition, tr)
        except MissingLabel:
            continue
        code = _likelihood(d.probability, first, d.condition in flagged)
        if code != "rule_out":
            first = False
        out.append(
            Candidate(
                name,
                likelihood_label(code, tr),
                code,
                d.icd10,
                _labels(kb, d.supporting, tr),
                _labels(kb, d.against, tr),
            )
        )
    return out


def _factors(kb: KnowledgeBase, result: AssessmentResult, tr: Translator) -> list[str]:
    features = {f.id: f.feature for f in kb.factors}
    out = []
    for f in result.contributing_factors:
        label = safe_feature_label(kb, features.get(f.id, f.id), tr)
        if label is None:
            continue
        label = label[:1].upper() + label[1:]
        same = f.detail.rstrip(".").casefold() == label.casefold()
        out.append(f"{label}: {f.detail}" if f.detail and not same else label)
    return out


def _medicines(kb: KnowledgeBase, result: AssessmentResult, tr: Translator) -> list[Medicine]:
    out = []
    for m in result.medication_review:
        name = ingredient_label(kb, m.ingredient, tr)
        if name and name.casefold() in m.input.casefold():
            name = None
        out.append(
            Medicine(
                m.input,
                name,
                tr(ASSOCIATIONS[m.cramp_association]),
                m.cramp_association,
                m.note,
            )
        )
    return out


def present(
    result: AssessmentResult,
    inp: AssessmentInput | None = None,
    lang: str = "en",
    kb: KnowledgeBase | None = None,
) -> Presented:
    """``result`` (assessed in ``lang``) in the order and words a person reads."""
    kb = kb or load()
    tr = translator(lang)
    refs = _Refs(kb)
    level = result.triage.level
    actions = [_item(r, refs, tr) for r in result.recommendations if r.category == "action"]
    rest = [r for r in result.recommendations if r.category != "action"]
    # Two or three things to do now: every action (none may be hidden), topped up with a review of
    # medicines or first aid when there are fewer than two.
    for category in ("review", "first_aid"):
        if len(actions) >= 2:
            break
        # A review of the person's own medicines before a general check of blood tests.
        candidates = sorted(
            (r for r in rest if r.category == category), key=lambda r: r.id != "medication_review"
        )
        now = candidates[: 2 - len(actions)]
        actions += [_item(r, refs, tr) for r in now]
        rest = [r for r in rest if r not in now]
    reasons = list(result.triage.reasons)
    why = [f.message for f in result.red_flags if f.message not in reasons]
    for f in result.red_flags:
        refs.cite(f.sources)
    empty = inp is not None and nothing_reported(inp)
    advice = [_item(r, refs, tr) for r in rest]
    return Presented(
        level=level,
        heading=tr(LEVEL_HEADING[level]),
        reasons=reasons,
        emergency_numbers=tr(kb.meta.emergency_numbers) if level == "emergency" else None,
        actions=actions,
        warnings=[w.message for w in result.input_warnings or []],
        why=why,
        nothing_reported=tr(NOTHING_REPORTED) if empty else None,
        differential=[] if empty else _differential(kb, result, tr),
        factors=_factors(kb, result, tr),
        medicines=_medicines(kb, result, tr),
        unrecognised=list(result.unrecognised_medications),
        advice=advice,
        tests=[(test_label(kb, t.test, tr), t.reason) for t in result.tests_to_discuss if t.test in kb.tests],
        sources=refs.sources(),
        disclaimer=result.disclaimer,
    )


def result_from_json(data: Mapping[str, Any]) -> AssessmentResult:
    """A stored result (the spec's JSON) back as the engine's dataclasses, to present it again."""
    warnings = data.get("input_warnings")
    return AssessmentResult(
        triage=Triage(**data["triage"]),
        red_flags=[RedFlag(**f) for f in data.get("red_flags", [])],
        differential=[DifferentialEntry(**d) for d in data.get("differential", [])],
        contributing_factors=[ContributingFactor(**f) for f in data.get("contributing_factors", [])],
        recommendations=[Recommendation(**r) for r in data.get("recommendations", [])],
        tests_to_discuss=[TestToDiscuss(**t) for t in data.get("tests_to_discuss", [])],
        medication_review=[MedicationReviewEntry(**m) for m in data.get("medication_review", [])],
        unrecognised_medications=list(data.get("unrecognised_medications", [])),
        disclaimer=str(data.get("disclaimer", "")),
        input_warnings=[InputWarning(**w) for w in warnings] if warnings else None,
    )
