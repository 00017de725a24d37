"""RxNorm ingredient codes of catalogue medicines (``data/rxnorm.yaml``)."""

from __future__ import annotations

import re

from pydantic import field_validator

from crampcare.knowledge.common import Strict

RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"


class RxNormProduct(Strict):
    """A clinical drug (TTY SCD, e.g. "quinine sulfate 324 MG Oral Capsule") of one ingredient.

    Orders are often coded with the product, not the ingredient; a product listed here is read as its
    ingredient. Only products found in a named public source are listed (no guessed codes).
    """

    rxcui: str
    name: str  # RxNorm's name of the product, as the source gives it
    source: str  # where the pair was checked (see rxnorm.yaml's header)

    @field_validator("rxcui")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not re.fullmatch(r"[1-9][0-9]{0,9}", value):
            raise ValueError("an RxCUI is a number of up to 10 digits")
        return value


class RxNormCode(Strict):
    """One catalogue ingredient and its RxNorm ingredient (TTY IN) concept."""

    ingredient: str  # exactly as ``drugs.yaml`` spells it
    rxcui: str
    rxnorm_name: str | None = None  # RxNorm's name where it differs from the INN
    # SNOMED CT substance concepts of the same ingredient, each checked in a public source (see the
    # file's header); an order coded with one is read as this ingredient.
    snomed: tuple[str, ...] = ()
    verified: bool
    source: str | None = None  # where the pair was checked (see the file's header)
    also: str | None = None  # further sources that agree
    # Single-ingredient clinical drugs (SCD) of this ingredient, each checked in a public source.
    products: tuple[RxNormProduct, ...] = ()

    @field_validator("rxcui")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not re.fullmatch(r"[1-9][0-9]{0,9}", value):
            raise ValueError("an RxCUI is a number of up to 10 digits")
        return value

    @field_validator("snomed")
    @classmethod
    def _sctids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not re.fullmatch(r"[1-9][0-9]{5,17}", code):
                raise ValueError(f"{code!r} is not a SNOMED CT identifier (6 to 18 digits)")
        return value

    @property
    def display(self) -> str:
        return self.rxnorm_name or self.ingredient


def check_rxnorm(codes: tuple[RxNormCode, ...], ingredients: set[str]) -> list[str]:
    """Problems: an ingredient the catalogue lacks, a duplicate, a verified pair without a source."""
    problems: list[str] = []
    seen_cui: dict[str, str] = {}
    seen_sct: dict[str, str] = {}
    seen_ing: set[str] = set()
    for c in codes:
        where = f"rxnorm.yaml ({c.ingredient})"
        if c.ingredient not in ingredients:
            problems.append(f"{where}: not an ingredient of drugs.yaml")
        if c.rxcui in seen_cui:
            problems.append(f"{where}: RxCUI {c.rxcui} already used for {seen_cui[c.rxcui]}")
        if c.ingredient in seen_ing:
            problems.append(f"{where}: listed twice")
        if c.verified and not c.source:
            problems.append(f"{where}: verified but names no source")
        seen_cui[c.rxcui] = c.ingredient
        for product in c.products:
            # A product code read as two ingredients would put an order under the wrong medicine.
            if product.rxcui in seen_cui:
                owner = seen_cui[product.rxcui]
                problems.append(f"{where}: product RxCUI {product.rxcui} already used for {owner}")
            seen_cui[product.rxcui] = c.ingredient
        for code in c.snomed:
            # One SNOMED concept read as two ingredients would put an order under the wrong medicine.
            if code in seen_sct:
                problems.append(f"{where}: SNOMED CT {code} already used for {seen_sct[code]}")
            seen_sct[code] = c.ingredient
        seen_ing.add(c.ingredient)
    return problems
