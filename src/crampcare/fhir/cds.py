"""CDS Hooks services (spec 2.0): the cards of ``patient-view`` and ``order-select``, and request checks.

The HTTP routes are in :mod:`crampcare.web.cds`. The services read only the prefetch
(no calls back to the FHIR server), map it with :mod:`crampcare.fhir.cds_map`, run the assessment
engine's drug, lab and factor logic, and answer with cards that carry their ``indicator``, a
``source`` and, in ``detail``, the knowledge base's reference keys with full citations.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crampcare.fhir.cds_map import (
    PatientPicture,
    picture,
    reasons_mention_cramps,
    resources_of,
)
from crampcare.fhir.codes import LAB_BY_FIELD, LOINC_READ, own_system
from crampcare.fhir.medicines import MedicineReader, codes_for, short
from crampcare.i18n import Translator, translator
from crampcare.labels import code_words

if TYPE_CHECKING:
    from crampcare.knowledge import KnowledgeBase

SOURCE_PATH = "/knowledge/treatments"  # the page a card's source and link open (on our own base URL)
PATIENT_VIEW = "crampcare-patient-view"
ORDER_SELECT = "crampcare-order-select"
# Every LOINC code we read, eGFR included (98979-8 and the older 62238-1).
LOINC_PREFETCH = ",".join(f"http://loinc.org|{c}" for c in LOINC_READ)
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}"
    "&_include=MedicationStatement:medication",
    # _include brings the Medication a request points at (medicationReference) into the bundle.
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}&status=active"
    "&_include=MedicationRequest:medication",
    "labs": "Observation?patient={{context.patientId}}&code=" + LOINC_PREFETCH,
    "cramps": "Observation?patient={{context.patientId}}&code=http://snomed.info/sct|449918009",
}

EN = translator("en")  # the cards are in English for now; every text is in messages.po for others


def services(kb: KnowledgeBase, tr: Translator = EN) -> list[dict[str, Any]]:
    """The discovery document's services, their titles and descriptions from ``cds.yaml``."""
    return [
        {
            "hook": "patient-view",
            "id": PATIENT_VIEW,
            "title": _text(kb, tr, "patient_view_title"),
            "description": _text(kb, tr, "patient_view_description"),
            "prefetch": PREFETCH,
        },
        {
            "hook": "order-select",
            "id": ORDER_SELECT,
            "title": _text(kb, tr, "order_select_title"),
            "description": _text(kb, tr, "order_select_description"),
            "prefetch": {"patient": PREFETCH["patient"], "conditions": PREFETCH["conditions"]},
        },
    ]


def _text(kb: KnowledgeBase, tr: Translator, key: str, **params: Any) -> str:
    """The card text ``key`` of ``cds.yaml`` in ``tr``'s language, placeholders filled."""
    return tr(kb.cds_texts[key], **params)


def _join(*texts: str) -> str:
    return " ".join(t for t in texts if t)


OVERRIDE_SYSTEM = own_system("cds-override-reason")
# override reason code -> the id of its display text in cds.yaml
QUININE_OVERRIDES = (
    ("not-for-cramps", "override_not_for_cramps"),
    ("benefit-reviewed", "override_benefit_reviewed"),
    ("specialist-advice", "override_specialist_advice"),
)
INFO_OVERRIDES = (
    ("already-reviewed", "override_already_reviewed"),
    ("not-relevant", "override_not_relevant"),
)


@dataclass(frozen=True)
class Suggestion:
    label: str
    actions: tuple[dict[str, Any], ...]
    recommended: bool = False


