"""Which medicine a FHIR MedicationRequest / MedicationStatement names, however the EHR coded it.

Real EHR orders are RxNorm-coded (often with no text), some carry ATC or SNOMED CT codes, and many
point at a ``Medication`` resource (``medicationReference``) instead of naming the medicine inline:
contained in the resource (``#id``), in the same Bundle / CDS Hooks prefetch, or among the
``draftOrders``. :class:`MedicineReader` follows the reference, reads every coding (the concept's
and the Medication's ingredients) and maps RxNorm ingredient codes (``knowledge/data/rxnorm.yaml``)
and ATC codes (the drug catalogue) to catalogue ingredients. Text is the last resort, and is cut to
what the engine accepts (``MAX_NAME`` characters) instead of failing the request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crampcare.fhir.codes import ATC, SNOMED
from crampcare.knowledge.rxnorm import RXNORM_SYSTEM

MAX_NAME = 200  # AssessmentInput.medications[] maxLength
RXNORM_SYSTEMS = {RXNORM_SYSTEM, "urn:oid:2.16.840.1.113883.6.88"}
ATC_SYSTEMS = {ATC, "urn:oid:2.16.840.1.113883.6.73"}
SNOMED_SYSTEMS = {SNOMED, "urn:oid:2.16.840.1.113883.6.96"}
QUININE = "quinine"
QUININE_WORDS = re.compile(r"quinin|хинин", re.IGNORECASE)


def short(text: str, limit: int = MAX_NAME) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (with "…")."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;") + "…"


@dataclass(frozen=True)
class MedicineCodes:
    """Code -> catalogue ingredient, per code system."""

    rxnorm: Mapping[str, str] = field(default_factory=dict)
    atc: Mapping[str, str] = field(default_factory=dict)
    snomed: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_kb(cls, kb: Any) -> MedicineCodes:
        atc: dict[str, str] = {}
        # A single-ingredient product owns its ATC code; a combination only where no single one does.
        for drug in sorted(kb.drugs, key=lambda d: "+" in d.ingredient):
            if drug.atc and len(drug.atc) == 7:  # a chemical substance, not a group like B03AC
                atc.setdefault(drug.atc, drug.ingredient)
        return cls(
            # Ingredient codes and the checked product (SCD) codes of each ingredient.
            rxnorm={
                **{p.rxcui: c.ingredient for c in kb.rxnorm for p in c.products},
                **{c.rxcui: c.ingredient for c in kb.rxnorm},
            },
            atc=atc,
            snomed={code: c.ingredient for c in kb.rxnorm for code in c.snomed},
        )

    def ingredient(self, system: str, code: str) -> str | None:
        code = code.strip()
        if system in RXNORM_SYSTEMS:
            return self.rxnorm.get(code)
        if system in ATC_SYSTEMS:
            return self.atc.get(code.upper())
        if system in SNOMED_SYSTEMS:
            return self.snomed.get(code)
        return None


# Without a knowledge base: quinine's own codes (RxNorm 9071 per CPIC's drug table, ATC P01BC01).
QUININE_CODES = MedicineCodes(rxnorm={"9071": QUININE}, atc={"P01BC01": QUININE})
_CODES_CACHE: dict[int, tuple[Any, MedicineCodes]] = {}


def codes_for(kb: Any) -> MedicineCodes:
    """``MedicineCodes.from_kb`` built once per knowledge base object."""
    hit = _CODES_CACHE.get(id(kb))
    if hit is None or hit[0] is not kb:
        hit = (kb, MedicineCodes.from_kb(kb))
        _CODES_CACHE.clear()
        _CODES_CACHE[id(kb)] = hit
    return hit[1]


def codings(concept: Any) -> list[tuple[str, str, str]]:
    """(system, code, display) of a CodeableConcept's codings."""
    if not isinstance(concept, dict):
        return []
    return [
        (str(c.get("system") or ""), str(c.get("code") or ""), str(c.get("display") or ""))
        for c in concept.get("coding") or []
        if isinstance(c, dict)
    ]


