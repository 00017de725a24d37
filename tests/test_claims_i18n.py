"""Russian translations of the graded claims (``i18n/locale/ru/LC_MESSAGES/claims.po``).

Every claim's ``claim`` and ``reason`` text is a message id; ``crampcare kb claims --lang ru`` shows
the translation from the merged Russian catalogue, so each must be there, in Russian, with the same
``{placeholders}`` as the English text.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from babel.messages.pofile import read_po

from crampcare.i18n import catalogue
from tests.i18n_gaps import gaps, report

DATA = resources.files("crampcare.knowledge.data")
CLAIMS_PO = resources.files("crampcare.i18n").joinpath("locale", "ru", "LC_MESSAGES", "claims.po")


def _texts() -> list[tuple[str, str]]:
    """(claim id and field, English text) for every claim's ``claim`` and ``reason``."""
    items: list[dict[str, Any]] = yaml.safe_load(DATA.joinpath("claims.yaml").read_text(encoding="utf-8"))
    return [(f"{item['id']}.{field}", item[field]) for item in items for field in ("claim", "reason")]


TEXTS = _texts()


def test_claims_po_parses_with_babel() -> None:
    with CLAIMS_PO.open("rb") as fh:
        cat = read_po(fh, locale="ru", domain="claims")
    messages = [m for m in cat if m.id]
    assert messages, "claims.po has no messages"
    assert not [m.id for m in messages if m.fuzzy], "claims.po has fuzzy messages"
    assert str(cat.locale) == "ru"


def test_claim_texts_are_translated_to_russian() -> None:
    """Every claim and reason, translated, in Russian, same placeholders; all gaps listed at once."""
    assert len(TEXTS) > 400
    found = gaps(TEXTS, catalogue("ru"))
    assert not found, report(found, "translate them in ru/claims.po")


def test_every_claims_po_message_is_a_current_claim_text() -> None:
    """No stale messages: after a text in claims.yaml changes, claims.po must be regenerated."""
    with CLAIMS_PO.open("rb") as fh:
        ids = {str(m.id) for m in read_po(fh, locale="ru") if m.id}
    assert ids - {text for _, text in TEXTS} == set()
