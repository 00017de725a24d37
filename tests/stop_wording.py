"""Find wording that tells a person to stop a medicine, in English and Russian.

crampcare must never tell anyone to stop a prescribed medicine (HELPERS.md, safety rules); it
sends them to the prescriber instead. ``stop_advice(text)`` returns the phrases in ``text`` that do
so; ``visible_texts()`` gathers every text a person can see (knowledge base, Python string
literals of the package, web and report templates, both sides of every translation catalogue).

A phrase is safe when it is negated ("do not stop it on your own", "не прекращайте приём
самостоятельно"), conditional on a clinician ("do not take it without your clinic's advice"), or
about something that is not a prescribed medicine (smoking, alcohol, an exercise, an
anti-inflammatory painkiller bought over the counter). The allow-lists are deliberately narrow:
anything else that matches is reported.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

import crampcare

# The package the tests import (a mutation run points PYTHONPATH at a copy).
PACKAGE = Path(crampcare.__file__).resolve().parent

# --- English ----------------------------------------------------------------------------------
_EN_MEDICINE = (
    r"(?:prescribed\s+)?"
    r"(?:medicines?|medications?|tablets?|pills?|drugs?|doses?|treatments?|inhalers?|injections?)"
)
_EN_OBJECT = (
    r"(?:or\s+\w+\s+)?(?:it|them|this|that|these|those|your\b[^.;:!?]{0,40}|(?:the|a|any|all)\s+"
    + _EN_MEDICINE
    + ")"
)
EN_PATTERNS = (
    re.compile(r"\bstop(?:s|ped|ping)?\s+(?:taking|using|having)\b[^.;:!?]{0,60}", re.I),
    re.compile(r"\bstop(?:s|ped|ping)?\s+" + _EN_OBJECT, re.I),
    re.compile(r"\bdiscontinu\w*[^.;:!?]{0,60}", re.I),
    re.compile(r"\bcom(?:e|ing)\s+off\b[^.;:!?]{0,60}", re.I),
    re.compile(r"\bquit(?:s|ting)?\s+(?:your|taking|using|the|it|them)\b[^.;:!?]{0,60}", re.I),
    re.compile(r"\b(?:don[’']?t|do\s+not|never)\s+take\s+(?:your|it|them|any\s+more)\b[^.;:!?]{0,60}", re.I),
    re.compile(r"\bthrow\s+(?:it|them|your\s+\w+)\s+away\b", re.I),
)
# A negation just before the verb makes it safe advice: "do not stop it on your own".
_EN_NEGATED = re.compile(
    r"(?:\bdo\s+not|\bdon[’']?t|\bnever|\bnot|\bwithout|\bbefore)\s+(?:\w+\s+)?(?:or\s+)?$", re.I
)
# Things that are not prescribed medicines, or a clinician decides ("with your doctor").
EN_SAFE_OBJECTS = re.compile(
    r"\b(?:smok\w*|cigarettes?|drink\w*|alcohol|the\s+exercise|exercis\w*|the\s+stretch|caffeine|coffee|"
    r"the\s+experiment|recording|the\s+timer)\b",
    re.I,
)
EN_CONDITIONAL = re.compile(r"(?:don[’']?t|do\s+not|never)\s+take\b", re.I)
EN_CLINICIAN = re.compile(
    r"\b(?:without|unless)\b[^.;:!?]{0,50}\b(?:doctor|clinic|prescriber|pharmacist|team|midwife|specialist|advice|advises)",
    re.I,
)

# --- Russian ----------------------------------------------------------------------------------
RU_PATTERNS = (
    re.compile(
        r"прекра[тщ]\w*\s+(?:\w+\s+)?(?:при[её]м\w*|принима\w*|пить|использова\w*|лечени\w*|его|е[ёе]|их)[^.;:!?]{0,60}",
        re.I,
    ),
    re.compile(r"\bотмен(?:ите|ить|яйте|ять|ит)\b[^.;:!?]{0,60}", re.I),
    re.compile(r"\bбро(?:сьте|сить|сайте|сать)\b[^.;:!?]{0,60}", re.I),
    re.compile(
        r"\bпереста(?:ньте|ть|нете|вайте)\s+(?:\w+\s+)?(?:принима\w*|пить|использова\w*|колоть)[^.;:!?]{0,60}",
        re.I,
    ),
    re.compile(r"\bне\s+принимайте\b[^.;:!?]{0,60}", re.I),
    re.compile(r"\bвыбро(?:сьте|сить)\b[^.;:!?]{0,60}", re.I),
)
_RU_NEGATED = re.compile(r"(?:\bне|\bнельзя|\bникогда\s+не|\bбез)\s+(?:\w+\s+)?$", re.I)
RU_SAFE_OBJECTS = re.compile(
    r"(?:кур\w*|сигарет\w*|алкогол\w*|спиртн\w*|выпивк\w*|пить\s+алкоголь|упражнени\w*|растяжк\w*|эксперимент\w*|"
    r"противовоспалительн\w*|препарат\w*\s+калия|калиев\w*|добавк\w*\s+калия|при\s+аллерги\w*|горяч\w+\s+ванн\w*|"
    r"это\s+нельзя)",
    re.I,
)
RU_CONDITIONAL = re.compile(r"не\s+принимайте\b", re.I)
RU_CLINICIAN = re.compile(
    r"\b(?:без|если)\b[^.;:!?]{0,50}(?:врач\w*|клиник\w*|фармацевт\w*|специалист\w*|совет\w*|назнач\w*|акушер\w*|"
    r"\w+олог\w*)",
    re.I,
)


_SELF_BOUGHT = re.compile(
    r"\bbought\s+(?:it\s+|them\s+)?yourself|\byou\s+bought|купленн\w*|по\s+своему\s+выбору", re.I
)
_ASKED = re.compile(r"\bstart(?:ed)?,?\s+(?:or\s+)?$", re.I)
_RU_PAST = re.compile(r"прекра[тщ]\w*?(?:ли|ла|л)\b", re.I)


def _safe(phrase: str, before: str, negated: re.Pattern[str], objects: re.Pattern[str]) -> bool:
    """Negated just before the verb, or the thing stopped (within two words) is not a medicine."""
    if negated.search(before):
        return True
    return bool(re.match(r"\S+(?:\s+\S+){0,2}?\s+(?:" + objects.pattern + ")", phrase, re.I))


# "Stop Lipitor", "отмените конкор": a stop verb followed by the name of a medicine in the catalogue.
_NAMED = re.compile(
    r"\b(?:stop|discontinue|quit|прекратите|прекратить|отмените|отменить|бросьте|выбросьте)\s+"
    r"(?:(?:the|your|taking|using|приём|прием|ваш\w*)\s+)?([\w-]+)",
    re.I,
)


@functools.cache
def medicine_words() -> frozenset[str]:
    """First words of every ingredient, name and brand of the drug catalogue, lower case."""
    from crampcare.knowledge import load

    words: set[str] = set()
    for drug in load().drugs:
        for name in (drug.ingredient, *drug.names, *drug.brands):
            first = name.lower().split()
            if first and len(first[0]) >= 4:
                words.add(first[0])
    return frozenset(words)


def stop_advice(text: str) -> list[str]:
    """The phrases of ``text`` that tell someone to stop, quit or not take a medicine."""
    found: list[str] = []
    for m in _NAMED.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        negated = _EN_NEGATED.search(before) or _RU_NEGATED.search(before)
        if m.group(1).lower() in medicine_words() and not negated:
            found.append(m.group(0).strip())
    for patterns, negated, objects, clinician, conditional in (
        (EN_PATTERNS, _EN_NEGATED, EN_SAFE_OBJECTS, EN_CLINICIAN, EN_CONDITIONAL),
        (RU_PATTERNS, _RU_NEGATED, RU_SAFE_OBJECTS, RU_CLINICIAN, RU_CONDITIONAL),
    ):
        for pattern in patterns:
            for m in pattern.finditer(text):
                phrase = m.group(0)
                before = text[max(0, m.start() - 30) : m.start()]
                if _safe(phrase, before, negated, objects):
                    continue
                # Bought by the person, not prescribed: "do not take calcium you bought yourself".
                if _SELF_BOUGHT.search(phrase):
                    continue
                # A question about what happened: "did you start, stop or change the dose...",
                # "прекращали ли вы принимать..." (past tense, not an instruction).
                if _ASKED.search(before) or _RU_PAST.match(phrase):
                    continue
                # "Do not take it without your clinic's advice" leaves the decision to a clinician;
                # the same words after "stop" would still tell the person to stop, so only here.
                if conditional.match(phrase) and clinician.search(phrase):
                    continue
                found.append(phrase.strip())
    return found


# --- every text a person can see ----------------------------------------------------------------
def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _yaml_texts(root: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(root.rglob("*.yaml")):
        if path.parent.name == "references":
            continue  # bibliographic data: titles and notes quoting what a source says, not advice
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for s in _strings(data):
            yield f"{path.relative_to(PACKAGE)}", s


def _python_texts(root: Path) -> Iterator[tuple[str, str]]:
    """String literals of the package's code, docstrings left out (they speak to developers)."""
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield f"{path.relative_to(PACKAGE)}:{node.lineno}", node.value


