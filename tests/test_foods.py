"""The USDA SR24 food table (``data/foods.csv``), the advice built from it and ``crampcare kb foods``.

The figures written in these tests are USDA SR24's own (NDB number in the comment), typed from the
source, not read from foods.csv: they would have caught the old table's dried apricots (285 mg
potassium where USDA gives 1,162) and paneer quoted as if it were cottage cheese.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from crampcare.knowledge.base import _foods
from crampcare.knowledge.foods import NUTRIENTS, Food, describe, lookup, richest
from tests.helpers import person, run

DATA = resources.files("crampcare.knowledge.data")
LOCALE = resources.files("crampcare.i18n").joinpath("locale", "ru", "LC_MESSAGES")
REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "foods" / "extract_usda.py"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN = re.compile(r"[A-Za-z]")
HEADER = "code,name,name_ru,group,group_ru,form,magnesium_mg,potassium_mg,calcium_mg,usda_name"
LOW_ALL = person(
    age_years=60,
    cramps={"timing": ["night"], "locations": ["calf"]},
    labs={"potassium_mmol_l": 3.2, "magnesium_mmol_l": 0.6, "calcium_mmol_l": 2.0},
)
FOOD_ADVICE = {
    "magnesium_rich_foods": "magnesium",
    "potassium_rich_foods": "potassium",
    "calcium_rich_foods": "calcium",
}


@pytest.fixture(scope="module")
def foods() -> list[Food]:
    return _foods()


@pytest.fixture(scope="module")
def by_code(foods: list[Food]) -> dict[str, Food]:
    return {f.code: f for f in foods}


def _diet() -> dict[str, list[dict[str, str]]]:
    diet: dict[str, list[dict[str, str]]] = yaml.safe_load(
        DATA.joinpath("diet.yaml").read_text(encoding="utf-8")
    )
    return diet


def test_table_shape(foods: list[Food]) -> None:
    assert 100 <= len(foods) <= 400
    assert len({f.code for f in foods}) == len(foods)
    for f in foods:
        assert re.fullmatch(r"\d{5}", f.code), f.code  # a USDA NDB number
        assert f.name and f.group and f.usda_name
        for n in NUTRIENTS:
            value = f.amount(n)
            assert value is not None and 0 <= value < 5000, (f.code, n, value)


def test_every_food_has_a_russian_name(foods: list[Food]) -> None:
    for f in foods:
        for text in (f.name_ru, f.group_ru):
            assert CYRILLIC.search(text) and not LATIN.search(text), (f.code, text)
    assert len({f.name_ru for f in foods}) == len(foods), "two foods share a Russian name"


def test_header_and_attribution() -> None:
    text = DATA.joinpath("foods.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    note = DATA.joinpath("FOODS-ATTRIBUTION.md").read_text(encoding="utf-8")
    for needed in (
        "Standard Reference, Release 24",
        "public domain",
        "cronometer",
        "extract_usda.py",
        "usda_sr24",
    ):
        assert needed in note
    assert "IFCT" not in note


def test_known_usda_values(by_code: dict[str, Food]) -> None:
    apricots = by_code["09032"]  # Apricots, dried, sulfured, uncooked
    assert apricots.form == "dried" and apricots.name_ru == "курага"
    assert apricots.potassium_mg == 1162 and apricots.potassium_mg > 1000
    assert by_code["09291"].name_ru == "чернослив" and by_code["09291"].potassium_mg == 732
    almonds = by_code["12061"]
    assert (almonds.magnesium_mg, almonds.calcium_mg) == (268, 264)
    assert by_code["09003"].potassium_mg == 107  # apples: poor in potassium
    assert by_code["09040"].potassium_mg == 358  # bananas
    assert by_code["11124"].magnesium_mg == 12  # raw carrots: poor in magnesium
    assert by_code["01022"].calcium_mg == 700  # Gouda


def test_cottage_cheese_is_low_in_calcium_and_not_advised_for_it(foods: list[Food]) -> None:
    cottage = [f for f in foods if "cottage cheese" in f.name]
    assert cottage and all("творог" in f.name_ru for f in cottage)
    for f in cottage:
        assert f.calcium_mg is not None and f.calcium_mg < 150, f.code  # USDA: 83-86 mg
    calcium_codes = {item["code"] for item in _diet()["calcium"]}
    assert not calcium_codes & {f.code for f in cottage}
    for lang, words in (("en", ("cottage", "paneer")), ("ru", ("творог", "панир"))):
        text = next(r.text for r in run(LOW_ALL, lang).recommendations if r.id == "calcium_rich_foods")
        assert not any(w in text.casefold() for w in words), text


def test_cooked_legumes_and_grains_hold_about_a_third(foods: list[Food]) -> None:
    """Cooking takes up water, so per 100 g a cooked bean or grain holds far less than the dry one."""
    by_name = {f.name: f for f in foods}
    pairs = [
        (f, by_name[f.name.removesuffix(", dry") + ", cooked"])
        for f in foods
        if f.form == "dry" and f.name.removesuffix(", dry") + ", cooked" in by_name
    ]
    bases = {dry.name.removesuffix(", dry") for dry, _ in pairs}
    assert {
        "kidney beans",
        "white beans",
        "lentils",
        "chickpeas",
        "buckwheat",
        "white rice",
        "millet",
    } <= bases
    for dry, cooked in pairs:
        assert cooked.form == "cooked"
        for n in NUTRIENTS:
            assert (cooked.amount(n) or 0) < 0.6 * (dry.amount(n) or 0) + 5, (dry.name, n)


def test_every_legume_and_grain_says_cooked_or_dry(foods: list[Food]) -> None:
    staples = re.compile(
        r"\b(beans|lentils|chickpeas|split peas|buckwheat|rice|oats|millet|barley|bulgur|quinoa|pasta)\b"
    )
    checked = [
        f
        for f in foods
        if staples.search(f.name)
        and f.group.startswith(("Legumes", "Cereal Grains", "Breakfast Cereals"))
        and f.code != "16029"  # canned kidney beans: cooked, named canned
    ]
    assert len(checked) >= 20
    for f in checked:
        assert f.form in ("dry", "cooked"), f.name
        ru = {"dry": "сух", "cooked": "вар"}[f.form]
        assert ru in f.name_ru or "каша" in f.name_ru, f.name_ru


def test_every_advised_bean_or_grain_is_cooked_or_labelled_dry(by_code: dict[str, Food]) -> None:
    for nutrient, items in _diet().items():
        for item in items:
            food = by_code[item["code"]]
            if food.group.startswith(("Legumes", "Cereal Grains", "Breakfast Cereals")):
                assert food.form in ("cooked", "dry"), (nutrient, food.name)
                assert item["name"].endswith((", cooked", ", dry")), item["name"]


def test_advice_names_only_table_foods_with_their_figures(foods: list[Food]) -> None:
    en_names = {f.name: f for f in foods}
    ru_names = {f.name_ru: f for f in foods}
    for lang, names, unit in (("en", en_names, "mg"), ("ru", ru_names, "мг")):
        recs = {r.id: r for r in run(LOW_ALL, lang).recommendations}
        for rec_id, nutrient in FOOD_ADVICE.items():
            text = recs[rec_id].text
            assert "usda_sr24" in recs[rec_id].sources
            listed = text.rsplit(": ", 1)[1].rstrip(".")
            items = listed.split("; ")
            assert len(items) >= 5, text
            for item in items:
                match = re.fullmatch(rf"(.+) (\d+) {unit}", item)
                assert match, (lang, item)
                food = names.get(match.group(1))
                assert food is not None, f"{lang}: {match.group(1)!r} is not a food of the table"
                assert int(match.group(2)) == round(food.amount(nutrient) or -1), (lang, item)
    potassium = next(r.text for r in run(LOW_ALL, "ru").recommendations if r.id == "potassium_rich_foods")
    assert "курага 1162 мг" in potassium


def test_diet_names_are_the_tables_names_in_both_languages(by_code: dict[str, Food]) -> None:
    from crampcare.i18n import catalogue

    ru = catalogue("ru")
    for items in _diet().values():
        for item in items:
            food = by_code[item["code"]]
            assert item["name"] == food.name
            assert ru.get(item["name"]) == food.name_ru, item["name"]


# Claims that quote the table: (claim id, NDB number, nutrient) - each must quote SR24's figure.
QUOTED = [
    ("cheese_apples_bananas_apricots_for_k_ca", "01012", "calcium"),
    ("cheese_apples_bananas_apricots_for_k_ca", "09032", "potassium"),
    ("cheese_apples_bananas_apricots_for_k_ca", "09003", "potassium"),
    ("apples_source_of_potassium", "09003", "potassium"),
    ("apples_source_of_potassium", "09298", "potassium"),
    ("yellow_mustard_full_of_magnesium", "02046", "magnesium"),
    ("nuts_prunes_apricots_berries", "12061", "magnesium"),
    ("nuts_prunes_apricots_berries", "09032", "potassium"),
    ("magnesium_foods_list", "16108", "magnesium"),
    ("magnesium_foods_list", "16109", "magnesium"),
    ("magnesium_foods_list", "11124", "magnesium"),
    ("carrots_rich_in_magnesium", "11124", "magnesium"),
    ("calcium_foods_list", "01012", "calcium"),
    ("calcium_foods_list", "12023", "calcium"),
    ("potassium_foods_list", "09032", "potassium"),
    ("potassium_foods_list", "11357", "potassium"),
]


@pytest.mark.parametrize(("claim_id", "code", "nutrient"), QUOTED)
def test_claims_quote_the_usda_table(
    by_code: dict[str, Food], claim_id: str, code: str, nutrient: str
) -> None:
    from crampcare.i18n import catalogue

    claims = {c["id"]: c for c in yaml.safe_load(DATA.joinpath("claims.yaml").read_text(encoding="utf-8"))}
    claim = claims[claim_id]
    value = f"{by_code[code].amount(nutrient):.0f}"  # type: ignore[arg-type]
    assert re.search(rf"\b{value} mg\b", claim["reason"]) or re.search(rf"\b{value}[-,)]", claim["reason"])
    assert value in catalogue("ru")[claim["reason"]]
    assert "usda_sr24" in claim["sources"]


def test_the_old_table_is_gone() -> None:
    texts = [
        DATA.joinpath(name).read_text(encoding="utf-8")
        for name in ("claims.yaml", "interventions.yaml", "diet.yaml", "references/claims.yaml")
    ]
    texts += [
        LOCALE.joinpath(name).read_text(encoding="utf-8") for name in ("messages.po", "claims.po", "web.po")
    ]
    texts.append(
        (REPO / "src" / "crampcare" / "web" / "templates" / "knowledge.html").read_text(encoding="utf-8")
    )
    for text in texts:
        for gone in ("IFCT", "ifct", "paneer", "панир", "Indian Food"):
            assert gone not in text


def test_richest_and_lookup(foods: list[Food]) -> None:
    top = richest(foods, "magnesium", n=5)
    amounts = [f.magnesium_mg or 0 for f in top]
    assert len(top) == 5 and amounts == sorted(amounts, reverse=True)
    nuts = richest(foods, "magnesium", n=50, group="nut and seed")
    assert nuts and all(f.group == "Nut and Seed Products" for f in nuts)
    assert nuts[0].name == "pumpkin seeds"  # USDA 12014: 592 mg
    assert richest(foods, "calcium", n=0) == []
    assert [f.code for f in lookup(foods, "ALMOND")] == ["12061"]
    assert next(f.code for f in lookup(foods, "курага")) == "09032"
    assert {f.code for f in lookup(foods, "творог")} == {"01012", "01014"}
    assert lookup(foods, "варёная") and lookup(foods, "вареная") == lookup(foods, "варёная")
    assert lookup(foods, "no such food xyz") == []
    assert describe(lookup(foods, "almonds")[0], "magnesium") == "almonds: 268 mg magnesium per 100 g"


def test_richest_skips_missing_values() -> None:
    def food(code: str, group: str, **mg: float | None) -> Food:
        return Food(code=code, name=code, name_ru="х", group=group, group_ru="г", **mg)

    table = [
        food("X1", "G", magnesium_mg=None, potassium_mg=10),
        food("X2", "G", magnesium_mg=5),
        food("X3", "H", magnesium_mg=50),
    ]
    assert [f.code for f in richest(table, "magnesium")] == ["X3", "X2"]
    assert [f.code for f in richest(table, "magnesium", group="g")] == ["X2"]
    assert [f.code for f in richest(table, "potassium")] == ["X1"]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_usda", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_usda"] = module
    spec.loader.exec_module(module)
    return module


def _sr24_source() -> Path | None:
    named = os.environ.get("CRAMPCARE_USDA_SR24")
    for candidate in (Path(named) if named else None, Path("/usr/share/cronometer/usda_sr24.jar")):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def test_extraction_reproduces_foods_csv() -> None:
    """foods.csv is exactly what tools/foods/extract_usda.py makes from Debian's SR24 files."""
    source = _sr24_source()
    if source is None:
        pytest.skip(
            "USDA SR24 files absent: install Debian's cronometer package, or set CRAMPCARE_USDA_SR24 "
            "to its usda_sr24.jar or to cronometer_*.deb (apt-get download cronometer)"
        )
    script = _script()
    is_deb = source.suffix == ".deb"
    with script.open_sr24(jar=None if is_deb else source, deb=source if is_deb else None) as sr24:
        text = script.render(script.rows(sr24))
    assert text == DATA.joinpath("foods.csv").read_text(encoding="utf-8")


