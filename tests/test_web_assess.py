"""The assessment pages: questionnaire with skip logic, result page, bad input, saving."""

from __future__ import annotations

import json
from typing import Any

from crampcare.assess import assess, parse_inputs
from crampcare.web import questionnaire as qn
from tests.web_support import EMERGENCY_FORM, SELF_CARE_FORM, Browser, app, new_client, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]


def test_form_covers_every_input_field_of_the_schema() -> None:
    from crampcare.spec import schema

    covered = {q.target for q in qn.all_questions()}
    leaves = {path for path, _ in qn._leaf_fields(schema("assessment-input"))}
    assert leaves <= covered | {"findings"}


def test_questionnaire_skips_what_does_not_apply(app: Any, owner: Browser) -> None:
    page = owner.get("/assess").text
    assert 'name="age_years"' in page and 'name="sex"' in page
    assert 'name="pregnancy.pregnant"' not in page  # sex not known yet
    assert 'name="findings.seizure"' not in page
    # Without JavaScript: "Update the questions" posts the answers so far.
    r = owner.post("/assess/questions", {"age_years": "30", "sex": "female"})
    assert r.status_code == 200 and 'name="pregnancy.pregnant"' in r.text
    assert 'value="30"' in r.text  # answers are kept
    r = owner.post("/assess/questions", {"sex": "male", "findings.danger": ["generalized_convulsions"]})
    assert 'name="pregnancy.pregnant"' not in r.text and 'name="findings.seizure"' in r.text
    # The questions that change others refresh through htmx.
    assert 'hx-post="/assess/questions"' in page and 'hx-select="#questions"' in page


def test_emergency_result_comes_first_and_cannot_be_missed(app: Any) -> None:
    visitor = new_client(app)  # no account needed to check one's cramps
    r = visitor.post("/assess", EMERGENCY_FORM)
    assert r.status_code == 200
    html = r.text
    banner = html.index('class="triage triage-emergency"')
    assert 'role="alert"' in html[banner : banner + 200]
    assert "Emergency: call the emergency number now" in html
    assert "Call 112" in html  # the numbers themselves, from the knowledge base
    assert banner < html.index("What it could be") if "What it could be" in html else True


def test_self_care_result_has_graded_recommendations_with_citations(app: Any) -> None:
    visitor = new_client(app)
    r = visitor.post("/assess", SELF_CARE_FORM)
    assert r.status_code == 200
    expected = assess(parse_inputs(qn.build_input(qn.read_form(_multidict(SELF_CARE_FORM)).answers))[0][0])
    assert f"triage-{expected.triage.level}" in r.text
    assert "What it could be" in r.text and "What to do now" in r.text
    for rec in expected.recommendations:
        assert f"grade-{rec.evidence}" in r.text
    # Badges carry words, not only colour; sources open to the full citation.
    assert any(
        w in r.text for w in ("Recommended", "Possibly helpful", "Not enough evidence", "Not recommended")
    )
    # References: numbered in the text, listed by a short name at the end, opening to the full citation.
    assert 'id="sources"' in r.text and "<summary>NICE CKS: Leg cramps</summary>" in r.text
    assert "data-print" in r.text


def test_the_same_result_as_the_cli(app: Any) -> None:
    answers = qn.read_form(_multidict(SELF_CARE_FORM)).answers
    data = qn.build_input(answers)
    assert qn.answers_from_input(data) == answers  # the form round-trips through the JSON input


def test_bad_answers_are_shown_next_to_their_field(app: Any) -> None:
    visitor = new_client(app)
    r = visitor.post("/assess", {"age_years": "abc", "sex": "female", "cramps.episodes_per_week": "-3"})
    assert r.status_code == 422
    assert 'id="age_years-error"' in r.text and "enter a number" in r.text
    r = visitor.post("/assess", {"age_years": "200", "sex": "female", "cramps.episodes_per_week": "-3"})
    assert r.status_code == 422
    assert 'id="age_years-error"' in r.text and "must be &lt;= 120" in r.text
    assert 'id="cramps-episodes_per_week-error"' in r.text
    r = visitor.post("/assess", {"age_years": "50"})
    assert r.status_code == 422 and 'id="sex-error"' in r.text


