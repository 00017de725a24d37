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


def plural_gaps(
    texts: Iterable[tuple[str, tuple[str, str]]],
    ru: Mapping[tuple[str, str], tuple[str, ...]],
    forms: int = 3,
) -> list[str]:
    """The same for plural messages (singular, plural): Russian needs ``forms`` forms (1 ночь, 2 ночи,
    5 ночей), each Russian and with the English plural's placeholders."""
    out = []
    for where, english in texts:
        russian = ru.get(english, ())
        problems = [] if len(russian) == forms else [f"needs {forms} Russian forms, has {len(russian)}"]
        problems += [f"form {i}: {p}" for i, form in enumerate(russian) if (p := gap(english[1], form))]
        out += [f"{where}: {problem}\n    {english!r}" for problem in problems]
    return out
