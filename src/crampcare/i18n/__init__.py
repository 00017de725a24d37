"""Translations through Babel catalogues (``locale/<lang>/LC_MESSAGES/*.po``).

Each capability keeps its own catalogue file (``messages.po`` for the knowledge base and the CLI,
``web.po`` for the web app, ``report.po`` for the doctor report); they are merged on load.

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


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it (it is raised as data, translated later)."""
    return text


class UnknownLanguage(ValueError):
    pass


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translated text for one language (empty for English)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return {}
    from crampcare.cache import cached

    folder = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES")
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".po")), key=lambda p: p.name)
    return cached(f"catalogue-{lang}", files, lambda: _read_catalogues(lang, files))


def _read_catalogues(lang: str, files: list[Any]) -> dict[str, str]:
    from babel.messages.pofile import read_po

    table: dict[str, str] = {}
    for path in files:
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        table.update({str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy})
    return table


@cache
def translator(lang: str = "en") -> Translator:
    """A function ``tr(text, **params)`` for ``lang`` (one per language, so ``language_of`` works)."""
    table = catalogue(lang)

    def tr(text: str, **params: Any) -> str:
        out = table.get(text, text)
        return out.format(**params) if params else out

    _LANGUAGE_OF[id(tr)] = lang  # translators are cached, so the id stays theirs
    return tr


_LANGUAGE_OF: dict[int, str] = {}


def language_of(tr: Translator) -> str:
    """The language of a translator made by ``translator`` ("en" for any other function)."""
    return _LANGUAGE_OF.get(id(tr), "en")
