"""Collect every translatable English text into Babel templates and update the Russian catalogue.

English is the source language, so each text is its own message id. Texts come from:

* the knowledge base YAML (parsed directly, not through ``load()``, so extraction works while the
  knowledge base is being edited);
* the vocabulary descriptions, which label the questionnaire's options;
* Python sources under ``crampcare/`` (``tr("...")`` literals and ``ntr("singular", "plural", n, tr)``
  plural messages, found by Babel's extractor), plus the
  plain strings that are passed to ``tr`` at run time (questions, finding groups, labels).

``web/`` and ``report/`` have their own catalogues and owners; ``claims.yaml`` goes to ``claims.pot``
(``--only claims``), whose ``claims.po`` another engineer maintains.

Run ``python -m crampcare.tooling.extract`` (``make messages``): writes ``locale/messages.pot`` and
updates ``locale/ru/LC_MESSAGES/messages.po``, keeping translations and dropping obsolete ones.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent  # src/crampcare
KB_DATA = PACKAGE / "knowledge" / "data"
VOCABULARY = PACKAGE / "spec" / "vocabulary.yaml"
LOCALE = PACKAGE / "i18n" / "locale"
TARGET_LANGS: tuple[str, ...] = ("ru",)

# Knowledge-base file -> (the field naming each item, the translatable fields of an item).
KB_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "conditions.yaml": ("code", ("name",)),
    "rules.yaml": ("id", ("message",)),
    "factors.yaml": ("id", ("explanation",)),
    "interventions.yaml": ("id", ("text",)),
    "tests.yaml": ("code", ("name", "reason")),
    "thresholds.yaml": ("id", ("label",)),
    "patterns.yaml": ("id", ("label",)),
    "drugs.yaml": ("ingredient", ("note",)),
    "cds.yaml": ("id", ("text",)),
}
# Nested lists of an item whose entries have translatable fields: file -> (list key, fields).
KB_NESTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "interventions.yaml": ("personal", ("reason",)),
    "drugs.yaml": ("safety", ("text",)),
}
VOCABULARY_SECTIONS: tuple[str, ...] = (
    "findings",
    "cramp_timing",
    "cramp_locations",
    "conditions",
    "differential",
    "exposures",
    "triage_levels",
    "recommendations",
    "evidence_grades",
    "tests",
)
# Python sources that other catalogues own (relative to the package, Babel method-map patterns).
PY_EXCLUDED: tuple[str, ...] = ("web/**", "report/**")
# tr("text"); ntr("singular", "plural", n, tr): a plural message (msgid, msgid_plural).
KEYWORDS: dict[str, Any] = {"tr": None, "ntr": (1, 2)}


@dataclass(frozen=True)
class Found:
    """One occurrence of a translatable text: where it is (file relative to ``src/``) and what."""

    text: str | tuple[str, str]  # a (singular, plural) pair is a plural message (msgid_plural)
    path: str
    lineno: int = 0  # 0: no line (YAML, run-time strings)
    note: str | None = None  # e.g. "clot_in_lung_signs.message"


# --- knowledge base and vocabulary --------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _strings_of(item: Mapping[str, Any], fields: Iterable[str]) -> Iterator[tuple[str, str]]:
    for name in fields:
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            yield name, value


def kb_file_strings(
    path: Path, key: str, fields: tuple[str, ...], nested: tuple[str, tuple[str, ...]] | None = None
) -> list[Found]:
    """The translatable fields of every item of one knowledge-base list file."""
    items = _read_yaml(path) or []
    out: list[Found] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        label = str(item.get(key, f"#{i}"))
        out += [Found(text, _rel(path), note=f"{label}.{name}") for name, text in _strings_of(item, fields)]
        if nested is None:
            continue
        list_key, nested_fields = nested
        for j, sub in enumerate(item.get(list_key) or []):
            if isinstance(sub, dict):
                sub_label = f"{label}.{list_key}[{sub.get('id', j)}]"
                out += [
                    Found(text, _rel(path), note=f"{sub_label}.{name}")
                    for name, text in _strings_of(sub, nested_fields)
                ]
    return out


def meta_strings(data: Path = KB_DATA) -> list[Found]:
    meta = _read_yaml(data / "meta.yaml") or {}
    return [
        Found(text, _rel(data / "meta.yaml"), note=name)
        for name, text in _strings_of(meta, ("disclaimer", "emergency_numbers"))
    ]


def diet_strings(data: Path = KB_DATA) -> list[Found]:
    """The everyday food names of ``diet.yaml`` (named in dietary advice)."""
    diet = _read_yaml(data / "diet.yaml") or {}
    return [
        Found(item["name"], _rel(data / "diet.yaml"), note=f"{nutrient}.{item['code']}")
        for nutrient, items in diet.items()
        for item in items
    ]


def kb_strings(data: Path = KB_DATA) -> list[Found]:
    """Every translatable text of the knowledge base except the claims."""
    out = meta_strings(data) + diet_strings(data)
    for name, (key, fields) in KB_FIELDS.items():
        path = data / name
        if path.exists():
            out += kb_file_strings(path, key, fields, KB_NESTED.get(name))
        # A knowledge file may also be a folder of files of the same kind (rules/labs.yaml ...).
        folder = data / name.removesuffix(".yaml")
        if folder.is_dir():
            for part in sorted(folder.glob("*.yaml")):
                out += kb_file_strings(part, key, fields, KB_NESTED.get(name))
    return out


def claim_strings(data: Path = KB_DATA) -> list[Found]:
    """Every claim's ``claim`` and ``reason`` text (for ``claims.pot``)."""
    return kb_file_strings(data / "claims.yaml", "id", ("claim", "reason"))


