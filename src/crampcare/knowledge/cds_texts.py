"""The texts of the CDS Hooks cards (``data/cds.yaml``): English message ids, Russian in messages.po.

``fhir/cds.py`` builds the cards from these ids; ``CDS_TEXTS`` fixes which ids exist and which
``{placeholders}`` each must use, so an edit of the YAML that drops a text or renames a placeholder
fails ``crampcare kb check`` (and every load) instead of a card at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from string import Formatter

from crampcare.knowledge.common import Code, Strict

# id -> the placeholders its text must use (exactly these)
CDS_TEXTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "patient_view_title",
            "patient_view_description",
            "order_select_title",
            "order_select_description",
            "disclaimer",
            "source_label",
            "link_label",
            "sources_heading",
            "age_unknown",
            "quinine_harms",
            "quinine_on_list_advice",
            "quinine_order_advice",
            "quinine_order_pregnant",
            "remove_order",
            "drug_lab_advice",
            "drug_advice",
            "override_not_for_cramps",
            "override_benefit_reviewed",
            "override_specialist_advice",
            "override_already_reviewed",
            "override_not_relevant",
        ),
        frozenset(),
    ),
    "quinine_on_list_summary": frozenset({"medicines"}),
    "quinine_order_summary": frozenset({"medicine"}),
    "quinine_order_maybe_summary": frozenset({"medicine"}),
    "remove_order_description": frozenset({"medicine"}),
    "drug_in_list": frozenset({"drug_class", "medicine"}),
    "medicine_with_class": frozenset({"drug_class", "medicine"}),
    "drug_lab_summary": frozenset({"drug_class", "lab"}),
    "drug_lab_detail": frozenset({"drugs", "labs"}),
    "drug_summary": frozenset({"medicines"}),
    "drug_detail": frozenset({"medicines"}),
    "lab_summary": frozenset({"labs"}),
    "lab_detail": frozenset({"labs"}),
    "red_flag_summary": frozenset({"message"}),
    "tests_summary": frozenset({"tests"}),
}


class CdsText(Strict):
    id: Code
    text: str


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def check_cds_texts(texts: Iterable[CdsText]) -> list[str]:
    """Problems of ``cds.yaml``: unknown, missing or repeated ids, placeholders other than expected."""
    problems: list[str] = []
    seen: set[str] = set()
    for t in texts:
        where = f"cds.yaml ({t.id})"
        if t.id in seen:
            problems.append(f"{where}: appears twice")
        seen.add(t.id)
        expected = CDS_TEXTS.get(t.id)
        if expected is None:
            problems.append(f"{where}: not a text the CDS cards use")
        elif placeholders(t.text) != expected:
            names = ", ".join(sorted(expected)) or "none"
            problems.append(f"{where}: placeholders must be {names}, not {sorted(placeholders(t.text))}")
    problems += [f"cds.yaml: text {key!r} is missing" for key in sorted(CDS_TEXTS.keys() - seen)]
    return problems