@dataclass(frozen=True)
class Card:
    key: str
    summary: str
    indicator: str  # info | warning | critical
    detail: str
    sources: tuple[str, ...]
    topic: str
    suggestions: tuple[Suggestion, ...] = ()
    overrides: tuple[tuple[str, str], ...] = INFO_OVERRIDES

    def to_json(
        self, hook_instance: str, kb: KnowledgeBase, base_url: str, tr: Translator = EN
    ) -> dict[str, Any]:
        lines = [self.detail, "", _text(kb, tr, "disclaimer")]
        if self.sources:
            lines += ["", f"**{_text(kb, tr, 'sources_heading')}**", ""]
            lines += [f"- `{key}`: {kb.cite(key)}" for key in self.sources]
        summary = short(self.summary, 139)
        card_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance}/{self.key}")
        page = base_url + SOURCE_PATH
        out: dict[str, Any] = {
            "uuid": str(card_id),
            "summary": summary,
            "indicator": self.indicator,
            "detail": "\n".join(lines),
            "source": {
                "label": _text(kb, tr, "source_label"),
                "url": page,
                "topic": {
                    "system": own_system("cds-topic"),
                    "code": self.topic,
                    "display": self.topic.replace("-", " "),
                },
            },
            "links": [
                {
                    "label": _text(kb, tr, "link_label"),
                    "url": page,
                    "type": "absolute",
                }
            ],
            "overrideReasons": [
                {"system": OVERRIDE_SYSTEM, "code": code, "display": _text(kb, tr, text_id)}
                for code, text_id in self.overrides
            ],
        }
        if self.suggestions:
            out["selectionBehavior"] = "at-most-one"
            out["suggestions"] = [
                {
                    "label": s.label,
                    "uuid": str(uuid.uuid5(card_id, s.label)),
                    "isRecommended": s.recommended,
                    "actions": list(s.actions),
                }
                for s in self.suggestions
            ]
        return out


def _class_words(factor_id: str, tr: Translator) -> str:
    """``drug_class:thiazide_diuretic`` -> ``thiazide diuretic``: the clinical name the code is."""
    return code_words(factor_id.split(":", 1)[1])


def _lab_phrase(factor_id: str, picture_: PatientPicture, tr: Translator) -> str:
    field = {
        "lab:low_potassium": "potassium_mmol_l",
        "lab:low_magnesium": "magnesium_mmol_l",
        "lab:low_calcium": "calcium_mmol_l",
        "lab:low_sodium": "sodium_mmol_l",
        "lab:high_tsh": "tsh_mu_l",
        "lab:high_glucose": "glucose_mmol_l",
        "lab:low_egfr": "egfr_ml_min",
        "lab:high_ck": "ck_u_l",
    }.get(factor_id)
    words = code_words(factor_id.split(":", 1)[1])
    if field and field in picture_.labs:
        lab = LAB_BY_FIELD[field]
        return f"{words} ({picture_.labs[field].value:g} {lab.unit})"
    return words


def _sources(items: Sequence[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for item in items for key in item.sources))