def vocabulary_strings(path: Path = VOCABULARY) -> list[Found]:
    """The descriptions of the vocabulary codes that label questionnaire options and results."""
    voc = _read_yaml(path) or {}
    out: list[Found] = []
    for section in VOCABULARY_SECTIONS:
        for code, text in (voc.get(section) or {}).items():
            if isinstance(text, str) and text.strip():
                out.append(Found(text, _rel(path), note=f"{section}.{code}"))
    return out


# --- Python sources -------------------------------------------------------------------------------


def python_tr_strings(package: Path = PACKAGE) -> list[Found]:
    """String literals passed to ``tr(...)`` in the package's Python sources (Babel's extractor)."""
    method_map = [(pattern, "ignore") for pattern in PY_EXCLUDED] + [("**.py", "python")]
    out: list[Found] = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(package), method_map=method_map, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        if isinstance(message, str) and message:
            out.append(Found(message, f"{package.name}/{filename}", lineno))
        elif isinstance(message, tuple) and len(message) == 2 and all(message):
            out.append(Found((str(message[0]), str(message[1])), f"{package.name}/{filename}", lineno))
    return out


def _tr_literals(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "tr"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


def fstring_tr_strings(package: Path = PACKAGE) -> list[Found]:
    """``tr("...")`` literals inside f-strings, which Babel's tokenizer-based extractor cannot see on
    Python < 3.12 (``f"{tr('Warning signs')}"``). Found with the ``ast`` module."""
    out: list[Found] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if rel.parts[0] in {pattern.split("/")[0] for pattern in PY_EXCLUDED}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            out += [Found(text, _rel(path), lineno) for text, lineno in _tr_literals(fstring)]
    return out


def runtime_strings() -> list[Found]:
    """Plain strings that code passes to ``tr`` at run time (not literals in a ``tr(...)`` call)."""
    from crampcare import labels, present
    from crampcare.assess import engine
    from crampcare.assess.questions import FINDING_GROUPS, questions

    out = [Found(q.text, "crampcare/assess/questions.py", note=f"question {q.link_id}") for q in questions()]
    out += [
        Found(text, "crampcare/assess/questions.py", note=f"FINDING_GROUPS[{key}]")
        for key, (text, _codes) in FINDING_GROUPS.items()
    ]
    out += [
        Found(text, f"crampcare/{module}.py", note=f"{name}[{code}]")
        for module, name, table in (
            ("labels", "triage", labels.OWN_LABELS["triage"]),
            ("labels", "LIKELIHOOD_WORDS", labels.LIKELIHOOD_WORDS),
            ("present", "NOTHING_REPORTED", {"": present.NOTHING_REPORTED}),
            ("labels", "DRUG_CLASS_LABELS", labels.DRUG_CLASS_LABELS),
            ("labels", "CHANGE_TEMPLATES", labels.CHANGE_TEMPLATES),
            ("labels", "PREFIX_TEMPLATES", labels.PREFIX_TEMPLATES),
            ("labels", "grade", labels.OWN_LABELS["grade"]),
            ("labels", "association", labels.OWN_LABELS["association"]),
        )
        for code, text in table.items()
    ]
    from crampcare.assess import plausibility

    out += [
        Found(text, "crampcare/assess/plausibility.py", note=f"MESSAGES[{i}]")
        for i, text in enumerate(plausibility.MESSAGES)
    ]
    out += [
        Found(text, "crampcare/assess/engine.py", note=f"DEFAULT_NOTES[{code}]")
        for code, text in engine.DEFAULT_NOTES.items()
    ]
    from crampcare.stats.factors import FACTORS

    out += [
        Found(text, "crampcare/stats/factors.py", note=f"FACTORS[{code}]")
        for code, (label, unit, _divisor) in FACTORS.items()
        for text in (label, unit)
    ]
    from crampcare.labels import OWN_FEATURES

    out += [
        Found(text, "crampcare/labels.py", note=f"OWN_FEATURES[{code}]")
        for code, text in OWN_FEATURES.items()
    ]
    return out


def message_strings() -> list[Found]:
    """Everything that belongs in ``messages.pot`` (all but the claims, web and report)."""
    python = python_tr_strings()
    seen = {(f.text, f.path, f.lineno) for f in python}
    python += [f for f in fstring_tr_strings() if (f.text, f.path, f.lineno) not in seen]
    return kb_strings() + vocabulary_strings() + python + runtime_strings()


# --- catalogues -----------------------------------------------------------------------------------


def _catalog(domain: str, lang: str | None = None) -> Catalog:
    return Catalog(
        locale=lang,
        domain=domain,
        project="crampcare",
        version="0.1.0",
        msgid_bugs_address="the crampcare issue tracker",
        last_translator="crampcare contributors",
        language_team=f"crampcare {lang or 'en'}",
        fuzzy=False,
    )


def template(found: Iterable[Found], domain: str) -> Catalog:
    """A Babel template with one message per distinct text, every origin kept."""
    cat = _catalog(domain)
    for f in found:
        cat.add(f.text, locations=[(f.path, f.lineno)], auto_comments=[f.note] if f.note else [])
    return cat


def updated(po: Catalog, pot: Catalog) -> Catalog:
    """``po`` brought up to date with ``pot``: translations kept, new texts added, obsolete dropped,
    no fuzzy guesses (a changed text must be translated again)."""
    po.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    po.obsolete.clear()
    return po


def render(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, ignore_obsolete=True)
    return buf.getvalue()


_DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)


