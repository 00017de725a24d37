"""Plain, translated labels for the codes and features that appear in results.

Results carry codes (``restless_legs_syndrome``, ``lab:low_potassium``, ``urge_to_move_legs``);
people read words. The command line, the web app and the doctor report all label them here, so a
code reads the same everywhere and in every language.
"""

from __future__ import annotations

from crampcare.i18n import Translator
from crampcare.knowledge import KnowledgeBase
from crampcare.spec import vocabulary

OWN_LABELS: dict[str, dict[str, str]] = {
    "side": {"left": "Left", "right": "Right", "both": "Both", "alternating": "Changes sides"},
    "sex": {"female": "Female", "male": "Male", "intersex": "Intersex", "unknown": "Prefer not to say"},
    "activity": {"sedentary": "Mostly sitting", "moderate": "Moderately active", "vigorous": "Very active"},
    "grade": {
        "recommended": "Recommended",
        "possibly_helpful": "Possibly helpful",
        "insufficient_evidence": "Not enough evidence",
        "not_recommended": "Not recommended",
    },
    "verdict": {
        "supported": "Supported",
        "partly": "Partly true",
        "unsupported": "Not supported",
        "wrong": "Wrong",
        "unsafe": "Unsafe",
    },
    "association": {
        "known": "Known to cause cramps",
        "possible": "May cause cramps",
        "none": "No known link",
    },
    "relief": {
        "stretch": "Stretching",
        "walk": "Walking",
        "massage": "Massage",
        "heat": "Heat",
        "other": "Other",
    },
    "experiment_verdict": {
        "likely_helps": "It likely helps you",
        "likely_no_effect": "It likely makes no difference",
        "inconclusive": "Not clear yet",
        "likely_harms": "Your cramps were likely worse with it",
    },
    "topic": {
        "cause": "Causes",
        "symptom": "Symptoms",
        "first_aid": "First aid",
        "treatment": "Treatment",
        "remedy": "Home remedies",
        "diet": "Diet",
        "prevention": "Prevention",
        "epidemiology": "Who gets cramps",
        "diagnosis": "Diagnosis",
    },
    "nutrient": {"magnesium": "Magnesium", "potassium": "Potassium", "calcium": "Calcium"},
    "event": {
        "account_created": "Account created",
        "sign_in": "Signed in",
        "sign_in_failed": "Failed sign-in",
        "sign_out": "Signed out",
        "password_changed": "Password changed",
        "export": "Export",
        "import": "Import",
        "episode_deleted": "Cramp deleted",
        "day_log_deleted": "Evening deleted",
        "experiment_deleted": "Experiment deleted",
        "assessment_deleted": "Assessment deleted",
        "account_deleted": "Account deleted",
        "signups_opened": "Sign-ups opened",
        "signups_closed": "Sign-ups closed",
        "password_check_failed": "Wrong password given",
        "owner_assigned": "Became the owner",
        "reset_requested": "Reset link asked for by e-mail",
        "reset_link_made": "Reset link made",
        "password_reset": "Password reset with a link",
    },
    "triage": {
        "emergency": "Emergency: call the emergency number now",
        "urgent": "Urgent: be seen by a doctor today",
        "routine": "Routine: book an appointment with your GP",
        "self_care": "Self-care: you can look after this at home",
    },
}


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
    for threshold in kb.thresholds:
        if threshold.id == feature:
            return tr(threshold.label)
    for pattern in kb.patterns:
        if pattern.id == feature:
            return tr(pattern.label)
    if kind == "drug_class":
        return tr("medicine: {name}", name=code.replace("_", " "))
    return code.replace("_", " ")


def condition_label(kb: KnowledgeBase, code: str, tr: Translator) -> str:
    condition = kb.conditions.get(code)
    return tr(condition.name) if condition else code.replace("_", " ")


def test_label(kb: KnowledgeBase, code: str, tr: Translator) -> str:
    test = kb.tests.get(code)
    return tr(test.name) if test else code.replace("_", " ")


def code_label(tr: Translator, section: str, code: str) -> str:
    """A short translated label for ``code`` of a vocabulary ``section`` or of ``OWN_LABELS``;
    section ``feature`` labels an engine feature (a differential reason)."""
    if section == "feature":
        from crampcare.knowledge import load

        return feature_label(load(), code, tr)
    own = OWN_LABELS.get(section)
    if own is not None and code in own:
        return tr(own[code])
    text = vocabulary().get(section, {}).get(code) if section in vocabulary() else None
    if isinstance(text, str):
        return tr(text).rstrip(".")
    return code.replace("_", " ").capitalize()


# The vocabulary section (or OWN_LABELS table) that labels each question's answer options.
SECTION_OF_QUESTION = {
    "sex": "sex",
    "cramps.side": "side",
    "lifestyle.activity": "activity",
    "cramps.timing": "cramp_timing",
    "cramps.locations": "cramp_locations",
    "conditions": "conditions",
}


def option_section(link_id: str) -> str:
    return "findings" if link_id.startswith("findings.") else SECTION_OF_QUESTION.get(link_id, link_id)
