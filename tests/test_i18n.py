"""Russian translations of the knowledge base, vocabulary, questionnaire and CLI (``messages.po``).

Every text ``python -m crampcare.tooling.extract`` finds (all but the claims, which ``claims.po`` and
``test_claims_i18n.py`` cover) must have a Russian translation in the merged catalogue, with the same
``{placeholders}``. A new or changed English text in the knowledge base fails here until someone runs
``make messages`` and translates it in ``i18n/locale/ru/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from crampcare.cli import app
from crampcare.i18n import catalogue, plural_catalogue, translator
from crampcare.tooling.extract import (
    LOCALE,
    Found,
    claim_strings,
    fstring_tr_strings,
    message_strings,
    python_tr_strings,
    template,
)
from tests.i18n_gaps import gaps, plural_gaps, report

RU_FOLDER = resources.files("crampcare.i18n").joinpath("locale", "ru", "LC_MESSAGES")
MESSAGES_PO = RU_FOLDER.joinpath("messages.po")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
RUNNER = CliRunner()
VIGNETTE = "pub-002.json"  # routine: night cramps on a thiazide; reasons, advice, tests and a medicine


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _key(f: Found) -> str:
    return f"{f.path}:{f.note or f.lineno}"


@cache
def _found() -> list[Found]:
    """Every extracted text; run when a test needs it, not at collection (it reads every source)."""
    return message_strings()


@cache
def _texts() -> dict[str | tuple[str, str], Found]:
    texts: dict[str | tuple[str, str], Found] = {}
    for found in _found():
        texts.setdefault(found.text, found)
    return texts


# --- (a) every extracted text is translated -------------------------------------------------------


def test_every_extracted_text_has_a_russian_translation() -> None:
    """Every text, translated, in Russian, with the same placeholders; all gaps listed at once."""
    texts = [(_key(f), text) for text, f in _texts().items() if isinstance(text, str)]
    assert len(texts) > 1000
    found = gaps(texts, catalogue("ru"))
    assert not found, report(found, "run `make messages` and translate them in ru/messages.po")


def test_every_plural_text_has_all_three_russian_forms() -> None:
    """``ntr("{n} night", "{n} nights", n, tr)``: msgstr[0], [1] and [2] (1 ночь, 2 ночи, 5 ночей)."""
    plurals = [(_key(f), text) for text, f in _texts().items() if isinstance(text, tuple)]
    assert len(plurals) > 10
    found = plural_gaps(plurals, plural_catalogue("ru"))
    assert not found, report(found, "give every plural message its three forms in ru/messages.po")


def test_the_plural_check_can_fail() -> None:
    ru = {
        ("{n} night", "{n} nights"): ("{n} ночь", "{n} ночи"),
        ("{n} day", "{n} days"): ("{n} день", "{x} дня", "days"),
    }
    found = plural_gaps([("a", ("{n} night", "{n} nights")), ("b", ("{n} day", "{n} days"))], ru)
    assert [line.split(":")[0] for line in found] == ["a", "b", "b"]
    assert "needs 3" in found[0] and "placeholders differ" in found[1] and "not Russian" in found[2]


def test_the_translation_check_can_fail() -> None:
    ru = {"Hello {name}": "Привет {имя}", "Night": "Night", "Day": "День"}
    found = gaps([("a", "Hello {name}"), ("b", "Night"), ("c", "Day"), ("d", "Missing")], ru)
    assert [line.split(":")[0] for line in found] == ["a", "b", "d"]
    assert "placeholders differ" in found[0] and "not Russian" in found[1] and "no Russian" in found[2]


def test_extraction_covers_every_source() -> None:
    paths = {f.path.removeprefix("crampcare/") for f in _found()}
    for expected in (
        "knowledge/data/meta.yaml",
        "knowledge/data/conditions.yaml",
        "knowledge/data/rules.yaml",
        "knowledge/data/factors.yaml",
        "knowledge/data/interventions.yaml",
        "knowledge/data/tests.yaml",
        "knowledge/data/thresholds.yaml",
        "knowledge/data/drugs.yaml",
        "spec/vocabulary.yaml",
        "assess/engine.py",
        "assess/questions.py",
        "cli/assess_text.py",
        "cli/questionnaire.py",
    ):
        assert expected in paths, f"nothing extracted from {expected}"
    texts = {f.text for f in _found()}
    # tr() inside an f-string, a run-time label, a question, a personal (nested) reason
    assert {"Warning signs", "Recommended", "Where?", "Quinine can harm an unborn baby."} <= texts
    assert not any(f.path.startswith(("crampcare/web/", "crampcare/report/")) for f in _found())
    assert not any(f.path.endswith("claims.yaml") for f in _found())


def test_claims_are_kept_apart_for_claims_pot() -> None:
    claims = claim_strings()
    assert claims and all(f.path.endswith("claims.yaml") for f in claims)
    assert {f.note.rsplit(".", 1)[1] for f in claims if f.note} == {"claim", "reason"}
    assert len(template(claims, "claims")) == len({f.text for f in claims})


def test_tr_literals_are_found_in_calls_and_inside_f_strings() -> None:
    """Babel finds ``tr("...")``; the ``ast`` pass finds ``f"{tr('...')}"``, which Babel misses."""
    assert "No warning signs were reported; this can be looked after at home." in {
        f.text for f in python_tr_strings()
    }
    in_fstrings = {f.text: f for f in fstring_tr_strings()}
    assert in_fstrings["Warning signs"].path == "crampcare/cli/assess_text.py"
    assert all(f.lineno > 0 for f in in_fstrings.values())


# --- (b) placeholders -----------------------------------------------------------------------------


def _po_messages() -> list[tuple[str, str, str]]:
    """(file, msgid, msgstr) of every translated message of every Russian catalogue file."""
    out = []
    for path in sorted(RU_FOLDER.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".po"):
            with path.open("rb") as fh:
                out += [
                    (path.name, str(m.id), str(m.string))
                    for m in read_po(fh, locale="ru")
                    if m.id and m.string
                ]
    return out


def test_placeholders_of_every_translation_match_the_english() -> None:
    wrong = []
    for name, msgid, msgstr in _po_messages():
        try:
            same = _placeholders(msgstr) == _placeholders(msgid)
        except ValueError as exc:  # a stray brace: str.format would fail at run time
            same = False
            msgstr = f"{msgstr} ({exc})"
        if not same:
            wrong.append(f"{name}: {msgid!r} -> {msgstr!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translator_fills_placeholders_in_russian() -> None:
    tr = translator("ru")
    out = tr("{condition} is a likely explanation and needs a clinician's assessment.", condition="X")
    assert out.startswith("X") and CYRILLIC.search(out)
    assert tr("Please enter a number from {low} to {high}.", low=1, high=5) == "Введите число от 1 до 5."


# --- (c) and (d) the CLI --------------------------------------------------------------------------


def _vignette_input(shared_dir: Path, tmp_path: Path) -> Path:
    data = json.loads((shared_dir / "vignettes" / "public" / VIGNETTE).read_text(encoding="utf-8"))
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data["input"], ensure_ascii=False), encoding="utf-8")
    return path


def _assess(path: Path, *args: str) -> Any:
    out = RUNNER.invoke(app, ["assess", "--input", str(path), *args])
    assert out.exit_code == 0, out.output
    return out


def _codes(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": result["triage"]["level"],
        "red_flags": [f["id"] for f in result["red_flags"]],
        "differential": [d["condition"] for d in result["differential"]],
        "factors": [f["id"] for f in result["contributing_factors"]],
        "recommendations": [(r["id"], r["category"], r["evidence"]) for r in result["recommendations"]],
        "tests": [t["test"] for t in result["tests_to_discuss"]],
        "medicines": [(m["ingredient"], m["cramp_association"]) for m in result["medication_review"]],
    }


def test_assess_in_russian_translates_texts_and_keeps_codes(shared_dir: Path, tmp_path: Path) -> None:
    case = _vignette_input(shared_dir, tmp_path)
    en = json.loads(_assess(case).stdout)
    ru = json.loads(_assess(case, "--lang", "ru").stdout)
    assert _codes(ru) == _codes(en)
    assert ru["triage"]["reasons"] and all(CYRILLIC.search(r) for r in ru["triage"]["reasons"])
    assert ru["recommendations"] and all(CYRILLIC.search(r["text"]) for r in ru["recommendations"])
    assert all(CYRILLIC.search(t["reason"]) for t in ru["tests_to_discuss"])
    # a drug-class factor's detail is the medicine as the person wrote it; the others are texts
    assert all(
        CYRILLIC.search(f["detail"])
        for f in ru["contributing_factors"]
        if not f["id"].startswith("drug_class:")
    )
    assert all(CYRILLIC.search(m["note"]) for m in ru["medication_review"])
    assert CYRILLIC.search(ru["disclaimer"]) and "не диагноз" in ru["disclaimer"]
    assert not CYRILLIC.search(json.dumps(_codes(ru), ensure_ascii=False))


def test_assess_text_format_in_russian(shared_dir: Path, tmp_path: Path) -> None:
    out = " ".join(
        _assess(_vignette_input(shared_dir, tmp_path), "--lang", "ru", "--format", "text").stdout.split()
    )
    assert "ПЛАНОВО: ЗАПИШИТЕСЬ К ТЕРАПЕВТУ" in out
    assert "Что сделать сейчас" in out and "не диагноз" in out


def test_unknown_language_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"age_years": 60, "sex": "male"}', encoding="utf-8")
    out = RUNNER.invoke(app, ["assess", "--input", str(case), "--lang", "xx"])
    assert out.exit_code == 2
    assert "--lang" in out.stderr and "en" in out.stderr and "ru" in out.stderr and "xx" in out.stderr
    assert out.stdout == ""


# --- (e) the catalogue files ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in RU_FOLDER.iterdir() if p.name.endswith(".po")))
def test_russian_po_files_parse_with_babel(name: str) -> None:
    with RU_FOLDER.joinpath(name).open("rb") as fh:
        cat = read_po(fh, locale="ru", domain=name.removesuffix(".po"))
    assert str(cat.locale) == "ru"
    assert [m for m in cat if m.id], f"{name} has no messages"


def test_messages_po_is_complete_current_and_not_fuzzy() -> None:
    with MESSAGES_PO.open("rb") as fh:
        cat = read_po(fh, locale="ru", domain="messages")
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in cat if m.id}
    assert not [m.id for m in cat if m.id and m.fuzzy], "messages.po has fuzzy messages"
    empty = [
        m.id for m in cat if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not empty, "messages.po has untranslated messages (or an empty plural form)"
    assert ids - set(_texts()) == set(), "messages.po has stale texts: run `make messages`"
    assert set(_texts()) - ids == set(), "messages.po lacks new texts: run `make messages` and translate them"


def test_messages_pot_parses() -> None:
    with (LOCALE / "messages.pot").open("rb") as fh:
        pot = read_po(fh, domain="messages")
    assert len([m for m in pot if m.id]) > 100
