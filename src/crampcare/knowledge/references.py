"""Citations behind every clinical statement (``data/references/*.yaml``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import field_validator

from crampcare.knowledge.common import SourceKey, Strict

# A verification must say when it was done: an ISO date somewhere in the text.
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


class Reference(Strict):
    """One full citation.

    ``verified`` is either ``false`` (the details were not checked against the source itself, for
    example the research notes' ``[mem]`` items; ``note`` then says what is uncertain) or a
    sentence saying how and when they were checked, e.g. ``"DOI and PMID in the PubMed record
    (stored copy), 2026-12-02"``. A bare ``true`` is refused: a check that cannot say how it was
    done cannot be repeated by the next reviewer."""

    key: SourceKey
    kind: Literal["article", "review", "guideline", "label", "regulator", "web", "dataset", "book"]
    authors: str | None = None
    year: int | None = None
    title: str
    container: str | None = None  # journal, publisher, website or guideline body
    volume_pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    verified: Literal[False] | str = False
    note: str | None = None

    @field_validator("pmid")
    @classmethod
    def _pmid_digits(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError("a PMID is digits only")
        return value

    @field_validator("verified", mode="before")
    @classmethod
    def _how_and_when(cls, value: object) -> object:
        if value is True:
            raise ValueError('say how and when it was checked, e.g. "PubMed record, 2026-12-02", or false')
        if isinstance(value, str):
            text = value.strip()
            match = _DATE.search(text)
            if not match:
                raise ValueError("a verification must contain the date it was done (YYYY-MM-DD)")
            month, day = int(match.group(2)), int(match.group(3))
            if not (1 <= month <= 12 and 1 <= day <= 31):
                raise ValueError(f"{match.group(0)} is not a date (YYYY-MM-DD)")
            if len(_DATE.sub("", text).strip(" ,;.")) < 5:
                raise ValueError("a verification must say how the details were checked, not only when")
            return text
        return value

    @property
    def checked(self) -> bool:
        """Whether the details were checked against the source (``verified`` says how)."""
        return self.verified is not False

    def verification(self) -> str:
        """How and when the details were checked, or that they were not."""
        if self.verified is False:
            return "not yet checked against the source"
        return f"checked: {self.verified}"

    def citation(self) -> str:
        """The reference as one line, in a Vancouver-like style, ending with its verification."""
        lead = self.authors or self.container
        parts = [f"{lead}." if lead else "", f"{self.title}."]
        where = " ".join(x for x in (self.container if self.authors else None, self.volume_pages) if x)
        if where:
            parts.append(f"{where}.")
        if self.year:
            parts.append(f"{self.year}.")
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        if self.pmid:
            parts.append(f"PMID {self.pmid}.")
        if self.url:
            parts.append(self.url)
        text = " ".join(p for p in parts if p).replace("..", ".").strip()
        return f"{text} [{self.verification()}]"


def unverified(references: Iterable[Reference]) -> list[str]:
    """``kb check --strict`` problems: every reference not yet checked against its source."""
    return [
        f"references: {r.key} is not yet checked against the source" + (f" ({r.note})" if r.note else "")
        for r in references
        if not r.checked
    ]
