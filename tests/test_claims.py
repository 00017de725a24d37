"""The graded claims of the source article (``data/claims.yaml``) and their references.

Claims and references are validated directly with the pydantic models, so these tests do not
depend on the rest of the knowledge base. The CLI test needs the whole knowledge base to load
(``crampcare kb claims`` calls ``load()``).
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any, get_args

import pytest
import yaml

from crampcare.knowledge.claims import Claim, ClaimTopic, Verdict
from crampcare.knowledge.references import Reference

DATA = resources.files("crampcare.knowledge.data")


def _yaml(path: str) -> Any:
    return yaml.safe_load(DATA.joinpath(path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    return [Claim.model_validate(item) for item in _yaml("claims.yaml")]


@pytest.fixture(scope="module")
def references() -> dict[str, Reference]:
    """Every reference in every file under ``references/``; duplicate keys fail the test."""
    seen: dict[str, Reference] = {}
    duplicates: list[str] = []
    for entry in sorted(DATA.joinpath("references").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        for item in yaml.safe_load(entry.read_text(encoding="utf-8")) or []:
            ref = Reference.model_validate(item)
            if ref.key in seen:
                duplicates.append(f"{entry.name}: {ref.key}")
            seen[ref.key] = ref
    assert not duplicates, f"duplicate reference keys: {duplicates}"
    return seen


def _by_id(claims: list[Claim]) -> dict[str, Claim]:
    return {c.id: c for c in claims}


def test_enough_claims_with_unique_ids(claims: list[Claim]) -> None:
    assert len(claims) >= 120
    counts = Counter(c.id for c in claims)
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_claim_is_complete(claims: list[Claim]) -> None:
    topics, verdicts = set(get_args(ClaimTopic)), set(get_args(Verdict))
    for c in claims:
        assert c.topic in topics, c.id
        assert c.verdict in verdicts, c.id
        assert len(c.claim.strip()) > 10, c.id
        assert len(c.reason.strip()) > 10, c.id
        assert c.sources, f"{c.id} names no source"


def test_claims_cover_every_topic(claims: list[Claim]) -> None:
    assert {c.topic for c in claims} == set(get_args(ClaimTopic))


def test_every_source_resolves(claims: list[Claim], references: dict[str, Reference]) -> None:
    dangling = sorted({f"{c.id}: {k}" for c in claims for k in c.sources if k not in references})
    assert dangling == []


def test_claims_references_file_is_valid(references: dict[str, Reference]) -> None:
    own = [Reference.model_validate(item) for item in _yaml("references/claims.yaml")]
    assert own, "references/claims.yaml is empty"
    for ref in own:
        if not ref.verified:
            assert ref.note, f"{ref.key}: an unverified reference must say why in its note"
    dataset = references["usda_sr24"]
    assert dataset.kind == "dataset"


@pytest.mark.parametrize(
    ("claim_id", "allowed"),
    [
        ("depakine_valproate_for_cramps", {"unsafe"}),
        ("valproate_100mg_dose", {"wrong", "unsafe"}),
        ("garlic_oil_two_months", {"unsafe"}),
        ("quick_pharmacy_drugs_for_night_cramps", {"wrong", "unsafe"}),
        ("prick_muscle_with_needle", {"unsafe"}),
        ("two_litres_water_daily", {"unsafe", "wrong"}),
        ("heparin_gels_for_clot_risk", {"unsafe"}),
        ("asparkam_helps_a_lot", {"unsafe"}),
        ("asparkam_month_course", {"unsafe"}),
        ("venoflebin_for_thrombosis", {"unsafe"}),
        ("apizartron_rub", {"unsafe"}),
        ("mustard_ointment", {"unsafe"}),
        ("older_thrombosis_causes_cramps", {"wrong", "unsafe"}),
        ("febrile_convulsions_temperature", {"wrong"}),
        ("clonic_half_to_two_minutes", {"wrong"}),
        ("water_provides_electrolytes", {"wrong"}),
        ("carrots_rich_in_magnesium", {"wrong"}),
        ("apples_source_of_potassium", {"wrong"}),
        ("varicose_veins_main_cause", {"wrong"}),
        ("pull_toes_hold_10_15_s", {"supported"}),
        ("summer_peak", {"supported"}),
    ],
)
def test_safety_critical_verdicts(claims: list[Claim], claim_id: str, allowed: set[str]) -> None:
    claim = _by_id(claims)[claim_id]
    assert claim.verdict in allowed, f"{claim_id} is graded {claim.verdict}"


def test_unsafe_reasons_name_the_danger(claims: list[Claim]) -> None:
    by_id = _by_id(claims)
    assert "teratogen" in by_id["depakine_valproate_for_cramps"].reason
    assert "botulism" in by_id["garlic_oil_two_months"].reason
    assert "anticoagulant" in by_id["garlic_oil_two_months"].reason
    assert "quinine" in by_id["quick_pharmacy_drugs_for_night_cramps"].reason.lower()
    assert "not" in by_id["heparin_gels_for_clot_risk"].reason
    assert "potassium" in by_id["asparkam_helps_a_lot"].reason
    assert "kidney" in by_id["asparkam_helps_a_lot"].reason
    for c in by_id.values():
        if c.verdict == "unsafe":
            assert len(c.reason) > 80, f"{c.id}: an unsafe verdict needs a real safety explanation"


def test_diet_claims_cite_the_food_table(claims: list[Claim]) -> None:
    by_id = _by_id(claims)
    for claim_id in (
        "carrots_rich_in_magnesium",
        "apples_source_of_potassium",
        "yellow_mustard_full_of_magnesium",
    ):
        assert "usda_sr24" in by_id[claim_id].sources


def test_kb_claims_json_matches_the_spec(claims: list[Claim]) -> None:
    """Spec section 4: ``kb claims --format json`` prints an array of the six fields.

    Needs the whole knowledge base to load; until every KB file is valid, it is skipped if the
    only problems are outside claims, references and foods, and fails if they are in them.
    """
    from typer.testing import CliRunner

    from crampcare.cli import app
    from crampcare.knowledge import problems

    found = problems()
    mine = [p for p in found if p.startswith(("claims.yaml", "references", "foods"))]
    assert mine == []
    if found:
        pytest.skip(f"knowledge base incomplete elsewhere ({len(found)} problems), e.g. {found[0]}")
    result = CliRunner().invoke(app, ["kb", "claims", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == len(claims)
    for row in rows:
        assert set(row) == {"id", "topic", "claim", "verdict", "reason", "sources"}
        assert isinstance(row["sources"], list) and row["sources"]
    assert {r["id"] for r in rows} == {c.id for c in claims}


def test_kb_claims_json_without_the_rest_of_the_kb(
    monkeypatch: pytest.MonkeyPatch, claims: list[Claim]
) -> None:
    """The spec's shape, with ``load()`` replaced by a stand-in holding only the claims."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    import crampcare.knowledge
    from crampcare.cli import app

    monkeypatch.setattr(crampcare.knowledge, "load", lambda: SimpleNamespace(claims=tuple(claims)))
    result = CliRunner().invoke(app, ["kb", "claims", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(claims)
    assert all(set(r) == {"id", "topic", "claim", "verdict", "reason", "sources"} for r in rows)
    valproate = next(r for r in rows if r["id"] == "depakine_valproate_for_cramps")
    assert valproate["verdict"] == "unsafe"
