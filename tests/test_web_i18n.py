"""Every UI text of the web app has a Russian translation, and the catalogue has no stale entries."""

from __future__ import annotations

from babel.messages.pofile import read_po

from crampcare.i18n import catalogue, plural_catalogue, translator
from crampcare.tooling.web_messages import ui_plurals, ui_texts
from tests.i18n_gaps import gaps, placeholders, plural_gaps, report


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
    assert ids == {str(t) for t in ui_texts() | ui_plurals()}, "run python -m crampcare.tooling.web_messages"


def test_every_plural_ui_text_has_all_three_russian_forms() -> None:
    """``ngettext`` in templates, ``ntr`` in views: msgstr[0], [1] and [2] (1 ночь, 2 ночи, 5 ночей)."""
    assert ("{n} night", "{n} nights") in ui_plurals()  # the extractor finds template plurals
    found = plural_gaps([("web.po", p) for p in sorted(ui_plurals())], plural_catalogue("ru"))
    assert not found, report(found, "give them all three Russian forms in ru/web.po")
