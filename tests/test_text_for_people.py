"""Text a frightened person can use at 3 a.m., in English and Russian.

What is tested: no code, citation key or (in Russian) English word reaches a person; the triage box
and the things to do now come first; likelihood is said in words, not percentages; an input with
nothing reported says so; every feature the knowledge base can show has a label (a missing one
fails here rather than falling back to the raw code); implausible input is flagged.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from rich.console import Console

from crampcare import labels
from crampcare.assess import assess, parse_inputs
from crampcare.assess.models import AssessmentInput
from crampcare.cli.assess_text import render
from crampcare.i18n import translator
from crampcare.knowledge import load
from crampcare.knowledge.base import known_features
from crampcare.labels import MissingLabel, condition_label, feature_label
from crampcare.present import present, short_name
from crampcare.web import questionnaire as qn
from tests.test_assess_cli import VALID_INPUTS
from tests.web_support import EMERGENCY_FORM, SELF_CARE_FORM, app, new_client, sqlite_url

__all__ = ["app", "sqlite_url"]

KB = load()
CODE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\b[a-z_]+:[a-z_]+\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
# Latin-letter words Russian text may hold: the product's name, the standard name of a blood test,
# and vitamin letters (витамин D).
RU_ALLOWED = {"crampcare", "HbA1c", "D", "D3", "E", "K", "K2", "B", "B6", "b6", "C", "Q10", "q10"}
SOURCES_HEADING = {"en": "Sources", "ru": "Источники"}
REFERENCE_KEYS = set(KB.references)


def _person_features() -> set[str]:
    """Every feature the engine can derive or the knowledge base can name as a reason or factor."""
    names = known_features(KB)
    for c in KB.conditions.values():
        names |= {e.feature for e in c.evidence} | {e.feature for e in c.prior_multipliers}
    names |= {f.feature for f in KB.factors}
    return names


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_feature_condition_and_test_has_a_label(lang: str) -> None:
    tr = translator(lang)
    missing, latin = [], []
    for feature in sorted(_person_features()):
        try:
            text = feature_label(KB, feature, tr)
        except MissingLabel:
            missing.append(feature)
            continue
        assert text and text != feature and not CODE.search(text), (feature, text)
        if lang == "ru" and set(LATIN_WORD.findall(text)) - RU_ALLOWED:
            latin.append((feature, text))
    assert not missing, f"features without a label ({len(missing)}): {missing[:20]}"
    assert not latin, f"Russian labels with English words: {latin[:20]}"
    names = [condition_label(KB, code, tr) for code in KB.conditions]
    names += [labels.test_label(KB, code, tr) for code in KB.tests]
    for text in names:
        assert not CODE.search(text), text
        if lang == "ru":
            assert not set(LATIN_WORD.findall(text)) - RU_ALLOWED, text


def test_every_knowledge_text_a_person_reads_is_plain_russian() -> None:
    """Advice, warnings, explanations, test reasons and medicine notes: no English words in Russian."""
    texts = [i.text for i in KB.interventions.values()]
    texts += [p.reason for i in KB.interventions.values() for p in i.personal if p.reason]
    texts += [r.message for r in KB.rules] + [f.explanation for f in KB.factors]
    texts += [t.reason for t in KB.tests.values()]
    texts += [d.note for d in KB.drugs if d.note] + [s.text for d in KB.drugs for s in d.safety]
    ru = translator("ru")
    english = {
        text[:60]: words
        for text in texts
        if (words := set(LATIN_WORD.findall(re.sub(r"\{[a-z_]+\}", "", ru(text)))) - RU_ALLOWED)
    }
    assert not english, english


def test_a_missing_label_fails_instead_of_showing_the_code() -> None:
    tr = translator("en")
    for feature in ("drug_class:not_a_class", "brand_new_prefix:thing", "started:drug_class:not_a_class"):
        with pytest.raises(MissingLabel):
            feature_label(KB, feature, tr)


def test_drug_classes_read_as_plain_words_in_russian() -> None:
    ru = translator("ru")
    assert feature_label(KB, "drug_class:loop_diuretic", ru).startswith("сильное мочегонное")
    assert "омепразол" in feature_label(KB, "drug_class:proton_pump_inhibitor", ru)
    assert feature_label(KB, "started_recently:drug_class:statin", ru) == (
        "статин (лекарство от холестерина): начат приём за последние 12 недель"
    )
    assert feature_label(KB, "absent:chest_pain", ru).startswith("проверено, нет:")


def test_references_have_short_readable_names() -> None:
    assert short_name(KB.references["nice_cks_leg_cramps"]) == "NICE CKS: Leg cramps"
    assert short_name(KB.references["garrison_2012_arch_intern_med"]) == "Garrison 2012"
    for ref in KB.references.values():
        assert ref.key not in short_name(ref)


def _text(data: dict[str, Any], lang: str) -> str:
    inp = parse_inputs(data)[0][0]
    out = io.StringIO()
    console = Console(file=out, width=10_000, color_system=None, emoji=False, highlight=False)
    render(assess(inp, lang=lang), lang, console=console, inp=inp)
    return out.getvalue()


def _typed(data: dict[str, Any]) -> list[str]:
    """What the person typed themselves (medicine names): shown back as written."""
    typed = [str(m) for m in data.get("medications", [])]
    typed += [str(c.get("medication", "")) for c in data.get("medication_changes", [])]
    typed += [
        "".join(ch for ch in t if ch.isprintable()) for t in typed
    ]  # the terminal drops control characters
    return sorted((t for t in typed if t.strip()), key=len, reverse=True)


def _without_typed(text: str, data: dict[str, Any]) -> str:
    for t in _typed(data):
        text = text.replace(t, " ")
    return text


def assert_readable(text: str, data: dict[str, Any], lang: str) -> None:
    body, _, _sources = text.partition("\n" + SOURCES_HEADING[lang])
    body = _without_typed(body, data)
    typed_codes = {m for t in _typed(data) for m in CODE.findall(t)}
    assert not set(CODE.findall(body)) - typed_codes, CODE.findall(body)
    words = set(re.findall(r"\b\w+\b", body))
    assert not words & REFERENCE_KEYS, words & REFERENCE_KEYS
    assert not re.search(r"\d\s?%", body), "likelihood must be in words"
    if lang == "ru":
        typed_words = {w for t in _typed(data) for w in LATIN_WORD.findall(t)}
        latin = set(LATIN_WORD.findall(body)) - RU_ALLOWED - typed_words
        assert not latin, (latin, data)


def assert_order(text: str, lang: str) -> None:
    """The triage box, then what to do now, before anything else."""
    tr = translator(lang)
    now = text.find(tr("What to do now"))
    could = text.find(tr("What it could be"))
    first_box_line = text.lstrip().splitlines()[0]
    self_care = tr("Self-care: you can look after this at home").upper() in first_box_line
    assert could >= 0 and (0 <= now < could or (now < 0 and self_care)), (now, could)
    assert any(
        tr(h).upper() in first_box_line
        for h in (
            "Emergency: call the emergency number now",
            "Urgent: be seen by a doctor today",
            "Routine: book an appointment with your GP",
            "Self-care: you can look after this at home",
        )
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_INPUTS)
def test_text_output_has_no_codes_and_leads_with_what_to_do(data: dict[str, Any]) -> None:
    for lang in ("en", "ru"):
        text = _text(data, lang)
        assert_readable(text, data, lang)
        assert_order(text, lang)


def test_a_typical_case_in_russian_has_no_english_and_words_for_likelihood() -> None:
    data = {
        "age_years": 72,
        "sex": "female",
        "cramps": {"timing": ["night"], "locations": ["calf"]},
        "findings": ["visible_or_palpable_knot", "relieved_by_stretching"],
        "medications": ["Furosemide 40 mg", "omeprazole"],
        "labs": {"potassium_mmol_l": 3.3},
    }
    text = _text(data, "ru")
    assert_readable(text, data, "ru")
    assert "наиболее вероятно" in text and "ночные судороги" in text.lower()
    assert "loop diuretic" not in text and "age:older_adult" not in text
    assert "NICE CKS: Leg cramps" in text.partition("Источники")[2]  # references by name, at the end


def test_empty_input_says_nothing_was_reported_instead_of_guessing() -> None:
    for lang, words in (
        ("en", "You have not told us about any symptoms yet"),
        ("ru", "Вы пока не рассказали"),
    ):
        text = _text({"age_years": 40, "sex": "male"}, lang)
        assert words in text
        assert "Night-time" not in text and "Ночные судороги" not in text


def test_dangerous_conditions_named_by_red_flags_read_must_be_ruled_out() -> None:
    inp = AssessmentInput.model_validate(
        {"age_years": 58, "sex": "male", "findings": ["unilateral_calf_swelling", "calf_warmth_redness"]}
    )
    view = present(assess(inp), inp)
    flagged = {f.condition for f in assess(inp).red_flags if f.condition}
    assert flagged, "the calf signs must fire a red flag"
    names = {condition_label(KB, c, translator("en")) for c in flagged}
    for c in view.differential:
        if c.name in names:
            assert c.likelihood == "must be ruled out"  # never "less likely" next to a clot


def test_emergency_actions_come_first_in_the_text() -> None:
    data = {
        "age_years": 58,
        "sex": "male",
        "findings": ["chest_pain", "shortness_of_breath", "unilateral_calf_swelling"],
    }
    text = _text(data, "en")
    now = text.index("What to do now")
    assert now < text.index("Call the emergency number (112", now) < text.index("What it could be")


# --- input warnings -----------------------------------------------------------------------------

WARNING_CASES = [
    ({"age_years": 70, "sex": "female", "pregnancy": {"pregnant": True}}, "pregnancy"),
    ({"age_years": 8, "sex": "female", "pregnancy": {"pregnant": True}}, "pregnancy"),
    ({"age_years": 30, "sex": "male", "pregnancy": {"pregnant": True, "weeks": 30}}, "pregnancy"),
    ({"age_years": 30, "sex": "female", "pregnancy": {"pregnant": False, "weeks": 30}}, "pregnancy.weeks"),
    (
        {"age_years": 30, "sex": "female", "pregnancy": {"pregnant": True, "postpartum_weeks": 2}},
        "pregnancy.postpartum_weeks",
    ),
    (
        {"age_years": 9, "sex": "male", "lifestyle": {"alcohol_units_per_week": 10}},
        "lifestyle.alcohol_units_per_week",
    ),
    ({"age_years": 11, "sex": "male", "lifestyle": {"smoker": True}}, "lifestyle.smoker"),
    (
        {"age_years": 40, "sex": "male", "lifestyle": {"alcohol_units_per_week": 300}},
        "lifestyle.alcohol_units_per_week",
    ),
    ({"age_years": 10, "sex": "male", "cramps": {"weeks_since_onset": 1000}}, "cramps.weeks_since_onset"),
]


@pytest.mark.parametrize(("data", "field"), WARNING_CASES)
def test_implausible_input_is_flagged_in_both_languages(data: dict[str, Any], field: str) -> None:
    inp = parse_inputs(data)[0][0]
    for lang in ("en", "ru"):
        result = assess(inp, lang=lang)
        assert result.input_warnings, data
        assert field in {w.field for w in result.input_warnings}
        assert "input_warnings" in result.to_json()
        text = _text(data, lang)
        for w in result.input_warnings:
            assert w.message in text
        if lang == "ru":
            assert all(re.search("[а-я]", w.message) for w in result.input_warnings)


def test_plausible_input_has_no_warnings() -> None:
    for data in (
        {"age_years": 30, "sex": "female", "pregnancy": {"pregnant": True, "weeks": 30}},
        {"age_years": 70, "sex": "male", "lifestyle": {"alcohol_units_per_week": 20, "smoker": True}},
        {"age_years": 15, "sex": "female"},
    ):
        result = assess(parse_inputs(data)[0][0])
        assert result.input_warnings is None and "input_warnings" not in result.to_json()


def test_contradictory_pregnancy_answers_take_the_safer_reading() -> None:
    """Pregnancy-related danger is still considered: severe headache with high blood pressure in
    someone who said "male" but also gave 34 weeks of pregnancy is triaged as for a pregnant woman,
    with eclampsia in the differential, never as for a man."""
    danger = {
        "age_years": 30,
        "findings": ["severe_headache", "visual_disturbance"],
        "vitals": {"systolic_mmhg": 170, "diastolic_mmhg": 112},
    }
    consistent = assess(
        parse_inputs({**danger, "sex": "female", "pregnancy": {"pregnant": True, "weeks": 34}})[0][0]
    )
    as_man = assess(parse_inputs({**danger, "sex": "male"})[0][0])
    assert "eclampsia" not in {d.condition for d in as_man.differential}
    for contradiction in (
        {"sex": "male", "pregnancy": {"pregnant": True, "weeks": 34}},
        {"sex": "female", "pregnancy": {"pregnant": False, "weeks": 34}},
    ):
        result = assess(parse_inputs({**danger, **contradiction})[0][0])
        assert result.triage.level == consistent.triage.level, contradiction
        assert "eclampsia" in {d.condition for d in result.differential}
        assert result.input_warnings


# --- the web result page --------------------------------------------------------------------------


def _form(data: dict[str, Any]) -> dict[str, Any]:
    answers = qn.answers_from_input(data)
    form: dict[str, Any] = {}
    for q in qn.all_questions():
        if q.link_id in answers:
            value = qn.form_value(q, answers)
            form[q.link_id] = value
    return form


def _page_text(html: str) -> str:
    start = html.find("<main")
    body = html[html.index(">", start) + 1 :] if start >= 0 else html
    body = body.split("</main>", 1)[0].split('<section id="sources"', 1)[0]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<input type="hidden"[^>]*>', " ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    import html as h

    return h.unescape(body)


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("form", [EMERGENCY_FORM, SELF_CARE_FORM, {"age_years": "40", "sex": "male"}])
def test_web_result_page_is_readable(app: Any, form: dict[str, Any], lang: str) -> None:
    visitor = new_client(app)
    visitor.client.cookies.set("cc_lang", lang)
    r = visitor.post("/assess", form)
    assert r.status_code == 200
    html = r.text
    could = html.index(translator(lang)("What it could be"))
    assert html.index('id="triage"') < could
    if "triage-self_care" not in html:
        assert html.index('id="triage"') < html.index('id="actions"') < could
    text = _page_text(html)
    data = qn.build_input(qn.read_form(_multidict(form)).answers)
    assert_readable(text.replace("\n", " "), data, lang)
    if form is not SELF_CARE_FORM and form is not EMERGENCY_FORM:
        assert 'id="nothing-reported"' in html


def _multidict(form: dict[str, Any]) -> Any:
    from starlette.datastructures import FormData

    items = [(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])]
    return FormData(items)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(VALID_INPUTS)
def test_web_result_page_has_no_codes_for_any_input(app: Any, data: dict[str, Any]) -> None:
    form = _form(data)
    shown = qn.build_input(qn.read_form(_multidict(form)).answers)
    for lang in ("en", "ru"):
        visitor = new_client(app)
        visitor.client.cookies.set("cc_lang", lang)
        r = visitor.post("/assess", form)
        if r.status_code != 200:  # answers the form cannot hold (checked elsewhere)
            return
        assert_readable(_page_text(r.text), shown, lang)


def test_medicine_names_follow_the_language_of_the_translator() -> None:
    from crampcare.labels import ingredient_label

    assert ingredient_label(KB, "furosemide", translator(lang="ru")) == "фуросемид"
    assert ingredient_label(KB, "furosemide", translator("en")) == "furosemide"
