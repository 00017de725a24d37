"""Recognise the medicines people write down ("Lipitor 40mg", "Фуросемид 40 мг 2 раза в день").

Pure functions, no I/O. :func:`normalise_text` reduces a medication string to the words that name
the product (lower case, no strengths, dose forms, devices or dosing instructions).
:class:`MedicationIndex` maps such a string to a catalogue :class:`Drug`:

1. exact name or brand of the whole string, then of its leading words ("Элевит Пронаталь",
   "Spiriva Respimat"), then of its words in any order ("formoterol budesonide");
2. only then a close misspelling ("Lipitorr", "Фуросимид"), accepted only when it is one or two
   letters away from a single catalogue drug, starts with the same letter, is at least five letters
   long and no other drug comes close. Anything else is ``None``: never guess a medicine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from importlib import resources

from crampcare.knowledge.drugs import Drug

MIN_FUZZY_LETTERS = 5  # shorter strings are matched exactly or not at all
FUZZY_CUTOFF = 85.0  # rapidfuzz ratio (0-100) a misspelling must reach
FUZZY_TIE_MARGIN = 4.0  # a second drug this close to the best makes the match ambiguous

_UNITS = (
    r"mg|mgs|mcg|µg|μg|ug|g|gm|gr|grams?|milligrams?|micrograms?|ml|l|iu|ie|units?|mmol|%|"
    r"мг|мкг|г|гр|мл|л|ме|ед|ммоль"
)
# "40 mg", "1g", "2,5 мг", "200/6", "1000 МЕ", "5mg/ml", "x2", "2x"
_STRENGTH = re.compile(
    rf"(?<![^\W_]|[.,])\d+(?:[.,]\d+)?(?:\s*(?:{_UNITS}))?(?:\s*/\s*\d*(?:[.,]\d+)?\s*(?:{_UNITS}|доз[аы]?|dose)?)*"
    rf"(?![^\W_])",
)
_TIMES = re.compile(r"(?<![^\W_])(?:x\s*\d+|\d+\s*x)(?![^\W_])")
_PHRASES = re.compile(
    r"\b(?:once|twice|three times|four times|\d+ times)\s+(?:a|per|each)\s+(?:day|week|night)\b"
    r"|\b(?:a|per|each|every)\s+(?:day|week|night|morning|evening)\b"
    r"|\bat\s+(?:night|bedtime|night time)\b|\bwhen\s+(?:needed|required)\b|\bas\s+(?:needed|required)\b"
    r"|\bif\s+needed\b|\bin\s+the\s+(?:morning|evening)\b"
    r"|(?<![а-я])(?:в|на)\s+(?:день|сутки|неделю|ночь)(?![а-я])|(?<![а-я])раз[а]?(?![а-я])"
    r"|(?<![а-я])при\s+(?:необходимости|болях?)(?![а-я])|(?<![а-я])перед\s+сном(?![а-я])",
)
_DROP_WORDS = frozenset(
    [
        "once",
        "twice",
        "thrice",
        "daily",
        "nightly",
        "weekly",
        "monthly",
        "day",
        "days",
        "night",
        "nights",
        "morning",
        "mornings",
        "evening",
        "evenings",
        "bedtime",
        "nocte",
        "mane",
        "od",
        "bd",
        "bid",
        "tds",
        "tid",
        "qds",
        "qid",
        "prn",
        "stat",
        "times",
        "time",
        "per",
        "every",
        "each",
        "alternate",
        "one",
        "two",
        "three",
        "four",
        "half",
        "quarter",
        "and",
        "with",
        "other",
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "pill",
        "pills",
        "sachet",
        "sachets",
        "dose",
        "doses",
        "puff",
        "puffs",
        "inhalation",
        "inhalations",
        "inhaler",
        "inhalers",
        "spray",
        "sprays",
        "drop",
        "drops",
        "injection",
        "injections",
        "injectable",
        "patch",
        "patches",
        "solution",
        "syrup",
        "suspension",
        "liquid",
        "oral",
        "granules",
        "powder",
        "lozenge",
        "film",
        "coated",
        "dispersible",
        "effervescent",
        "chewable",
        "orodispersible",
        "soluble",
        "suppository",
        "suppositories",
        "modified",
        "slow",
        "extended",
        "prolonged",
        "controlled",
        "delayed",
        "sustained",
        "release",
        "gastro",
        "resistant",
        "enteric",
        "xl",
        "sr",
        "mr",
        "cr",
        "xr",
        "er",
        "cd",
        "ec",
        "dr",
        "la",
        "retard",
        "depot",
        "forte",
        "mite",
        "turbohaler",
        "turbuhaler",
        "respimat",
        "handihaler",
        "accuhaler",
        "diskus",
        "ellipta",
        "evohaler",
        "easyhaler",
        "spiromax",
        "nexthaler",
        "breezhaler",
        "genuair",
        "modulite",
        "rapihaler",
        "aerosphere",
        "autohaler",
        "clickhaler",
        "novolizer",
        "mdi",
        "dpi",
        "pmdi",
        "pen",
        "flexpen",
        "solostar",
        "kwikpen",
        "таблетки",
        "таблетка",
        "таблеток",
        "табл",
        "таб",
        "капсулы",
        "капсула",
        "капсул",
        "капс",
        "кап",
        "драже",
        "раствор",
        "спрей",
        "порошок",
        "саше",
        "пакетик",
        "пакетики",
        "ампулы",
        "ампула",
        "уколы",
        "укол",
        "инъекции",
        "капли",
        "сироп",
        "суспензия",
        "ингаляции",
        "ингаляция",
        "ингалятор",
        "вдох",
        "вдоха",
        "вдохов",
        "впрыск",
        "впрыска",
        "доза",
        "дозы",
        "доз",
        "раз",
        "раза",
        "ежедневно",
        "таблетке",
        "таблетку",
        "капсуле",
        "капсулу",
        "дозе",
        "утром",
        "вечером",
        "днем",
        "днём",
        "ночью",
        "утро",
        "вечер",
        "сутки",
        "день",
        "ретард",
        "форте",
        "мите",
        "пролонг",
        "мв",
        "ср",
        "по",
        "и",
        "после",
        "до",
        "во",
        "время",
        "еды",
    ]
)
# Cyrillic letters that look like Latin ones, used in codes such as "В6" or "Д3".
_CODE_LETTERS = str.maketrans({"в": "b", "д": "d", "с": "c", "е": "e", "к": "k", "а": "a", "о": "o"})
_CODE_TOKEN = re.compile(r"^[а-я][0-9]+$")
_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"^\d+$")


@lru_cache(maxsize=65536)
def normalise_text(text: str) -> str:
    """The product-naming words of a medication string, lower case, single-spaced.

    >>> normalise_text("Symbicort 200/6 Turbohaler, 2 puffs twice daily")
    'symbicort'
    >>> normalise_text("Фуросемид 40 мг 2 раза в день")
    'фуросемид'
    """
    s = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").replace("_", " ")
    s = _PHRASES.sub(" ", s)
    s = _STRENGTH.sub(" ", s)
    s = _TIMES.sub(" ", s)
    s = _NON_WORD.sub(" ", s)
    words = []
    for token in s.split():
        if _CODE_TOKEN.match(token):
            token = token.translate(_CODE_LETTERS)
        if token in _DROP_WORDS or _DIGITS.match(token):
            continue
        words.append(token)
    return " ".join(words)


def _letters(key: str) -> int:
    return sum(ch.isalpha() for ch in key)


def _max_edits(key: str) -> int:
    return 1 if len(key) <= 7 else 2


class MedicationIndex:
    """Look-up of catalogue drugs by any of their names, built once from the drugs."""

    def __init__(self, drugs: Iterable[Drug]) -> None:
        self.drugs: tuple[Drug, ...] = tuple(drugs)
        self._exact: dict[str, Drug] = {}
        self._unordered: dict[str, Drug] = {}
        # Keys that two different drugs claim: these are never matched (an honest "don't know").
        self.conflicts: dict[str, tuple[str, ...]] = {}
        for drug in self.drugs:
            for name in (drug.ingredient, *drug.names, *drug.brands):
                self._add(normalise_text(name), drug)
        for key in self.conflicts:
            self._exact.pop(key, None)
        for key, drug in self._exact.items():
            words = key.split()
            if len(words) > 1:
                self._unordered.setdefault(" ".join(sorted(words)), drug)
        self._fuzzy_keys: list[str] = [k for k in self._exact if _letters(k) >= MIN_FUZZY_LETTERS]
        self._lookup: Callable[[str], Drug | None] = lru_cache(maxsize=65536)(self._match_key)

    # Pickling (for the on-disk cache) leaves out the per-process look-up cache.
    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_lookup"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lookup = lru_cache(maxsize=65536)(self._match_key)

    def _add(self, key: str, drug: Drug) -> None:
        if not key:
            return
        if key in self.conflicts:
            self.conflicts[key] = (*self.conflicts[key], drug.ingredient)
            return
        existing = self._exact.get(key)
        if existing is not None and existing.ingredient != drug.ingredient:
            self.conflicts[key] = (existing.ingredient, drug.ingredient)
            return
        self._exact[key] = drug

    def keys(self) -> frozenset[str]:
        """Every normalised name the index matches exactly."""
        return frozenset(self._exact)

    def match(self, text: str) -> Drug | None:
        """The catalogue drug this medication string names, or None if it is not recognised."""
        return self._lookup(normalise_text(text))

    def _match_key(self, key: str) -> Drug | None:
        if not key:
            return None
        found = self._exact_match(key)
        if found is not None:
            return found
        first = key.split()[0]
        for query in dict.fromkeys((key, first)):
            found = self._fuzzy_match(query)
            if found is not None:
                return found
        return None

    def _exact_match(self, key: str) -> Drug | None:
        words = key.split()
        found = self._exact.get(key)
        if found is None and len(words) > 1:
            found = self._unordered.get(" ".join(sorted(words)))
        for n in range(len(words) - 1, 0, -1):
            if found is not None:
                break
            found = self._exact.get(" ".join(words[:n]))
        return found

    def _fuzzy_match(self, query: str) -> Drug | None:
        if _letters(query) < MIN_FUZZY_LETTERS:
            return None
        from rapidfuzz import fuzz, process  # only on a miss: exact names need no fuzzy matcher
        from rapidfuzz.distance import Levenshtein

        hits = process.extract(
            query, self._fuzzy_keys, scorer=fuzz.ratio, limit=8, score_cutoff=FUZZY_CUTOFF - FUZZY_TIE_MARGIN
        )
        ranked = sorted(((score, key) for key, score, _ in hits), key=lambda h: (-h[0], h[1]))
        if not ranked or ranked[0][0] < FUZZY_CUTOFF:
            return None
        best_score, best_key = ranked[0]
        if best_key[0] != query[0] or Levenshtein.distance(query, best_key) > _max_edits(query):
            return None
        best = self._exact[best_key]
        for score, key in ranked[1:]:
            if best_score - score <= FUZZY_TIE_MARGIN and self._exact[key].ingredient != best.ingredient:
                return None
        return best


@cache
def medication_index() -> MedicationIndex:
    """The index over the knowledge base's drug catalogue, built once and kept in the disk cache
    (normalising every name and brand is slower than an assessment)."""
    from crampcare.cache import cached
    from crampcare.knowledge import load
    from crampcare.knowledge.base import source_files

    kb = load()
    return cached("medication-index", [*source_files(), _THIS_FILE], lambda: MedicationIndex(kb.drugs))


_THIS_FILE = resources.files(__package__).joinpath("medications.py")
