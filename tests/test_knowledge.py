"""The knowledge base loads, validates and rejects what it must."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from crampcare.cli import app
from crampcare.knowledge import base, load, problems
from crampcare.knowledge.expressions import Group, compile_expr, holds, triggers
from crampcare.spec import codes

RUNNER = CliRunner()


def test_knowledge_base_is_valid() -> None:
    assert problems() == []
    out = RUNNER.invoke(app, ["kb", "check"])
    assert out.exit_code == 0 and "knowledge base ok" in out.stdout


def test_every_vocabulary_code_is_known() -> None:
    kb = load()
    assert set(kb.conditions) == codes("differential")
    assert codes("recommendations") <= set(kb.interventions)
    assert all(i.extension for k, i in kb.interventions.items() if k not in codes("recommendations"))
    assert set(kb.tests) == codes("tests")


def test_every_vocabulary_drug_class_is_in_the_catalogue() -> None:
    classes = {d.drug_class for d in load().drugs}
    from crampcare.spec import vocabulary

    assert set(vocabulary()["factors"]["drug_class"]) <= classes


def test_conditions_have_icd10_and_sourced_evidence() -> None:
    kb = load()
    for c in kb.conditions.values():
        assert c.icd10 and c.sources
        assert all(ev.source in kb.references for ev in c.evidence)


def test_kb_cite_prints_a_full_citation_and_rejects_unknown_keys() -> None:
    out = RUNNER.invoke(app, ["kb", "cite", "garrison_2012_arch_intern_med"])
    assert out.exit_code == 0
    assert "Arch Intern Med" in out.stdout and "22157068" in out.stdout
    bad = RUNNER.invoke(app, ["kb", "cite", "no_such_key"])
    assert bad.exit_code == 2 and "unknown source key" in bad.stderr


def test_unverified_references_say_so() -> None:
    kb = load()
    for ref in kb.references.values():
        if ref.verified is False:
            assert ref.citation().endswith("[not yet checked against the source]"), ref.key
        else:
            assert ref.citation().endswith(f"[checked: {ref.verified}]"), ref.key


def _broken(kind: str, entry: dict[str, Any]) -> list[str]:
    """Problems found when one bad entry is added to a copy of the knowledge base."""
    kb = load()
    model = {"rules": base.Rule, "interventions": base.Intervention, "conditions": base.Condition}[kind]
    item = model.model_validate(entry)
    if kind == "rules":
        copy = kb.model_copy(update={"rules": (*kb.rules, item)})
    elif kind == "interventions":
        copy = kb.model_copy(update={"interventions": {**kb.interventions, item.id: item}})
    else:
        copy = kb.model_copy(update={"conditions": {**kb.conditions, item.code: item}})
    return base.cross_check(copy)


def test_cross_check_rejects_unknown_codes_and_dangling_references() -> None:
    found = _broken(
        "rules",
        {
            "id": "bad_rule",
            "level": "urgent",
            "when": "finding:not_a_finding",
            "message": "x",
            "sources": ["nope"],
        },
    )
    assert any("unknown feature 'finding:not_a_finding'" in p for p in found)
    assert any("unknown reference 'nope'" in p for p in found)


def test_cross_check_rejects_unsourced_recommendations() -> None:
    found = _broken(
        "interventions",
        {"id": "quinine", "category": "treatment", "grade": "recommended", "text": "x", "sources": []},
    )
    assert any("interventions.yaml (quinine): names no source" in p for p in found)


def test_schema_rejects_unknown_keys_in_yaml() -> None:
    problems_: list[str] = []
    base._parse(
        base.Rule,
        [{"id": "x", "level": "urgent", "when": "a", "message": "m", "sources": [], "oops": 1}],
        "rules.yaml",
        problems_,
    )
    assert problems_ and "oops" in problems_[0]


@pytest.mark.parametrize(
    ("expr", "present", "expected"),
    [
        ({"all": ["a", "b"]}, {"a", "b"}, True),
        ({"all": ["a", "b"]}, {"a"}, False),
        ({"any": ["a", "b", "c"], "at_least": 2}, {"a", "c"}, True),
        ({"any": ["a", "b", "c"], "at_least": 2}, {"c"}, False),
        ({"any": ["a"], "none": ["b"]}, {"a", "b"}, False),
        ({"all": [{"any": ["a", "b"]}, {"none": ["c"]}]}, {"b"}, True),
    ],
)
def test_expressions(expr: dict[str, Any], present: set[str], expected: bool) -> None:
    assert holds(Group.model_validate(expr), present) is expected


FEATURES = st.sampled_from(["a", "b", "c", "d"])
EXPRS = st.recursive(
    FEATURES,
    lambda inner: st.builds(
        lambda all_, any_, none_, k: Group(
            all=tuple(all_), any=tuple(any_), at_least=min(k, max(len(any_), 1)), none=tuple(none_)
        ),
        st.lists(inner, max_size=2),
        st.lists(inner, min_size=1, max_size=3, unique_by=repr),
        st.lists(inner, max_size=2),
        st.integers(1, 3),
    ),
    max_leaves=6,
)


@given(EXPRS, st.frozensets(FEATURES))
def test_compiled_expressions_agree_with_the_tree_walk(expr: Any, present: frozenset[str]) -> None:
    assert compile_expr(expr)(present) is holds(expr, present)


@given(EXPRS, st.frozensets(FEATURES))
def test_an_expression_never_holds_without_one_of_its_triggers(expr: Any, present: frozenset[str]) -> None:
    found = triggers(expr)
    if found is not None and holds(expr, present):
        assert found & present


def test_patterns_may_only_use_earlier_patterns() -> None:
    from crampcare.knowledge.patterns import Pattern

    kb = load()
    early = Pattern.model_validate(
        {"id": "pattern:first", "label": "x", "when": "pattern:second", "sources": ["nice_cks_leg_cramps"]}
    )
    late = Pattern.model_validate(
        {
            "id": "pattern:second",
            "label": "y",
            "when": "finding:chest_pain",
            "sources": ["nice_cks_leg_cramps"],
        }
    )
    found = base.cross_check(kb.model_copy(update={"patterns": (early, late)}))
    assert any("uses 'pattern:second' before it is defined" in p for p in found)
