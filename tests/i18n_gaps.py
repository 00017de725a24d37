"""One readable list of every translation gap, instead of one test id per message.

A gap is a text with no Russian translation, a translation with no Cyrillic letter (an English or
untranslated text shown to a Russian reader), or a translation whose ``{placeholders}`` differ from
the English (``str.format`` would fail or drop a value at run time).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def gap(english: str, russian: str) -> str | None:
    """What is wrong with one translation, or None."""
    if not russian.strip():
        return "no Russian translation"
    if not CYRILLIC.search(russian):
        return f"the translation is not Russian: {russian!r}"
    try:
        same = placeholders(russian) == placeholders(english)
    except ValueError as exc:  # a stray brace: str.format would fail at run time
        return f"the translation has a stray brace ({exc}): {russian!r}"
    if not same:
        return f"placeholders differ: {sorted(placeholders(english))} -> {russian!r}"
    return None


def gaps(texts: Iterable[tuple[str, str]], ru: Mapping[str, str]) -> list[str]:
    """``where: problem: english`` for every (where, English text) whose translation in ``ru`` is wrong."""
    out = []
    for where, english in texts:
        problem = gap(english, ru.get(english, ""))
        if problem:
            out.append(f"{where}: {problem}\n    {english!r}")
    return out


def report(found: list[str], fix: str) -> str:
    return f"{len(found)} translation gap(s); {fix}:\n" + "\n".join(found)