@dataclass(frozen=True)
class Medicine:
    """What one medication resource names."""

    name: str  # for people: text, else a display, else the catalogue ingredient; '' if nothing
    ingredients: tuple[str, ...]  # catalogue ingredients found by code
    words: str  # every text and display, for word matching (e.g. quinine by name)

    @property
    def is_quinine(self) -> bool:
        return QUININE in self.ingredients or bool(QUININE_WORDS.search(self.words))

    def engine_names(self, recognised: Any) -> list[str]:
        """The strings to give the engine: the name if the catalogue knows it, else the coded
        ingredients, else the name cut to size (``recognised(text) -> bool``)."""
        if self.name and recognised(self.name):
            return [short(self.name)]
        if self.ingredients:
            return list(self.ingredients)
        return [short(self.name)] if self.name else []


class MedicineReader:
    """Reads medication resources, following ``medicationReference`` to a Medication it was given."""

    def __init__(self, codes: MedicineCodes, resources: Iterable[Any] = ()) -> None:
        self.codes = codes
        self.medications: dict[str, dict[str, Any]] = {}
        for resource in resources:
            self.add(resource)

    def add(self, resource: Any, full_url: str | None = None, depth: int = 0) -> None:
        """Remember a Medication (by ``Medication/<id>`` and by its Bundle ``fullUrl``)."""
        if not isinstance(resource, dict):
            return
        if resource.get("resourceType") == "Bundle":
            if depth >= 3:  # a Bundle in a Bundle in a Bundle is not a prefetch: stop, don't recurse
                return
            entries = resource.get("entry") or []
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    self.add(entry.get("resource"), entry.get("fullUrl"), depth + 1)
            return
        if resource.get("resourceType") != "Medication":
            return
        if isinstance(resource.get("id"), str):
            self.medications[f"Medication/{resource['id']}"] = resource
        if isinstance(full_url, str) and full_url:
            self.medications[full_url] = resource

    def _referenced(self, resource: Mapping[str, Any]) -> dict[str, Any] | None:
        ref = resource.get("medicationReference")
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        target = ref["reference"].strip()
        if target.startswith("#"):
            for inner in resource.get("contained") or []:
                if (
                    isinstance(inner, dict)
                    and inner.get("resourceType") == "Medication"
                    and inner.get("id") == target[1:]
                ):
                    return inner
            return None
        if target in self.medications:
            return self.medications[target]
        match = re.search(r"(Medication/[A-Za-z0-9\-.]{1,64})(/_history/[^/]+)?$", target)
        return self.medications.get(match.group(1)) if match else None

    def read(self, resource: Mapping[str, Any]) -> Medicine:
        concepts: list[Any] = [resource.get("medicationCodeableConcept")]
        display_ref = ""
        ref = resource.get("medicationReference")
        if isinstance(ref, dict):
            display_ref = str(ref.get("display") or "")
            medication = self._referenced(resource)
            if medication is not None:
                concepts.append(medication.get("code"))
                for part in medication.get("ingredient") or []:
                    if isinstance(part, dict):
                        concepts.append(part.get("itemCodeableConcept"))
        texts: list[str] = []
        ingredients: list[str] = []
        for concept in concepts:
            if isinstance(concept, dict) and concept.get("text"):
                texts.append(str(concept["text"]))
            for system, code, display in codings(concept):
                if display:
                    texts.append(display)
                found = self.codes.ingredient(system, code)
                if found:
                    ingredients.append(found)
        if display_ref:
            texts.append(display_ref)
        ingredients = list(dict.fromkeys(ingredients))
        name = next((t.strip() for t in texts if t.strip()), "") or " + ".join(ingredients)
        return Medicine(name=name, ingredients=tuple(ingredients), words=" ".join(texts))
