"""Every UI text of the web app has a Russian translation, and the catalogue has no stale entries."""

from __future__ import annotations

from babel.messages.pofile import read_po

from crampcare.i18n import catalogue, plural_catalogue, translator
from crampcare.tooling.web_messages import ui_plurals, ui_texts


def test_every_ui_text_is_translated_to_russian() -> None:
    ru = catalogue("ru")
    missing = sorted(t for t in ui_texts() if not ru.get(t))
    assert not missing, (
        f"add Russian for these to web.po (python -m crampcare.tooling.web_messages): {missing}"
    )


def test_placeholders_survive_translation() -> None:
    import re

    tr = translator("ru")
    for text in ui_texts():
        wanted = set(re.findall(r"\{(\w+)\}", text))
        assert set(re.findall(r"\{(\w+)\}", tr(text))) == wanted, text


def test_web_po_lists_exactly_the_ui_texts() -> None:
    from importlib import resources

    path = resources.files("crampcare.i18n").joinpath("locale", "ru", "LC_MESSAGES", "web.po")
    with path.open("rb") as fh:
        ids = {str(m.id) for m in read_po(fh, locale="ru") if m.id}
    assert ids == {str(t) for t in ui_texts() | ui_plurals()}, "run python -m crampcare.tooling.web_messages"


def test_every_plural_ui_text_has_all_three_russian_forms() -> None:
    """``ngettext`` in templates, ``ntr`` in views: msgstr[0], [1] and [2] (1 ночь, 2 ночи, 5 ночей)."""
    plurals = plural_catalogue("ru")
    assert ("{n} night", "{n} nights") in ui_plurals()  # the extractor finds template plurals
    missing = sorted(p for p in ui_plurals() if len(plurals.get(p, ())) != 3)
    assert not missing, f"give these all three Russian forms in web.po: {missing}"
