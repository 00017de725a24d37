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