_TAG = re.compile(r"<[^>]+>|\{[{%#].*?[%}#]\}", re.S)


def _template_texts(root: Path) -> Iterator[tuple[str, str]]:
    for pattern in ("*.html", "*.typ", "*.txt", "*.md"):
        for path in sorted(root.rglob(pattern)):
            text = path.read_text(encoding="utf-8")
            # Template tags hold tr("...") strings too; keep them and the text between tags.
            yield str(path.relative_to(PACKAGE)), text
            yield str(path.relative_to(PACKAGE)), re.sub(r"\s+", " ", _TAG.sub(" ", text))


def _catalogue_texts(root: Path) -> Iterator[tuple[str, str]]:
    from babel.messages.pofile import read_po

    for path in sorted(root.rglob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if not message.id:
                continue
            where = f"{path.relative_to(PACKAGE)} ({str(message.id)[:40]!r})"
            for s in _strings([message.id, message.string]):
                yield where, s


def visible_texts() -> list[tuple[str, str]]:
    """(where, text) for every text a person can see, English and Russian."""
    texts: list[tuple[str, str]] = []
    texts += _yaml_texts(PACKAGE)
    texts += _python_texts(PACKAGE)
    texts += _template_texts(PACKAGE)
    texts += _catalogue_texts(PACKAGE / "i18n" / "locale")
    return texts
