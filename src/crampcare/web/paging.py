"""Keyset pages for the web's long lists (all cramps, all evenings), newest first.

A page link carries the position of the last (or first) row shown, not an offset: the next page
is one indexed range query however deep into a 20,000-episode diary it is, and a cramp logged
meanwhile never shifts a row onto two pages. A link this server did not make shows the first page.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

PAGE_SIZE = 100


@dataclass(frozen=True)
class Position:
    """Where a page starts: a row's sort key (a UTC time or a date, ISO text) and its id."""

    key: str
    row_id: int = 0

    def token(self) -> str:
        return base64.urlsafe_b64encode(f"{self.key}|{self.row_id}".encode()).decode().rstrip("=")


def read_position(token: str | None) -> Position | None:
    """The position a page link carries, or ``None`` (first page) for anything else."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        key, _, row_id = raw.partition("|")
        if "T" in key or " " in key:
            dt.datetime.fromisoformat(key)
        else:
            dt.date.fromisoformat(key)
        return Position(key, int(row_id))
    except ValueError:
        return None


@dataclass(frozen=True)
class Page:
    """Links to the neighbouring pages (``None`` at either end)."""

    older: str | None
    newer: str | None