def patient_view_cards(pic: PatientPicture, kb: Any, tr: Translator = EN) -> list[Card]:
    """The cards for one patient: quinine on the list; cramps with a culprit drug and/or a lab cause."""
    from crampcare.assess import assess, parse_inputs

    inputs, _ = parse_inputs(pic.assessment_input())
    result = assess(inputs[0], kb=kb)
    cards: list[Card] = []
    age_note = "" if pic.age is not None else _text(kb, tr, "age_unknown")
    if pic.quinine:
        quinine = kb.interventions["quinine"] if isinstance(kb.interventions, dict) else None
        cards.append(
            Card(
                key="quinine-on-list",
                summary=_text(kb, tr, "quinine_on_list_summary", medicines=", ".join(pic.quinine)),
                indicator="warning",
                detail=_join(
                    _text(kb, tr, "quinine_harms"), _text(kb, tr, "quinine_on_list_advice"), age_note
                ),
                sources=tuple(quinine.sources)
                if quinine is not None
                else ("mhra_quinine_2010", "fda_quinine_2010"),
                topic="quinine",
            )
        )
    if not pic.cramps:
        return cards
    drug_factors = [f for f in result.contributing_factors if f.id.startswith("drug_class:")]
    lab_factors = [f for f in result.contributing_factors if f.id.startswith("lab:")]
    if drug_factors and lab_factors:
        drugs = ", ".join(
            _text(kb, tr, "drug_in_list", drug_class=_class_words(f.id, tr), medicine=f.detail)
            for f in drug_factors
        )
        labs = ", ".join(_lab_phrase(f.id, pic, tr) for f in lab_factors)
        cards.append(
            Card(
                key="cramps-drug-lab",
                summary=_text(
                    kb,
                    tr,
                    "drug_lab_summary",
                    drug_class=_class_words(drug_factors[0].id, tr),
                    lab=_lab_phrase(lab_factors[0].id, pic, tr),
                ),
                indicator="warning",
                detail=_join(
                    _text(kb, tr, "drug_lab_detail", drugs=drugs, labs=labs),
                    _text(kb, tr, "drug_lab_advice"),
                    age_note,
                ),
                sources=_sources(drug_factors + lab_factors),
                topic="cramps-drug-lab",
            )
        )
    elif drug_factors:
        names = ", ".join(
            _text(kb, tr, "medicine_with_class", medicine=f.detail, drug_class=_class_words(f.id, tr))
            for f in drug_factors
        )
        cards.append(
            Card(
                key="cramps-drug",
                summary=_text(kb, tr, "drug_summary", medicines=names)[:139],
                indicator="info",
                detail=_join(
                    _text(kb, tr, "drug_detail", medicines=names), _text(kb, tr, "drug_advice"), age_note
                ),
                sources=_sources(drug_factors),
                topic="cramps-drug",
            )
        )
    elif lab_factors:
        labs = ", ".join(_lab_phrase(f.id, pic, tr) for f in lab_factors)
        cards.append(
            Card(
                key="cramps-lab",
                summary=_text(kb, tr, "lab_summary", labs=labs)[:139],
                indicator="info",
                detail=_text(
                    kb,
                    tr,
                    "lab_detail",
                    labs="; ".join(f"{_lab_phrase(f.id, pic, tr)}: {f.detail}" for f in lab_factors),
                ),
                sources=_sources(lab_factors),
                topic="cramps-lab",
            )
        )
    for flag in result.red_flags:
        if flag.level in ("urgent", "emergency"):
            cards.append(
                Card(
                    key=f"red-flag-{flag.id}",
                    summary=_text(kb, tr, "red_flag_summary", message=flag.message)[:139],
                    indicator="critical" if flag.level == "emergency" else "warning",
                    detail=flag.message,
                    sources=tuple(flag.sources),
                    topic="red-flag",
                )
            )
    missing = [t for t in result.tests_to_discuss if not _already_measured(t.test, pic)]
    if missing:
        tests = ", ".join(code_words(t.test) for t in missing)
        kb_tests = [kb.tests[t.test] for t in missing if t.test in kb.tests]
        cards.append(
            Card(
                key="cramps-tests",
                summary=_text(kb, tr, "tests_summary", tests=tests)[:139],
                indicator="info",
                detail="\n".join(f"- **{code_words(t.test)}**: {t.reason}" for t in missing),
                sources=_sources(kb_tests),
                topic="cramps-tests",
            )
        )
    return cards


_TEST_FIELDS = {
    "electrolytes": ("potassium_mmol_l", "sodium_mmol_l"),
    "magnesium": ("magnesium_mmol_l",),
    "calcium": ("calcium_mmol_l",),
    "thyroid_function": ("tsh_mu_l",),
    "kidney_function": ("creatinine_umol_l", "egfr_ml_min"),
    "creatine_kinase": ("ck_u_l",),
}


def _already_measured(test: str, pic: PatientPicture) -> bool:
    return any(f in pic.labs for f in _TEST_FIELDS.get(test, ()))


