"""Citations behind every clinical statement (``data/references/*.yaml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from crampcare.knowledge.common import SourceKey, Strict


class Reference(Strict):
    """One full citation. ``verified`` is false where the details were not checked against the
    source itself (the research notes' ``[mem]`` items); the citation then says so."""

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
    verified: bool = True
    note: str | None = None

    @field_validator("pmid")
    @classmethod
    def _pmid_digits(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError("a PMID is digits only")
        return value

    def citation(self) -> str:
        """The reference as one line, in a Vancouver-like style."""
        parts = [self.authors or self.container or "", f"{self.title}."]
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
        if not self.verified:
            parts.append("[details not verified against the source]")
        text = " ".join(p for p in parts if p).replace("..", ".")
        return text.strip()
