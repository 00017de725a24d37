"""Plain, translated labels for the codes and features that appear in results.

Results carry codes (``restless_legs_syndrome``, ``lab:low_potassium``, ``urge_to_move_legs``);
people read words. The command line, the web app and the doctor report all label them here, so a
code reads the same everywhere and in every language.
"""

from __future__ import annotations

import logging

from crampcare.i18n import Translator, language_of
from crampcare.knowledge import KnowledgeBase
from crampcare.knowledge.drugs import Drug
from crampcare.spec import vocabulary

log = logging.getLogger(__name__)

OWN_LABELS: dict[str, dict[str, str]] = {
    "side": {"left": "Left", "right": "Right", "both": "Both", "alternating": "Changes sides"},
    "medication_change": {
        "started": "Started",
        "stopped": "Stopped",
        "dose_increased": "Dose increased",
        "dose_decreased": "Dose lowered",
    },
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


# How likely a differential entry is (present.py ranks them), in words.
LIKELIHOOD_WORDS: dict[str, str] = {
    "rule_out": "must be ruled out",
    "most_likely": "most likely",
    "possible": "possible",
    "less_likely": "less likely",
}
# The doctor report's words for the sex and an experiment's verdict (Russian in report.po).
SEX_WORDS: dict[str, str] = {
    "female": "female",
    "male": "male",
    "intersex": "intersex",
    "unknown": "not stated",
}
VERDICT_WORDS: dict[str, str] = {
    "likely_helps": "likely helps",
    "likely_no_effect": "likely no effect",
    "inconclusive": "inconclusive",
    "likely_harms": "likely harms",
}


def likelihood_label(code: str, tr: Translator) -> str:
    return tr(LIKELIHOOD_WORDS[code])


def sex_label(code: str, tr: Translator) -> str:
    return tr(SEX_WORDS.get(code, code))


def verdict_label(code: str, tr: Translator) -> str:
    return tr(VERDICT_WORDS.get(code, code))


# Features that are not vocabulary codes or thresholds, in words.
OWN_FEATURES: dict[str, str] = {
    "side:left": "left side",
    "side:right": "right side",
    "side:both": "both sides",
    "side:alternating": "changes sides",
    "side:unilateral": "one side only",
    "sex:female": "female",
    "sex:male": "male",
    "sex:intersex": "intersex",
    "sex:unknown": "sex not given",
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
    "lab:d_dimer_raised": "D-dimer blood test raised",
    "timing:exercise_only": "cramps only with exercise",
    "reported:cramps": "cramps reported",
    "medication:any_recognised": "takes a medicine",
    "medication:unrecognised": "a medicine we could not recognise",
    "medication:duplicate": "the same medicine or kind of medicine twice",
    "anticoagulant": "takes a blood thinner",
    "potassium_raising_drug": "takes a medicine that raises potassium",
    "drug_association:known": "takes a medicine known to cause cramps",
    "drug_association:possible": "takes a medicine that may cause cramps",
    "drug_association:listed": "takes a medicine known to cause cramps",
}

# Drug classes of the catalogue (drugs.yaml) in plain words; Russian in messages.po. A class added
# to the catalogue without a label here fails tests/test_labels.py.
DRUG_CLASS_LABELS: dict[str, str] = {
    "5_alpha_reductase_inhibitor": "prostate medicine (5-alpha-reductase inhibitor)",
    "ace_inhibitor": "ACE inhibitor (blood pressure medicine)",
    "alpha_blocker": "alpha-blocker (prostate or blood pressure medicine)",
    "alpha_glucosidase_inhibitor": "diabetes medicine (acarbose type)",
    "aminosalicylate": "bowel anti-inflammatory (mesalazine type)",
    "analgesic": "painkiller",
    "antacid": "antacid (for heartburn)",
    "antiandrogen": "anti-androgen hormone medicine",
    "antianginal": "angina medicine",
    "antiarrhythmic": "heart rhythm medicine",
    "antibiotic": "antibiotic",
    "anticoagulant": "blood thinner (anticoagulant)",
    "antidepressant": "antidepressant",
    "antidiarrhoeal": "medicine for diarrhoea",
    "antiemetic": "anti-sickness medicine",
    "antiepileptic": "epilepsy medicine",
    "antiflatulent": "medicine for wind and bloating",
    "antifungal": "antifungal medicine",
    "antihistamine": "antihistamine (allergy medicine)",
    "antimalarial": "antimalarial medicine",
    "antiplatelet": "antiplatelet medicine (aspirin type)",
    "antipsychotic": "antipsychotic medicine",
    "antispasmodic": "antispasmodic (for gut spasms)",
    "antithyroid": "medicine for an overactive thyroid",
    "antivertigo": "medicine for dizziness",
    "arb": "angiotensin receptor blocker (blood pressure medicine)",
    "arni": "heart failure medicine (sacubitril with valsartan)",
    "aromatase_inhibitor": "aromatase inhibitor (breast cancer medicine)",
    "bath_salt": "bath salt",
    "benzodiazepine": "benzodiazepine (sedative)",
    "beta3_agonist": "bladder medicine (mirabegron type)",
    "beta_blocker": "beta-blocker",
    "biguanide": "metformin (diabetes medicine)",
    "bile_acid": "bile acid medicine",
    "bisphosphonate": "bisphosphonate (bone-strengthening medicine)",
    "bladder_antimuscarinic": "medicine for an overactive bladder",
    "bone_antiresorptive": "bone-strengthening medicine",
    "carbonic_anhydrase_inhibitor": "carbonic anhydrase inhibitor (acetazolamide type)",
    "cardiac_glycoside": "digoxin-type heart medicine",
    "central_antihypertensive": "blood pressure medicine acting on the brain",
    "cholesterol_absorption_inhibitor": "cholesterol medicine (ezetimibe)",
    "cholinesterase_inhibitor": "dementia medicine (donepezil type)",
    "cinacalcet": "cinacalcet (parathyroid medicine)",
    "combined_oral_contraceptive": "combined contraceptive pill",
    "corticosteroid": "steroid (corticosteroid)",
    "dietary_supplement": "dietary supplement",
    "digestive_enzyme": "digestive enzymes",
    "dihydropyridine_ccb": "calcium channel blocker (amlodipine type)",
    "dopamine_agonist": "dopamine agonist (Parkinson's or restless legs medicine)",
    "dopaminergic": "Parkinson's medicine (levodopa type)",
    "dpp4_inhibitor": "diabetes medicine (gliptin)",
    "estrogen": "oestrogen (hormone)",
    "eye_drop": "eye drops",
    "fibrate": "fibrate (cholesterol medicine)",
    "gabapentinoid": "gabapentin or pregabalin",
    "glp1_agonist": "diabetes or weight-loss injection (GLP-1 type)",
    "gout_other": "gout medicine",
    "h2_antagonist": "stomach acid medicine (famotidine type)",
    "herbal_supplement": "herbal remedy",
    "homeopathic": "homeopathic remedy",
    "hormone_other": "hormone medicine",
    "hypnotic_other": "sleeping medicine",
    "immunosuppressant": "immune-suppressing medicine",
    "inhaled_anticholinergic": "inhaler that opens the airways (tiotropium type)",
    "inhaled_corticosteroid": "steroid inhaler",
    "insulin": "insulin",
    "iv_iron": "iron given into a vein",
    "laxative": "laxative",
    "leukotriene_antagonist": "asthma tablet (montelukast)",
    "lipid_modifying_other": "cholesterol medicine",
    "lithium": "lithium",
    "long_acting_beta_agonist": "long-acting inhaler that opens the airways",
    "loop_diuretic": "strong water tablet (loop diuretic, furosemide type)",
    "mao_b_inhibitor": "Parkinson's medicine (MAO-B inhibitor)",
    "meglitinide": "diabetes medicine (repaglinide type)",
    "metabolic_agent": "metabolic medicine",
    "methylxanthine": "theophylline-type breathing medicine",
    "mineral_supplement": "mineral supplement",
    "mineralocorticoid_receptor_antagonist": "spironolactone-type medicine",
    "mucolytic": "cough medicine that loosens mucus",
    "multivitamin": "multivitamin",
    "muscle_relaxant": "muscle relaxant",
    "naproxen": "naproxen (painkiller)",
    "nitrate": "nitrate (angina medicine)",
    "nmda_antagonist": "dementia medicine (memantine)",
    "non_dihydropyridine_ccb": "calcium channel blocker (diltiazem or verapamil)",
    "nootropic": "nootropic",
    "nsaid": "anti-inflammatory painkiller (NSAID)",
    "omega_3": "omega-3 fish oil",
    "opioid": "opioid painkiller",
    "oral_iron": "iron tablets",
    "other_cholinesterase_inhibitor": "cholinesterase inhibitor (pyridostigmine type)",
    "pcsk9_inhibitor": "cholesterol injection (evolocumab type)",
    "pde4_inhibitor": "PDE4 inhibitor (roflumilast type)",
    "pde5_inhibitor": "PDE5 inhibitor (sildenafil type)",
    "potassium_sparing_diuretic": "potassium-sparing water tablet",
    "potassium_supplement": "potassium supplement",
    "progestogen": "progestogen (hormone)",
    "prokinetic": "medicine that speeds up the stomach (domperidone type)",
    "proton_pump_inhibitor": "stomach acid medicine (proton pump inhibitor, omeprazole type)",
    "renin_inhibitor": "blood pressure medicine (aliskiren)",
    "sedative": "sedative",
    "fluoroquinolone": "antibiotic (ciprofloxacin type)",
    "maoi": "antidepressant (MAO inhibitor)",
    "triptan": "migraine medicine (triptan)",
    "serm": "raloxifene-type hormone medicine",
    "sglt2_inhibitor": "diabetes or heart medicine (gliflozin)",
    "short_acting_beta_agonist": "reliever inhaler (salbutamol type)",
    "snri": "antidepressant (venlafaxine or duloxetine type)",
    "ssri": "antidepressant (SSRI)",
    "statin": "statin (cholesterol medicine)",
    "sulfonylurea": "diabetes medicine (gliclazide type)",
    "teriparatide": "teriparatide (bone-building injection)",
    "thiazide_diuretic": "water tablet (thiazide type)",
    "thiazolidinedione": "diabetes medicine (pioglitazone)",
    "thyroid_hormone": "thyroid hormone (levothyroxine)",
    "topical_antibiotic": "antibiotic cream",
    "topical_counterirritant": "warming rub",
    "topical_heparin": "heparin gel",
    "topical_other": "cream or gel",
    "tricyclic_antidepressant": "tricyclic antidepressant (amitriptyline type)",
    "urate_lowering": "gout preventer (allopurinol type)",
    "vaginal_estrogen": "vaginal oestrogen",
    "vasodilator": "medicine that widens blood vessels",
    "vasopressin_analogue": "desmopressin-type medicine",
    "vasopressin_antagonist": "tolvaptan-type medicine",
    "venotonic": "vein medicine (venotonic)",
    "vitamin": "vitamin",
    "vitamin_b": "vitamin B",
    "vitamin_d": "vitamin D",
    "vitamin_d_analogue": "active vitamin D (alfacalcidol type)",
    "vitamin_k": "vitamin K",
    "z_drug": "sleeping tablet (zopiclone type)",
}

# Templates for the prefixes that wrap another feature (v2 medicine changes, absent findings...).
CHANGE_TEMPLATES: dict[str, str] = {
    "started": "{medicine}: started",
    "stopped": "{medicine}: stopped",
    "dose_increased": "{medicine}: dose increased",
    "dose_decreased": "{medicine}: dose lowered",
    "started_recently": "{medicine}: started in the last 12 weeks",
    "stopped_recently": "{medicine}: stopped in the last 12 weeks",
    "dose_increased_recently": "{medicine}: dose increased in the last 12 weeks",
    "dose_decreased_recently": "{medicine}: dose lowered in the last 12 weeks",
}
PREFIX_TEMPLATES: dict[str, str] = {
    "absent": "checked and not present: {what}",
    "takes": "already uses: {what}",
    "test": "test worth discussing: {what}",
}
SECTIONS = {
    "timing": "cramp_timing",
    "location": "cramp_locations",
    "condition": "conditions",
    "finding": "findings",
    "exposure": "exposures",
}


class MissingLabel(LookupError):
    """A code has no label for people. Tests must catch this; pages leave the item out."""


def code_words(code: str) -> str:
    """A code as the words it is made of (``thiazide_diuretic`` -> ``thiazide diuretic``).

    For clinicians (CDS cards) and as the last resort where a vocabulary text is missing; the one
    place such a fallback is written, so ``tests/test_text_for_people.py`` can hold every other.
    """
    return code.replace("_", " ")


def vocabulary_label(code: str, tr: Translator, sections: tuple[str, ...]) -> str:
    """The translated vocabulary text of ``code`` in the first of ``sections`` that has it."""
    for section in sections:
        found = _vocabulary_label(section, code, tr)
        if found is not None:
            return found
    return code_words(code)


def intervention_label(code: str, tr: Translator) -> str:
    """A short lower-case description of an intervention code, to put inside a sentence."""
    text = vocabulary_label(code, tr, ("recommendations",)).rstrip(".").split(";")[0]
    return text[:1].lower() + text[1:]


def _sentence_to_label(text: str) -> str:
    return text.rstrip(".")


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _drug(kb: KnowledgeBase, ingredient: str) -> Drug | None:
    for d in kb.drugs:
        if d.ingredient == ingredient:
            return d
    return None


def ingredient_label(kb: KnowledgeBase, ingredient: str, tr: Translator) -> str | None:
    """A medicine's ingredient as people of this language write it, or None when the catalogue
    has no name in that language (Russian: the first Cyrillic name; a combination from its parts)."""
    if language_of(tr) == "en":
        return ingredient
    d = _drug(kb, ingredient)
    if d is not None:
        for name in d.names:
            if _cyrillic(name):
                return name
    parts = [p.strip() for p in ingredient.split(" + ")]
    if len(parts) > 1:
        named = [ingredient_label(kb, p, tr) for p in parts]
        if all(named):
            return " + ".join(n for n in named if n)
    return None


def drug_label(kb: KnowledgeBase, ingredient: str, tr: Translator) -> str:
    """``drug:<ingredient>`` in words; without a translated name, its class in words."""
    name = ingredient_label(kb, ingredient, tr)
    if name:
        return name
    d = _drug(kb, ingredient)
    if d is None or not d.classes():
        raise MissingLabel(f"drug:{ingredient}")
    return drug_class_label(d.classes()[0], tr)


def drug_class_label(code: str, tr: Translator) -> str:
    text = DRUG_CLASS_LABELS.get(code)
    if text is None:
        raise MissingLabel(f"drug_class:{code}")
    return tr(text)


def _vocabulary_label(section: str, code: str, tr: Translator) -> str | None:
    text = vocabulary().get(section, {}).get(code)
    return _sentence_to_label(tr(text)) if isinstance(text, str) else None


def feature_label(kb: KnowledgeBase, feature: str, tr: Translator) -> str:
    """Any engine feature in words: ``urge_to_move_legs`` / ``finding:urge_to_move_legs`` /
    ``lab:low_potassium`` / ``started_recently:drug_class:statin`` ... Raises ``MissingLabel``
    rather than letting a code through."""
    kind, sep, code = feature.partition(":")
    if not sep:  # the spec lists findings by their bare code
        if feature in OWN_FEATURES:
            return tr(OWN_FEATURES[feature])
        kind, code = "finding", feature
    if feature in OWN_FEATURES:
        return tr(OWN_FEATURES[feature])
    section = SECTIONS.get(kind)
    if section:
        found = _vocabulary_label(section, code, tr)
        if found:
            return found
    for threshold in kb.thresholds:  # thresholds and patterns carry their own label
        if threshold.id == feature:
            return tr(threshold.label)
    for pattern in kb.patterns:
        if pattern.id == feature:
            return tr(pattern.label)
    if kind == "drug_class":
        return drug_class_label(code, tr)
    if kind == "drug":
        return drug_label(kb, code, tr)
    if kind in CHANGE_TEMPLATES:
        return tr(CHANGE_TEMPLATES[kind], medicine=feature_label(kb, code, tr))
    if kind == "absent":
        return tr(PREFIX_TEMPLATES[kind], what=feature_label(kb, f"finding:{code}", tr))
    if kind == "takes":
        what = _vocabulary_label("recommendations", code, tr)
        if what:
            return tr(PREFIX_TEMPLATES[kind], what=what)
    if kind == "test" and code in kb.tests:
        return tr(PREFIX_TEMPLATES[kind], what=test_label(kb, code, tr))
    raise MissingLabel(feature)


def safe_feature_label(kb: KnowledgeBase, feature: str, tr: Translator) -> str | None:
    """The label, or None (the caller leaves the item out) - never the raw code."""
    try:
        return feature_label(kb, feature, tr)
    except MissingLabel:
        log.warning("no label for feature %s", feature)
        return None


def condition_label(kb: KnowledgeBase, code: str, tr: Translator) -> str:
    condition = kb.conditions.get(code)
    if condition is None:
        raise MissingLabel(f"condition {code}")
    return tr(condition.name)


def test_label(kb: KnowledgeBase, code: str, tr: Translator) -> str:
    test = kb.tests.get(code)
    if test is None:
        raise MissingLabel(f"test {code}")
    return tr(test.name)


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
    "absent_findings": "findings",
    "exposures": "exposures",
    "medication_changes.change": "medication_change",
    "lifestyle.activity": "activity",
    "cramps.timing": "cramp_timing",
    "cramps.locations": "cramp_locations",
    "conditions": "conditions",
}


def option_section(link_id: str) -> str:
    return "findings" if link_id.startswith("findings.") else SECTION_OF_QUESTION.get(link_id, link_id)