def order_select_cards(
    request: Mapping[str, Any],
    pic: PatientPicture,
    kb: Any,
    reader: MedicineReader | None = None,
    tr: Translator = EN,
) -> list[Card]:
    """A card for each selected draft order of quinine; critical when the order's reason is cramps.

    Quinine is found by RxNorm or ATC code, through ``medicationReference`` (contained, prefetched
    or among the draft orders) or by name. Each card suggests removing the draft order (a
    ``delete`` action) and offers override reasons; an order for another reason gets no card.
    """
    context = request["context"]
    selections = set(context.get("selections") or [])
    if reader is None:
        reader = MedicineReader(
            codes_for(kb), [context.get("draftOrders"), *(request.get("prefetch") or {}).values()]
        )
    cards = []
    quinine = kb.interventions["quinine"] if isinstance(kb.interventions, dict) else None
    sources = tuple(quinine.sources) if quinine is not None else ()
    for resource in resources_of(context.get("draftOrders")):
        if resource.get("resourceType") != "MedicationRequest":
            continue
        ref = f"MedicationRequest/{resource.get('id')}"
        if selections and ref not in selections:
            continue
        medicine = reader.read(resource)
        if not medicine.is_quinine:
            continue
        for_cramps = reasons_mention_cramps(resource)
        if for_cramps is False:  # ordered for another reason (e.g. malaria): not ours to judge
            continue
        name = short(medicine.name, 60) or "quinine"
        pregnancy = _text(kb, tr, "quinine_order_pregnant") if pic.pregnant else ""
        cards.append(
            Card(
                key=f"quinine-order-{resource.get('id')}",
                summary=_text(
                    kb,
                    tr,
                    "quinine_order_summary" if for_cramps else "quinine_order_maybe_summary",
                    medicine=name,
                ),
                indicator="critical" if for_cramps or pic.pregnant else "warning",
                detail=_join(
                    _text(kb, tr, "quinine_harms"), _text(kb, tr, "quinine_order_advice"), pregnancy
                ),
                sources=sources,
                topic="quinine-order",
                suggestions=(
                    Suggestion(
                        label=_text(kb, tr, "remove_order"),
                        actions=(
                            {
                                "type": "delete",
                                "description": _text(kb, tr, "remove_order_description", medicine=name),
                                "resourceId": ref,  # CDS Hooks 2.0: a string, a relative reference
                            },
                        ),
                        recommended=bool(for_cramps),
                    ),
                ),
                overrides=QUININE_OVERRIDES,
            )
        )
    return cards


# --- requests and answers (the HTTP routes are in crampcare.web.cds) ----------------------------

SERVICE_IDS = {PATIENT_VIEW: "patient-view", ORDER_SELECT: "order-select"}
OUTCOMES = {"accepted", "overridden"}


def request_problems(body: Any, hook: str) -> list[str]:
    if not isinstance(body, dict):
        return ["request: must be a JSON object"]
    problems = []
    if body.get("hook") != hook:
        problems.append(f"hook: must be {hook!r}, not {short(repr(body.get('hook')), 60)}")
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        problems.append("hookInstance: missing")
    elif len(body["hookInstance"]) > 200:
        problems.append("hookInstance: longer than 200 characters")
    context = body.get("context")
    if not isinstance(context, dict):
        problems.append("context: missing")
    elif not isinstance(context.get("patientId"), str):
        problems.append("context.patientId: missing")
    if "fhirAuthorization" in body and "fhirServer" not in body:
        problems.append("fhirAuthorization: given without fhirServer")
    if body.get("prefetch") is not None and not isinstance(body.get("prefetch"), dict):
        problems.append("prefetch: must be an object")
    return problems


Make = Callable[[Mapping[str, Any], PatientPicture, Any, MedicineReader], list[Card]]


def answer_cards(body: dict[str, Any], make: Make, base: str) -> tuple[int, dict[str, Any]]:
    """Run the service (in a worker thread): status and JSON body."""
    from crampcare.assess.medications import medication_index
    from crampcare.knowledge import KnowledgeError, load

    try:
        kb = load()
    except KnowledgeError:
        return 503, {"detail": ["the knowledge base is unavailable"]}
    prefetch = body.get("prefetch") or {}
    context = body.get("context") or {}
    reader = MedicineReader(codes_for(kb), [*prefetch.values(), context.get("draftOrders")])
    index = medication_index()
    pic = picture(prefetch, dt.date.today(), reader, lambda name: index.match(name) is not None)
    cards = make(body, pic, kb, reader)
    return 200, {"cards": [c.to_json(body["hookInstance"], kb, base) for c in cards]}


def feedback_problems(body: Any) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("feedback"), list) or not body["feedback"]:
        return ["feedback: must be a non-empty list"]
    problems = []
    for i, item in enumerate(body["feedback"][:100]):
        where = f"feedback[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        if not isinstance(item.get("card"), str):
            problems.append(f"{where}.card: missing (the card's uuid)")
        if item.get("outcome") not in OUTCOMES:
            problems.append(f"{where}.outcome: must be 'accepted' or 'overridden'")
        if not isinstance(item.get("outcomeTimestamp"), str):
            problems.append(f"{where}.outcomeTimestamp: missing")
        if item.get("outcome") == "accepted" and not item.get("acceptedSuggestions"):
            problems.append(f"{where}.acceptedSuggestions: required when the outcome is 'accepted'")
    if len(body["feedback"]) > 100:
        problems.append("feedback: at most 100 items per request")
    return problems