def write_if_changed(path: Path, cat: Catalog) -> bool:
    """Write ``cat`` to ``path`` unless only its header dates would change. True if written."""
    new = render(cat)
    if path.exists() and _DATES.sub(b"", path.read_bytes()) == _DATES.sub(b"", new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def read_catalogue(path: Path, lang: str, domain: str) -> Catalog:
    if not path.exists():
        return _catalog(domain, lang)
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang, domain=domain)
    defaults = _catalog(domain, lang)
    cat.msgid_bugs_address = defaults.msgid_bugs_address
    cat.last_translator = defaults.last_translator
    cat.language_team = defaults.language_team
    cat.revision_date = datetime.now(UTC)
    return cat


def untranslated(cat: Catalog) -> list[str]:
    """Messages with no translation, or (plural messages) any empty form."""
    return [
        str(m.id)
        for m in cat
        if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crampcare.tooling.extract", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--only",
        choices=("messages", "claims"),
        default="messages",
        help="messages (default): messages.pot and the messages.po files; claims: claims.pot only",
    )
    args = parser.parse_args(argv)
    if args.only == "claims":
        pot = template(claim_strings(), "claims")
        write_if_changed(LOCALE / "claims.pot", pot)
        print(f"claims.pot: {len(pot)} texts")
        return 0
    pot = template(message_strings(), "messages")
    write_if_changed(LOCALE / "messages.pot", pot)
    print(f"messages.pot: {len(pot)} texts")
    for lang in TARGET_LANGS:
        path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        po = updated(read_catalogue(path, lang, "messages"), pot)
        write_if_changed(path, po)
        print(f"{lang}/LC_MESSAGES/messages.po: {len(untranslated(po))} of {len(po)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
