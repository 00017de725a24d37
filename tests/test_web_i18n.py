"""Every UI text of the web app has a Russian translation, and the catalogue has no stale entries."""

from __future__ import annotations

from babel.messages.pofile import read_po

from crampcare.i18n import catalogue, translator
from crampcare.tooling.web_messages import ui_texts


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
    assert ids == ui_texts(), "run python -m crampcare.tooling.web_messages"
