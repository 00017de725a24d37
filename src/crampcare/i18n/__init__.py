"""Translations through Babel catalogues (``locale/<lang>/LC_MESSAGES/messages.po``).

English is the source language: every text (UI strings and the knowledge base's texts) is its own
message id, and a catalogue maps it to another language. ``translator(lang)`` returns a function
that translates and fills ``{placeholders}``; a text with no translation falls back to English.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "ru")
DOMAIN = "messages"

Translator = Callable[..., str]


class UnknownLanguage(ValueError):
    pass


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translated text for one language (empty for English)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    path = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


def translator(lang: str = "en") -> Translator:
    """A function ``tr(text, **params)`` for ``lang``."""
    table = catalogue(lang)

    def tr(text: str, **params: Any) -> str:
        out = table.get(text, text)
        return out.format(**params) if params else out

    return tr
