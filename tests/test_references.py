"""References say how and when they were checked; ``kb check --strict`` refuses unchecked ones."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import crampcare.knowledge as knowledge
from crampcare.cli import app
from crampcare.knowledge import load
from crampcare.knowledge.references import Reference, unverified

RUNNER = CliRunner()
BASE: dict[str, Any] = {"key": "some_trial_2020", "kind": "article", "title": "A trial", "year": 2020}


def _ref(**extra: Any) -> Reference:
    return Reference.model_validate({**BASE, **extra})


def test_a_verification_says_how_and_when() -> None:
    ref = _ref(verified="DOI and PMID in the PubMed record (stored copy), 2026-12-02")
    assert ref.checked
    assert ref.citation().endswith("[checked: DOI and PMID in the PubMed record (stored copy), 2026-12-02]")


@pytest.mark.parametrize(
    "bad",
    [
        True,  # a bare yes cannot be repeated by the next reviewer
        "PubMed record",  # no date
        "PubMed record, 2026-13-02",  # not a date
        "2026-12-02",  # a date but not how
    ],
)
def test_a_verification_without_how_or_date_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        _ref(verified=bad)


def test_an_unchecked_reference_says_so_and_is_the_default() -> None:
    ref = _ref(note="Authors from memory.")
    assert not ref.checked and ref.verified is False
    assert ref.citation().endswith("[not yet checked against the source]")
    assert not _ref(verified=False).checked


def test_unverified_lists_only_the_unchecked_keys() -> None:
    refs = [_ref(key="checked_one", verified="Crossref record, 2026-12-02"), _ref(key="unchecked_one")]
    found = unverified(refs)
    assert len(found) == 1 and "unchecked_one" in found[0]
    assert unverified(refs[:1]) == []


def _with_references(monkeypatch: pytest.MonkeyPatch, refs: list[Reference]) -> None:
    """Make the CLI see the real knowledge base with only ``refs`` as its references."""
    kb = load().model_copy(update={"references": {r.key: r for r in refs}})
    monkeypatch.setattr(knowledge, "load", lambda: kb)


def test_kb_check_strict_fails_on_an_unverified_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    refs = [_ref(key="checked_one", verified="PubMed, 2026-12-02"), _ref(key="unchecked_one")]
    _with_references(monkeypatch, refs)
    strict = RUNNER.invoke(app, ["kb", "check", "--strict"])
    assert strict.exit_code == 1
    assert "unchecked_one" in strict.stderr and "references: checked_one " not in strict.stderr
    assert "1 of 2 references not yet checked" in strict.stderr
    plain = RUNNER.invoke(app, ["kb", "check"])  # plain check keeps its old behaviour
    assert plain.exit_code == 0 and "knowledge base ok" in plain.stdout


def test_kb_check_strict_passes_when_every_reference_is_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_references(monkeypatch, [_ref(key="checked_one", verified="PubMed, 2026-12-02")])
    out = RUNNER.invoke(app, ["kb", "check", "--strict"])
    assert out.exit_code == 0 and "knowledge base ok" in out.stdout


def test_kb_cite_shows_the_verification() -> None:
    out = RUNNER.invoke(app, ["kb", "cite", "aan_2010_katzberg"])
    assert out.exit_code == 0 and "[checked: " in out.stdout and "20177124" in out.stdout


def test_aan_levels_are_quoted_in_the_grades() -> None:
    """AAN 2010 (Katzberg et al., Neurology 74:691): vitamin B complex, naftidrofuryl and
    calcium channel blockers such as diltiazem are Level C (possibly effective); quinine Level A
    but to be avoided for routine use. A grade citing the guideline must say so."""
    kb = load()
    for code in ("vitamin_b_complex", "diltiazem", "naftidrofuryl"):
        text = kb.interventions[code].text
        assert "Level C" in text and "possibly effective" in text, code
        assert kb.interventions[code].grade == "insufficient_evidence", code
    quinine = kb.interventions["quinine"]
    assert "Level A" in quinine.text and "routine use" in quinine.text
    assert quinine.grade == "not_recommended"


def test_vitamin_k2_text_does_not_assert_an_unverified_retraction() -> None:
    kb = load()
    k2 = kb.interventions["vitamin_k2"]
    assert "retract" not in k2.text.lower()
    assert k2.grade == "insufficient_evidence"
    assert "2025.2160" not in (kb.references["tan_2024_vitamin_k2"].doi or "")


def test_every_reference_of_the_shipped_knowledge_base_is_checked() -> None:
    # The real knowledge base, not a patched one: `kb check --strict` passes and no reference is
    # left `verified: false` (make test runs the same command as `make kbcheck`).
    assert unverified(load().references.values()) == []
    result = CliRunner().invoke(app, ["kb", "check", "--strict"])
    assert result.exit_code == 0, result.output


def test_the_uncheckable_references_that_were_replaced_are_gone() -> None:
    # Loading fails on a citation of a missing key, so the replacements are cited; the old keys are gone.
    kb = load()
    gone = {
        "nice_cks_rls",
        "nice_cks_lithium",
        "bnf_lithium",
        "bnf_monographs",
        "bnf_nsaids",
        "nice_cks_hyponatraemia",
        "statpearls_hypernatremia",
        "statpearls_hypermagnesemia",
        "nice_cks_anticoagulation_oral",
        "nice_cks_statin_myopathy",
        "nice_cks_giant_cell_arteritis",
        "nice_cks_headache_assessment",
        "nice_cks_hyperthyroidism",
        "nice_cks_sickle_cell",
        "chan_1998_vitamin_b",
        "who_icd10_2019",
        "who_atc_index",
        "troxevasin_neo_label",
    }
    assert not gone & set(kb.references)
