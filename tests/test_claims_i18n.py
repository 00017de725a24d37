"""Russian translations of the graded claims (``i18n/locale/ru/LC_MESSAGES/claims.po``).

Every claim's ``claim`` and ``reason`` text is a message id; ``crampcare kb claims --lang ru`` shows
the translation from the merged Russian catalogue, so each must be there, in Russian, with the same
``{placeholders}`` as the English text.
"""

from __future__ import annotations

import re
import string
from importlib import resources
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

from crampcare.i18n import catalogue

DATA = resources.files("crampcare.knowledge.data")
CLAIMS_PO = resources.files("crampcare.i18n").joinpath("locale", "ru", "LC_MESSAGES", "claims.po")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _texts() -> list[tuple[str, str]]:
    """(claim id and field, English text) for every claim's ``claim`` and ``reason``."""
    items: list[dict[str, Any]] = yaml.safe_load(DATA.joinpath("claims.yaml").read_text(encoding="utf-8"))
    return [(f"{item['id']}.{field}", item[field]) for item in items for field in ("claim", "reason")]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


TEXTS = _texts()


def test_claims_po_parses_with_babel() -> None:
    with CLAIMS_PO.open("rb") as fh:
        cat = read_po(fh, locale="ru", domain="claims")
    messages = [m for m in cat if m.id]
    assert messages, "claims.po has no messages"
    assert not [m.id for m in messages if m.fuzzy], "claims.po has fuzzy messages"
    assert str(cat.locale) == "ru"


@pytest.mark.parametrize(("key", "text"), TEXTS, ids=[key for key, _ in TEXTS])
def test_claim_text_is_translated_to_russian(key: str, text: str) -> None:
    ru = catalogue("ru").get(text, "")
    assert ru.strip(), f"{key}: no Russian translation for {text!r}"
    assert CYRILLIC.search(ru), f"{key}: translation has no Cyrillic: {ru!r}"
    assert _placeholders(ru) == _placeholders(text), f"{key}: placeholders differ: {ru!r}"


def test_every_claims_po_message_is_a_current_claim_text() -> None:
    """No stale messages: after a text in claims.yaml changes, claims.po must be regenerated."""
    with CLAIMS_PO.open("rb") as fh:
        ids = {str(m.id) for m in read_po(fh, locale="ru") if m.id}
    assert ids - {text for _, text in TEXTS} == set()