def test_script_picks_are_unique_and_formed() -> None:
    script = _script()
    codes = [p.code for p in script.PICKS]
    assert len(codes) == len(set(codes))
    assert all(p.form in script.FORMS and p.code[:2] in script.GROUPS for p in script.PICKS)


def test_kb_foods_cli(foods: list[Food], monkeypatch: pytest.MonkeyPatch) -> None:
    """The command, with ``load()`` replaced by a stand-in that holds only the food table."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    import crampcare.knowledge
    from crampcare.cli import app

    monkeypatch.setattr(crampcare.knowledge, "load", lambda: SimpleNamespace(foods=tuple(foods)))
    runner = CliRunner()
    result = runner.invoke(app, ["kb", "foods", "--nutrient", "potassium", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert {"code", "name", "name_ru", "form", "group", "nutrient", "mg_per_100g"} <= set(rows[0])
    assert rows[0]["mg_per_100g"] >= rows[-1]["mg_per_100g"]
    result = runner.invoke(
        app, ["kb", "foods", "--search", "dried apricots", "--nutrient", "potassium", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["mg_per_100g"] == 1162
    text = runner.invoke(
        app, ["kb", "foods", "--search", "курага", "--nutrient", "potassium", "--lang", "ru"]
    )
    assert text.exit_code == 0, text.output
    assert "курага" in text.output and "калием" in text.output and "1162" in text.output
    english = runner.invoke(app, ["kb", "foods", "--top", "2"])
    assert english.exit_code == 0 and "magnesium" in english.output
    for bad in (["--nutrient", "iron"], ["--format", "xml"], ["--lang", "de"]):
        assert runner.invoke(app, ["kb", "foods", *bad]).exit_code != 0
