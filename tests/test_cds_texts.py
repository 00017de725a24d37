"""The CDS card texts live in the knowledge base (``cds.yaml``), checked on load, translated to Russian."""

from __future__ import annotations

from crampcare.i18n import catalogue
from crampcare.knowledge import load
from crampcare.knowledge.cds_texts import CDS_TEXTS, CdsText, check_cds_texts, placeholders


def test_every_card_text_is_in_the_knowledge_base_with_its_placeholders() -> None:
    kb = load()
    assert kb.cds_texts.keys() == CDS_TEXTS.keys()
    for key, text in kb.cds_texts.items():
        assert placeholders(text) == CDS_TEXTS[key], key


def test_a_missing_text_or_a_renamed_placeholder_is_a_knowledge_problem() -> None:
    texts = [CdsText(id=key, text=load().cds_texts[key]) for key in CDS_TEXTS if key != "disclaimer"]
    texts = [t if t.id != "red_flag_summary" else CdsText(id=t.id, text="Red flag: {msg}") for t in texts]
    texts.append(CdsText(id="unused_text", text="Hello"))
    problems = check_cds_texts(texts)
    assert "cds.yaml: text 'disclaimer' is missing" in problems
    assert any(p.startswith("cds.yaml (red_flag_summary): placeholders must be message") for p in problems)
    assert "cds.yaml (unused_text): not a text the CDS cards use" in problems


def test_every_card_text_has_a_russian_translation_with_the_same_placeholders() -> None:
    ru = catalogue("ru")
    for key, text in load().cds_texts.items():
        assert ru.get(text), f"{key}: no Russian translation"
        assert placeholders(ru[text]) == placeholders(text), key
