"""Plain-language labels for codes, translated: the vocabulary's own descriptions, plus the few
code lists the vocabulary does not describe (sides, answers, verdicts, grades)."""

from __future__ import annotations

from crampcare.i18n import Translator
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
    },
    "triage": {
        "emergency": "Emergency: call the emergency number now",
        "urgent": "Urgent: be seen by a doctor today",
        "routine": "Routine: book an appointment with your GP",
        "self_care": "Self-care: you can look after this at home",
    },
}
SECTION_OF_QUESTION = {
    "sex": "sex",
    "cramps.side": "side",
    "lifestyle.activity": "activity",
    "cramps.timing": "cramp_timing",
    "cramps.locations": "cramp_locations",
    "conditions": "conditions",
}


# Differential reasons are engine features: a finding code, or "prefix:code" for other inputs.
FEATURE_SECTIONS = {"timing": "cramp_timing", "location": "cramp_locations", "condition": "conditions"}


def code_label(tr: Translator, section: str, code: str) -> str:
    """A short translated label for ``code`` of ``section`` (falls back to the code in words)."""
    if section == "feature":
        prefix, sep, rest = code.partition(":")
        if sep and prefix in FEATURE_SECTIONS:
            return code_label(tr, FEATURE_SECTIONS[prefix], rest)
        return code_label(tr, "findings", rest if sep else code)
    own = OWN_LABELS.get(section)
    if own is not None and code in own:
        return tr(own[code])
    text = vocabulary().get(section, {}).get(code) if section in vocabulary() else None
    if isinstance(text, str):
        return tr(text).rstrip(".")
    return code.replace("_", " ").capitalize()


def option_section(link_id: str) -> str:
    return "findings" if link_id.startswith("findings.") else SECTION_OF_QUESTION.get(link_id, link_id)
