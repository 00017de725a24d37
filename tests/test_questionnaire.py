"""The questionnaire: one list of questions with skip logic, asked on a terminal by the CLI."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

from crampcare.assess import parse_inputs
from crampcare.assess.questions import enabled, questions, to_input
from crampcare.cli.questionnaire import ask
from crampcare.spec import codes


def test_every_input_of_the_spec_can_be_answered() -> None:
    targets = {q.target.split(".")[0] for q in questions()}
    assert {
        "age_years",
        "sex",
        "pregnancy",
        "cramps",
        "findings",
        "conditions",
        "medications",
        "lifestyle",
    } <= targets
    asked_findings = {o for q in questions() if q.target == "findings" for o in q.options}
    assert asked_findings == codes("findings")


def test_pregnancy_questions_only_for_women() -> None:
    weeks = next(q for q in questions() if q.link_id == "pregnancy.pregnant")
    assert enabled(weeks, {"sex": "female"})
    assert not enabled(weeks, {"sex": "male"})
    seizure = next(q for q in questions() if q.link_id == "findings.seizure")
    assert not enabled(seizure, {"findings.danger": ["chest_pain"]})
    assert enabled(seizure, {"findings.danger": ["loss_of_consciousness"]})


def test_answers_become_a_valid_input() -> None:
    answers = {
        "age_years": 70,
        "sex": "female",
        "cramps.timing": ["night"],
        "findings.cramp": ["visible_or_palpable_knot"],
        "findings.danger": ["fever"],
        "medications": ["Lasix"],
        "lifestyle.smoker": False,
    }
    data = to_input(answers)
    findings = data.pop("findings")
    assert data == {
        "age_years": 70,
        "sex": "female",
        "cramps": {"timing": ["night"]},
        "medications": ["Lasix"],
        "lifestyle": {"smoker": False},
    }
    assert set(findings) == {"fever", "visible_or_palpable_knot"}
    data["findings"] = findings
    parse_inputs(data)  # valid against the spec schema


def scripted(answers: list[str]) -> Iterator[str]:
    yield from answers
    while True:  # every further question is skipped
        yield ""


def test_terminal_questionnaire_asks_and_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drive the real prompts: a man (no pregnancy questions), night calf cramps, a knot."""
    script = scripted(["abc", "72", "2"])  # "2": the second option, male
    asked: list[str] = []

    def fake_input(self: Console, prompt: Any = "", **_: Any) -> str:
        asked.append(str(prompt))
        return next(script)

    monkeypatch.setattr(Console, "input", fake_input)
    monkeypatch.setattr("rich.prompt.Confirm.ask", classmethod(lambda cls, *a, **k: False))
    data = ask("en", console=Console(file=io.StringIO(), force_terminal=False))
    assert data["age_years"] == 72 and data["sex"] == "male"
    assert not any("pregnant" in p for p in asked)
    parse_inputs(data)


# --- v2 items: exposures, medicine changes, findings checked and absent ---------------------------


def test_v2_items_are_asked_with_skip_logic() -> None:
    by_id = {q.link_id: q for q in questions()}
    assert set(by_id["exposures"].options) == {
        "liquorice_large_amounts",
        "hot_environment",
        "long_haul_travel",
        "recreational_stimulants",
        "laxative_or_diuretic_misuse",
        "high_water_intake_during_exercise",
        "night_shift_work",
        "spider_bite_or_sting",
        "intramuscular_injection",
    }
    assert "weak_or_absent_foot_pulses" in by_id["absent_findings"].options
    change = by_id["medication_changes.change"]
    assert not enabled(change, {})  # asked only once a medicine is named
    assert enabled(change, {"medication_changes.medication": ["Atorvastatin"]})
    # The danger signs are two lists, neither longer than a person can take in at once.
    assert len(by_id["findings.danger"].options) <= 15 and len(by_id["findings.danger_more"].options) <= 15
    assert "chest_pain" in by_id["findings.danger"].options


def test_v2_answers_become_a_valid_input_and_back() -> None:
    from crampcare.web import questionnaire as qn

    answers = {
        "age_years": 66,
        "sex": "male",
        "medications": ["Atorvastatin 40 mg"],
        "medication_changes.medication": ["Atorvastatin", "Lasix"],
        "medication_changes.change": "started",
        "medication_changes.weeks_ago": 3,
        "exposures": ["hot_environment"],
        "absent_findings": ["weak_or_absent_foot_pulses"],
    }
    data = to_input(answers)
    assert data["medication_changes"] == [
        {"medication": "Atorvastatin", "change": "started", "weeks_ago": 3},
        {"medication": "Lasix", "change": "started", "weeks_ago": 3},
    ]
    assert data["exposures"] == ["hot_environment"] and data["absent_findings"] == [
        "weak_or_absent_foot_pulses"
    ]
    parse_inputs(data)
    assert qn.answers_from_input(data) == answers


def test_v2_items_round_trip_through_fhir() -> None:
    from crampcare.fhir.questionnaire import input_to_response, response_to_input

    data = {
        "age_years": 66,
        "sex": "male",
        "medication_changes": [{"medication": "Atorvastatin", "change": "dose_increased", "weeks_ago": 2}],
        "exposures": ["long_haul_travel"],
        "absent_findings": ["fever"],
    }
    assert response_to_input(input_to_response(data)) == data
