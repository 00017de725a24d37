"""No text a person can see tells them to stop a medicine, in English or Russian (hazard H5).

The checker (``tests/stop_wording.py``) is itself tested: it must catch the unsafe wordings that
once passed, and leave the safe ones alone.
"""

from __future__ import annotations

import pytest

from tests.helpers import person, run
from tests.stop_wording import stop_advice, visible_texts

UNSAFE = [
    "Stop taking it for a week, then ask for a review",
    "Прекратите приём на неделю",
    "If the cramps are bad, stop taking your water tablets.",
    "Stop your statin and see whether the cramps go.",
    "Stop it for a week and see.",
    "Discontinue the inhaler if cramps continue.",
    "You could come off the statin for a month.",
    "Quit your blood pressure pills.",
    "Don't take your diuretic on hot days.",
    "Do not take them any more.",
    "Stop taking it until your doctor reviews it.",
    "Прекратить приём статина на месяц.",
    "Прекращайте приём, если судороги не проходят.",
    "Отмените мочегонное.",
    "Отменить препарат на неделю.",
    "Бросьте принимать таблетки.",
    "Перестаньте принимать статин.",
    "Не принимайте ваши таблетки от давления.",
    "Выбросьте эти таблетки.",
    "Stop Lipitor for two weeks.",
    "Discontinue furosemide.",
    "Отмените конкор.",
]

SAFE = [
    "Ask your doctor or pharmacist to review it; do not stop it on your own.",
    "Never stop or change a prescribed medicine on your own.",
    "Do not stop or change it on your own.",
    "Stopping smoking protects the leg arteries.",
    "Stop smoking.",
    "Stop the exercise and stretch the calf.",
    "If you drink heavily every day, ask for help before stopping suddenly.",
    "Do not take it without your anticoagulation clinic's advice.",
    "Не прекращайте приём самостоятельно.",
    "Никогда не прекращайте приём лекарства без врача.",
    "Бросьте курить.",
    "Отменить это нельзя.",
    "Не принимайте противовоспалительные обезболивающие.",
    "Не принимайте их, если врач не посоветовал.",
]


@pytest.mark.parametrize("text", UNSAFE)
def test_the_check_catches_stop_advice(text: str) -> None:
    assert stop_advice(text), f"not caught: {text!r}"


@pytest.mark.parametrize("text", SAFE)
def test_the_check_leaves_safe_wording_alone(text: str) -> None:
    assert stop_advice(text) == []


@pytest.mark.slow  # walks every text of every output kind
def test_the_check_sees_every_kind_of_text() -> None:
    """The gathered texts include each place a person reads: a check that reads nothing passes."""
    where = {w.split(":")[0].split(" ")[0] for w, _ in visible_texts()}
    for part in (
        "knowledge/data/rules.yaml",
        "knowledge/data/interventions.yaml",
        "knowledge/data/drugs.yaml",
        "knowledge/data/factors.yaml",
        "knowledge/data/claims.yaml",
        "web/auth.py",
        "web/templates/result.html",
        "report/report.typ",
        "cli/assess_text.py",
        "i18n/locale/ru/LC_MESSAGES/messages.po",
        "i18n/locale/ru/LC_MESSAGES/web.po",
    ):
        assert part in where, part
    texts = [t for _, t in visible_texts()]
    assert any("do not stop it on your own" in t for t in texts)
    assert any("самостоятельно" in t for t in texts)  # the Russian side is read too


def test_no_visible_text_tells_anyone_to_stop_a_medicine() -> None:
    found = [f"{where}: {phrase!r}" for where, text in visible_texts() for phrase in stop_advice(text)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_assessment_with_many_medicines_says_ask_not_stop(lang: str) -> None:
    """The texts an assessment puts together (with medicine notes and rule messages) stay safe."""
    result = run(
        person(
            cramps={"timing": ["night"]},
            medications=["Lasix", "Lipitor", "Symbicort", "Veroshpiron", "Omeprazole", "quinine 200 mg"],
            findings=["vomiting_or_diarrhoea"],
            age_years=80,
        ),
        lang,
    )
    payload = str(result.to_json())
    assert stop_advice(payload) == []
