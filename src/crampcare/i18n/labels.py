"""Plain, translated labels for the codes and features that appear in results.

Results carry codes (``restless_legs_syndrome``, ``lab:low_potassium``, ``urge_to_move_legs``);
people read words. The command line, the web app and the doctor report all label them here, so a
code reads the same everywhere and in every language.
"""

from __future__ import annotations

from crampcare.i18n import Translator
from crampcare.knowledge import KnowledgeBase
from crampcare.spec import vocabulary

# Features that are not vocabulary codes or thresholds, in words.
OWN_FEATURES: dict[str, str] = {
    "side:left": "left side",
    "side:right": "right side",
    "side:both": "both sides",
    "side:alternating": "changes sides",
    "side:unilateral": "one side only",
    "pregnancy:pregnant": "pregnancy",
    "pregnancy:postpartum": "recently gave birth",
    "activity:vigorous": "very active",
    "activity:moderate": "moderately active",
    "lifestyle:smoking": "smoking",
    "lifestyle:sedentary": "mostly sitting",
    "lifestyle:prolonged_standing": "long periods of standing",
    "lifestyle:prolonged_sitting": "long periods of sitting",
    "lifestyle:unaccustomed_exercise": "unaccustomed exercise",
    "lifestyle:heavy_sweating": "heavy sweating",
    "lifestyle:cold_exposure": "cold-water swimming",
}
SECTIONS = {
    "timing": "cramp_timing",
    "location": "cramp_locations",
    "condition": "conditions",
    "finding": "findings",
}


def _sentence_to_label(text: str) -> str:
    return text.rstrip(".")


def feature_label(kb: KnowledgeBase, feature: str, tr: Translator) -> str:
    """``urge_to_move_legs`` / ``finding:urge_to_move_legs`` / ``lab:low_potassium`` in words."""
    kind, sep, code = feature.partition(":")
    if not sep:  # the spec lists findings by their bare code
        kind, code = "finding", feature
    if feature in OWN_FEATURES:
        return tr(OWN_FEATURES[feature])
    section = SECTIONS.get(kind)
    if section:
        text = vocabulary()[section].get(code)
        if isinstance(text, str):
            return _sentence_to_label(tr(text))
    for t in kb.thresholds:
        if t.id == feature:
            return tr(t.label)
    if kind == "drug_class":
        return tr("medicine: {name}", name=code.replace("_", " "))
    return code.replace("_", " ")


def condition_label(kb: KnowledgeBase, code: str, tr: Translator) -> str:
    condition = kb.conditions.get(code)
    return tr(condition.name) if condition else code.replace("_", " ")


def test_label(kb: KnowledgeBase, code: str, tr: Translator) -> str:
    test = kb.tests.get(code)
    return tr(test.name) if test else code.replace("_", " ")