def test_save_to_diary_and_only_the_owner_sees_it(app: Any, owner: Browser) -> None:
    result = owner.post("/assess", SELF_CARE_FORM)
    assert "Save to my diary" in result.text
    stored = _hidden(result.text, "input_json")
    r = owner.post("/assess/save", {"input_json": stored})
    assert r.status_code == 303
    url = r.headers["location"]
    page = owner.get(url)
    assert page.status_code == 200 and "Delete this assessment" in page.text
    assert url in owner.get("/assessments").text
    # Back to the form with the answers filled in.
    back = owner.post("/assess/edit", {"input_json": stored})
    assert 'value="45"' in back.text
    # Anonymous visitors are sent to sign in; junk input is refused.
    assert new_client(app).get(url).status_code == 303
    assert owner.post("/assess/save", {"input_json": "{not json"}).status_code == 400


def test_result_in_russian(app: Any) -> None:
    visitor = new_client(app)
    visitor.post("/language", {"lang": "ru", "next": "/assess"})
    r = visitor.post("/assess", EMERGENCY_FORM)
    assert r.status_code == 200 and '<html lang="ru">' in r.text
    assert "Экстренно" in r.text


def _hidden(html: str, name: str) -> str:
    import html as html_lib
    import re

    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match
    value = html_lib.unescape(match.group(1))
    json.loads(value)
    return value


def _multidict(form: dict[str, Any]) -> Any:
    from starlette.datastructures import FormData

    items = [(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])]
    return FormData(items)


def test_form_asks_the_v2_items_in_both_languages(app: Any) -> None:
    visitor = new_client(app)
    page = visitor.get("/assess").text
    for name in ("exposures", "absent_findings", "medication_changes.medication", "findings.danger_more"):
        assert f'name="{name}"' in page, name
    for name in ("labs.ferritin_ug_l", "labs.d_dimer_raised", "vitals.oxygen_saturation_pct", "labs.inr"):
        assert f'name="{name}"' in page, name
    assert 'name="medication_changes.change"' not in page  # until a medicine is named
    r = visitor.post("/assess/questions", {"medication_changes.medication": "Atorvastatin"})
    assert 'name="medication_changes.change"' in r.text and 'name="medication_changes.weeks_ago"' in r.text
    visitor.client.cookies.set("cc_lang", "ru")
    ru = visitor.get("/assess").text
    assert "Ферритин" in ru and "Сатурация" in ru.replace("сатурация", "Сатурация")
    assert "Oxygen saturation" not in ru and "Ferritin" not in ru


def test_a_medicine_change_reaches_the_result(app: Any) -> None:
    visitor = new_client(app)
    form = {
        "age_years": "66",
        "sex": "male",
        "medication_changes.medication": "Atorvastatin",
        "medication_changes.change": "started",
        "medication_changes.weeks_ago": "3",
        "exposures": ["hot_environment"],
    }
    r = visitor.post("/assess", form)
    assert r.status_code == 200, r.text[:500]
    assert "Atorvastatin" in r.text and "Your medicines" in r.text


def test_findings_checked_and_absent_reach_the_input(app: Any) -> None:
    """``absent_findings`` sits in the "for your doctor" part of the form but is a shared question."""
    form = {"age_years": "70", "sex": "female", "absent_findings": ["weak_or_absent_foot_pulses"]}
    data = qn.build_input(qn.read_form(_multidict(form)).answers)
    assert data["absent_findings"] == ["weak_or_absent_foot_pulses"]
    assert new_client(app).post("/assess", form).status_code == 200
