"""Translations through Babel catalogues (``locale/<lang>/LC_MESSAGES/*.po``).

Each capability keeps its own catalogue file (``messages.po`` for the knowledge base and the CLI,
``web.po`` for the web app, ``report.po`` for the doctor report); they are merged on load.

English is the source language: every text (UI strings and the knowledge base's texts) is its own
message id, and a catalogue maps it to another language. ``translator(lang)`` returns a function
that translates and fills ``{placeholders}``; a text with no translation falls back to English.

Counts and decimals go through ``ntr`` (a message with a singular and a plural, one form chosen by the
catalogue's ``Plural-Forms``: Russian has three, "1 ночь, 2 ночи, 5 ночей") and ``number`` (Babel's
number formatting by locale: "1.5" in English, "1,5" in Russian). Templates get them as
``ngettext(singular, plural, n, **params)`` and ``number(value)``; Python calls
``ntr(singular, plural, n, tr_or_lang, **params)``.
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
        table.update(
            {
                str(m.id): str(m.string)
                for m in cat
                if isinstance(m.id, str) and m.id and m.string and not m.fuzzy
            }
        )
    return table


Plurals = dict[tuple[str, str], tuple[str, ...]]


@cache
def plural_catalogue(lang: str) -> Plurals:
    """(singular, plural) msgid -> the translated forms, in the order of the catalogue's Plural-Forms.
    Messages with an empty form are left out (they fall back to English, like any untranslated text)."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return {}
    from crampcare.cache import cached

    folder = resources.files(__package__).joinpath("locale", lang, "LC_MESSAGES")
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".po")), key=lambda p: p.name)
    return cached(f"plurals-{lang}", files, lambda: _read_plurals(lang, files))


def _read_plurals(lang: str, files: list[Any]) -> Plurals:
    from babel.messages.pofile import read_po

    table: Plurals = {}
    for path in files:
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for m in cat:
            if isinstance(m.id, tuple) and not m.fuzzy and isinstance(m.string, tuple) and all(m.string):
                table[(str(m.id[0]), str(m.id[1]))] = tuple(str(s) for s in m.string)
    return table


def plural_index(lang: str, n: float) -> int:
    """Which form of a plural message goes with ``n``, by the CLDR rules that gettext's Plural-Forms
    encode: English one/other; Russian one (1, 21, 31 ...), few (2-4, 22-24 ...), many (0, 5-20, 25 ...).
    A fraction takes Russian's "few" form ("1,5 литра"), English's plural ("1.5 litres")."""
    whole = float(n).is_integer()
    if lang == "ru":
        if not whole:
            return 1
        k = abs(int(n))
        if k % 10 == 1 and k % 100 != 11:
            return 0
        if 2 <= k % 10 <= 4 and not 12 <= k % 100 <= 14:
            return 1
        return 2
    return 0 if whole and abs(n) == 1 else 1


def number(lang: str | Translator, value: float, digits: int = 2) -> str:
    """``value`` written as the language writes numbers, with at most ``digits`` decimals
    ("1.5", "1,5"; "10,000", "10 000")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_lang(lang)))


def percent(lang: str | Translator, fraction: float) -> str:
    """``fraction`` (0.42) as a whole percentage written as the language writes it ("42%", "42 %")."""
    from babel.numbers import format_percent

    return str(format_percent(fraction, locale=_lang(lang)))


def ntr(singular: str, plural: str, n: float, lang: str | Translator, **params: Any) -> str:
    """The form of a plural message that goes with ``n``, translated and filled. ``{n}`` is ``n``
    written by ``number``; other numbers in ``params`` should be formatted by the caller.
    ``ntr("{n} night", "{n} nights", 21, tr)`` -> "21 nights" in English, "21 ночь" in Russian.
    (The language comes after the texts so that Babel's extractor, keyword ``ntr`` (1, 2), sees them.)"""
    code = _lang(lang)
    forms = plural_catalogue(code).get((singular, plural)) if code != "en" else None
    if forms:
        text = forms[min(plural_index(code, n), len(forms) - 1)]
    else:
        text = singular if plural_index("en", n) == 0 else plural
    return text.format(**{"n": number(code, n, 2), **params})


def _lang(lang: str | Translator) -> str:
    return lang if isinstance(lang, str) else language_of(lang)


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
