"""Every UI text of the web app has a Russian translation, and the catalogue has no stale entries."""

from __future__ import annotations

from babel.messages.pofile import read_po

from crampcare.i18n import catalogue, translator
from crampcare.tooling.web_messages import ui_texts
from tests.i18n_gaps import gaps, placeholders, report


def test_every_ui_text_is_translated_to_russian() -> None:
    """Every UI text, translated, in Russian, same placeholders; all gaps listed at once."""
    texts = sorted(ui_texts())
    assert len(texts) > 100
    found = gaps([("web.po", text) for text in texts], catalogue("ru"))
    assert not found, report(found, "translate them in ru/web.po (python -m crampcare.tooling.web_messages)")


def test_placeholders_survive_translation() -> None:
    # The translator, not only the catalogue: a Russian text it returns keeps every placeholder.
    tr = translator("ru")
    wrong = [text for text in ui_texts() if placeholders(tr(text)) != placeholders(text)]
    assert not wrong, f"placeholders lost in translation: {wrong}"


def test_web_po_lists_exactly_the_ui_texts() -> None:
    from importlib import resources

    path = resources.files("crampcare.i18n").joinpath("locale", "ru", "LC_MESSAGES", "web.po")
    with path.open("rb") as fh:
        ids = {str(m.id) for m in read_po(fh, locale="ru") if m.id}
    assert ids == ui_texts(), "run python -m crampcare.tooling.web_messages"
