"""Load the YAML knowledge base into validated models and check it as a whole.

Validation happens in two layers: pydantic rejects malformed entries and unknown keys; then
:func:`cross_check` rejects unknown codes, dangling references and unsourced statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from crampcare.errors import Problems
from crampcare.knowledge.cds_texts import CdsText, check_cds_texts
from crampcare.knowledge.claims import Claim
from crampcare.knowledge.common import Strict
from crampcare.knowledge.conditions import Condition
from crampcare.knowledge.drugs import Drug
from crampcare.knowledge.expressions import Expr, features_in
from crampcare.knowledge.factors import Factor
from crampcare.knowledge.features import MEASURES, Threshold
from crampcare.knowledge.foods import DietFood, Food
from crampcare.knowledge.interventions import Intervention
from crampcare.knowledge.labtests import LabTest
from crampcare.knowledge.patterns import Pattern
from crampcare.knowledge.references import Reference
from crampcare.knowledge.rules import Rule
from crampcare.knowledge.rxnorm import RxNormCode, check_rxnorm
from crampcare.spec import codes, vocabulary

DATA = "crampcare.knowledge.data"


class KnowledgeError(Problems):
    """The knowledge base is invalid; ``problems`` lists every problem found, one per line."""


class KnowledgeFileError(KnowledgeError):
    """A knowledge file cannot be read at all (malformed YAML or CSV, not UTF-8): nothing in it can
    be checked, so this is reported alone, naming the file, line and column."""


def _data_root(root: Traversable | None) -> Traversable:
    return resources.files(DATA) if root is None else root


def _load_yaml(entry: Traversable) -> Any:
    """Parse one YAML file; a syntax error becomes a KnowledgeFileError naming file:line:column."""
    import yaml  # only when the cache is cold

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~10x faster
    try:
        return yaml.load(entry.read_text(encoding="utf-8"), Loader=loader)
    except UnicodeDecodeError:
        raise KnowledgeFileError([f"{entry}: not UTF-8 text"]) from None
    except yaml.MarkedYAMLError as err:
        # Marks are 0-based; editors count lines and columns from 1.
        mark, start = err.problem_mark or err.context_mark, err.context_mark
        where = f"{entry}:{mark.line + 1}:{mark.column + 1}" if mark else str(entry)
        what = err.problem or err.context or "syntax error"
        if err.problem and err.context:  # what the parser was reading, and where that began
            at = f" that starts at line {start.line + 1}, column {start.column + 1}" if start else ""
            what += f" ({err.context}{at})"
        raise KnowledgeFileError([f"{where}: not valid YAML: {what}"]) from None
    except yaml.YAMLError as err:
        raise KnowledgeFileError([f"{entry}: not valid YAML: {err}"]) from None


class Meta(Strict):
    disclaimer: str
    emergency_numbers: str


class KnowledgeBase(BaseModel):
    """Every part of the knowledge base, indexed for the engine."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    meta: Meta
    references: dict[str, Reference]
    thresholds: tuple[Threshold, ...]
    patterns: tuple[Pattern, ...]  # evaluated in order, after every other feature
    conditions: dict[str, Condition]
    rules: tuple[Rule, ...]
    factors: tuple[Factor, ...]
    drugs: tuple[Drug, ...]
    interventions: dict[str, Intervention]
    tests: dict[str, LabTest]
    claims: tuple[Claim, ...]
    foods: tuple[Food, ...]
    diet: dict[str, tuple[DietFood, ...]]  # nutrient -> familiar foods to name in advice
    rxnorm: tuple[RxNormCode, ...] = ()  # RxNorm ingredient codes of catalogue medicines
    cds_texts: dict[str, str] = {}  # texts of the CDS Hooks cards by id (cds.yaml), English

    def cite(self, key: str) -> str:
        return self.references[key].citation()


def _read_yaml(name: str, root: Traversable | None = None) -> Any:
    return _load_yaml(_data_root(root).joinpath(name))


def _read_dir_yaml(folder: str, root: Traversable | None = None) -> Iterator[tuple[str, Any]]:
    base = _data_root(root).joinpath(folder)
    if not base.is_dir():
        return
    for entry in sorted(base.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            yield f"{folder}/{entry.name}", _load_yaml(entry)


def _parse(model: type[BaseModel], items: Any, where: str, problems: list[str]) -> list[Any]:
    """Validate a YAML list item by item, collecting every problem with its location."""
    out: list[Any] = []
    if not isinstance(items, list):
        problems.append(f"{where}: expected a list of entries")
        return out
    for i, item in enumerate(items):
        try:
            out.append(model.model_validate(item))
        except ValidationError as err:
            label = item.get("id") or item.get("code") or item.get("key") if isinstance(item, dict) else None
            for e in err.errors():
                path = ".".join(str(p) for p in e["loc"])
                problems.append(f"{where}[{i}]{f' ({label})' if label else ''}.{path}: {e['msg']}")
    return out


def _foods(root: Traversable | None = None) -> list[Food]:
    import csv

    path = _data_root(root).joinpath("foods.csv")
    if not path.is_file():
        return []
    foods: list[Food] = []
    try:
        with path.open(encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            for r in reader:
                foods.append(_food(r))
    except UnicodeDecodeError:
        raise KnowledgeFileError([f"{path}: not UTF-8 text"]) from None
    except csv.Error as err:
        raise KnowledgeFileError([f"{path}:{reader.line_num}: not valid CSV: {err}"]) from None
    except KeyError as err:
        raise KnowledgeFileError([f"{path}: no column {err}"]) from None
    except (ValueError, TypeError) as err:  # a figure that is not a number, a row cut short
        raise KnowledgeFileError([f"{path}:{reader.line_num}: {err}"]) from None
    return foods


def _number(v: str | None) -> float | None:
    return float(v) if v not in ("", None) else None


def _food(r: dict[str, Any]) -> Food:
    return Food(
        code=r["code"],
        name=r["name"],
        name_ru=r["name_ru"],
        group=r["group"],
        group_ru=r["group_ru"],
        form=r["form"] or None,
        usda_name=r.get("usda_name") or "",
        magnesium_mg=_number(r.get("magnesium_mg")),
        potassium_mg=_number(r.get("potassium_mg")),
        calcium_mg=_number(r.get("calcium_mg")),
    )


def _diet(problems: list[str], root: Traversable | None = None) -> dict[str, tuple[DietFood, ...]]:
    raw = _read_yaml("diet.yaml", root) or {}
    if not isinstance(raw, dict):
        problems.append("diet.yaml: expected a mapping of nutrient to foods")
        return {}
    return {
        nutrient: tuple(_parse(DietFood, items, f"diet.yaml ({nutrient})", problems))
        for nutrient, items in raw.items()
    }


# Kinds whose entries may also live in a folder of the same name, one file per topic.
SPLIT_KINDS = frozenset({"rules", "conditions", "thresholds", "interventions"})


def _build(root: Traversable | None = None) -> tuple[KnowledgeBase | None, list[str]]:
    """Build from the installed data, or from ``root`` (a copy being edited); raises
    KnowledgeFileError when a file cannot be parsed at all."""
    problems: list[str] = []
    refs: list[Reference] = []
    for where, items in _read_dir_yaml("references", root):
        refs += _parse(Reference, items, where, problems)
    parsed: dict[str, list[Any]] = {}
    for name, model in (
        ("thresholds", Threshold),
        ("patterns", Pattern),
        ("conditions", Condition),
        ("rules", Rule),
        ("factors", Factor),
        ("drugs", Drug),
        ("interventions", Intervention),
        ("tests", LabTest),
        ("claims", Claim),
        ("cds", CdsText),
    ):
        parsed[name] = _parse(model, _read_yaml(f"{name}.yaml", root), f"{name}.yaml", problems)
        if name in SPLIT_KINDS:  # more entries of the same kind, one file per topic
            for where, items in _read_dir_yaml(name, root):
                parsed[name] += _parse(model, items, where, problems)
    try:
        meta = Meta.model_validate(_read_yaml("meta.yaml", root))
    except ValidationError as err:
        problems.append(f"meta.yaml: {err}")
        return None, problems
    ref_index: dict[str, Reference] = {}
    for r in refs:
        if r.key in ref_index:
            problems.append(f"references: duplicate key {r.key}")
        ref_index[r.key] = r
    kb = KnowledgeBase(
        meta=meta,
        references=ref_index,
        thresholds=tuple(parsed["thresholds"]),
        patterns=tuple(parsed["patterns"]),
        conditions={c.code: c for c in parsed["conditions"]},
        rules=tuple(parsed["rules"]),
        factors=tuple(parsed["factors"]),
        drugs=tuple(parsed["drugs"]),
        interventions={i.id: i for i in parsed["interventions"]},
        tests={t.code: t for t in parsed["tests"]},
        claims=tuple(parsed["claims"]),
        foods=tuple(_foods(root)),
        diet=_diet(problems, root),
        rxnorm=tuple(_parse(RxNormCode, _read_yaml("rxnorm.yaml", root) or [], "rxnorm.yaml", problems)),
        cds_texts={t.id: t.text for t in parsed["cds"]},
    )
    problems += check_cds_texts(parsed["cds"])
    problems += cross_check(kb)
    problems += check_rxnorm(kb.rxnorm, {d.ingredient for d in kb.drugs})
    return kb, problems


# v2 ``medication_changes[].change`` values; each becomes a feature prefix (see features.py).
MEDICATION_CHANGES = ("started", "stopped", "dose_increased", "dose_decreased")


def known_features(kb: KnowledgeBase) -> set[str]:
    """Every feature name the engine can derive from an input."""
    voc = vocabulary()
    names = {f"finding:{c}" for c in voc["findings"]}
    names |= {f"timing:{c}" for c in voc["cramp_timing"]}
    names |= {f"location:{c}" for c in voc["cramp_locations"]}
    names |= {f"condition:{c}" for c in voc["conditions"]}
    names |= {f"sex:{c}" for c in ("female", "male", "intersex", "unknown")}
    names |= {f"side:{c}" for c in ("left", "right", "both", "alternating", "unilateral")}
    names |= {
        "pregnancy:pregnant",
        "pregnancy:postpartum",
        "lifestyle:smoking",
        "lifestyle:sedentary",
        "lifestyle:prolonged_standing",
        "lifestyle:prolonged_sitting",
        "lifestyle:unaccustomed_exercise",
        "lifestyle:heavy_sweating",
        "lifestyle:cold_exposure",
        "activity:vigorous",
        "activity:moderate",
        "medication:any_recognised",
        "medication:unrecognised",
        "medication:duplicate",
        "reported:cramps",
        "timing:exercise_only",
        "anticoagulant",
        "potassium_raising_drug",
    }
    names |= {t.id for t in kb.thresholds}
    names |= {p.id for p in kb.patterns}
    names |= {f"drug_class:{c}" for d in kb.drugs for c in d.classes()}
    names |= {f"drug_class:{c}" for c in voc["factors"]["drug_class"]}
    names |= {f"drug:{d.ingredient}" for d in kb.drugs}
    names |= {f"takes:{i}" for d in kb.drugs for i in d.is_intervention}
    names |= {"drug_association:known", "drug_association:possible", "drug_association:listed"}
    names |= {f"test:{c}" for c in vocabulary()["tests"]}
    # v2: findings checked and absent, exposures, medicine changes
    names |= {f"absent:{c}" for c in voc["findings"]}
    names |= {f"exposure:{c}" for c in voc["exposures"]}
    names.add("lab:d_dimer_raised")
    classes = {c for d in kb.drugs for c in d.classes()} | set(voc["factors"]["drug_class"])
    for change in MEDICATION_CHANGES:
        names |= {f"{change}:drug_class:{c}" for c in classes}
        names |= {f"{change}:drug:{d.ingredient}" for d in kb.drugs}
        names |= {f"{change}_recently:drug_class:{c}" for c in classes}
        names |= {f"{change}_recently:drug:{d.ingredient}" for d in kb.drugs}
    return names


def cross_check(kb: KnowledgeBase) -> list[str]:
    """Problems no single entry can see: unknown codes, dangling references, missing coverage."""
    problems: list[str] = []
    feats = known_features(kb)

    def sources(where: str, keys: tuple[str, ...], required: bool = True) -> None:
        if required and not keys:
            problems.append(f"{where}: names no source")
        for k in keys:
            if k not in kb.references:
                problems.append(f"{where}: unknown reference {k!r}")

    def expr(where: str, e: Expr | None) -> None:
        if e is None:
            return
        for f in features_in(e):
            if f not in feats:
                problems.append(f"{where}: unknown feature {f!r}")

    for t in kb.thresholds:
        if t.measure not in MEASURES:
            problems.append(f"thresholds.yaml ({t.id}): unknown measure {t.measure!r}")
        sources(f"thresholds.yaml ({t.id})", t.sources)
    defined: set[str] = set()
    for pattern in kb.patterns:  # a pattern may use only the patterns listed before it
        where = f"patterns.yaml ({pattern.id})"
        sources(where, pattern.sources)
        for name in features_in(pattern.when):
            if name.startswith("pattern:") and name not in defined:
                problems.append(f"{where}: uses {name!r} before it is defined")
            elif name not in feats:
                problems.append(f"{where}: unknown feature {name!r}")
        defined.add(pattern.id)
    differential = codes("differential")
    for code in differential - kb.conditions.keys():
        problems.append(f"conditions.yaml: vocabulary condition {code!r} is missing")
    for c in kb.conditions.values():
        where = f"conditions.yaml ({c.code})"
        if c.code not in differential:
            problems.append(f"{where}: not a differential code of the vocabulary")
        sources(where, c.sources)
        expr(where, c.requires)
        for ev in (*c.evidence, *c.prior_multipliers):
            expr(f"{where} evidence", ev.feature)
            sources(f"{where} evidence {ev.feature}", (ev.source,))
    recs = codes("recommendations")
    for code in recs - kb.interventions.keys():
        problems.append(f"interventions.yaml: vocabulary recommendation {code!r} is missing")
    for r in kb.rules:
        where = f"rules.yaml ({r.id})"
        sources(where, r.sources)
        expr(where, r.when)
        if r.condition and r.condition not in differential:
            problems.append(f"{where}: unknown condition {r.condition!r}")
        for code in r.recommend:
            if code not in kb.interventions:
                problems.append(f"{where}: unknown recommendation {code!r}")
    if len({r.id for r in kb.rules}) != len(kb.rules):
        problems.append("rules.yaml: duplicate rule ids")
    for f in kb.factors:
        where = f"factors.yaml ({f.id})"
        sources(where, f.sources)
        expr(where, f.feature)
    for d in kb.drugs:
        where = f"drugs.yaml ({d.ingredient})"
        if d.cramp_association != "none":
            sources(where, d.association_sources)
        else:
            sources(where, d.association_sources, required=False)
        sources(f"{where} composition", d.composition_sources, required=False)
        for code in d.is_intervention:
            if code not in kb.interventions:
                problems.append(f"{where}: unknown intervention {code!r}")
        for note in d.safety:
            sources(f"{where} safety {note.id}", note.sources)
            for feature in note.when_all:
                expr(f"{where} safety {note.id}", feature)
    food_by_code = {f.code: f for f in kb.foods}
    for nutrient, picks in kb.diet.items():
        if nutrient not in ("magnesium", "potassium", "calcium"):
            problems.append(f"diet.yaml: unknown nutrient {nutrient!r}")
        for pick in picks:
            food = food_by_code.get(pick.code)
            if food is None:
                problems.append(f"diet.yaml ({nutrient}): unknown food code {pick.code!r}")
            elif pick.name != food.name:
                # The advice must name the food the figure belongs to (cooked, dry, dried...).
                problems.append(
                    f"diet.yaml ({nutrient}): {pick.code} is {food.name!r} in foods.csv, not {pick.name!r}"
                )
    for i in kb.interventions.values():
        where = f"interventions.yaml ({i.id})"
        if i.id not in recs and not i.extension:
            problems.append(
                f"{where}: not a recommendation code of the vocabulary (mark additions extension: true)"
            )
        if i.foods_for and not kb.diet.get(i.foods_for):
            problems.append(f"{where}: no diet.yaml list for {i.foods_for!r}")
        sources(where, i.sources)
        expr(where, i.offer_when)
        for rule in i.personal:
            sources(f"{where} personal rule", rule.sources)
            expr(f"{where} personal rule", rule.when)
    test_codes = codes("tests")
    for code in test_codes - kb.tests.keys():
        problems.append(f"tests.yaml: vocabulary test {code!r} is missing")
    for test in kb.tests.values():
        sources(f"tests.yaml ({test.code})", test.sources)
        expr(f"tests.yaml ({test.code})", test.suggest_when)
    seen: set[str] = set()
    for claim in kb.claims:
        if claim.id in seen:
            problems.append(f"claims.yaml: duplicate id {claim.id}")
        seen.add(claim.id)
        sources(f"claims.yaml ({claim.id})", claim.sources)
    return problems


def source_files() -> list[Any]:
    """What the built knowledge base depends on: its data, its models and the vocabulary."""
    root = resources.files(DATA)
    files = [p for p in root.iterdir() if p.name.endswith((".yaml", ".csv"))]
    for folder in ("references", *sorted(SPLIT_KINDS)):
        if root.joinpath(folder).is_dir():
            files += [p for p in root.joinpath(folder).iterdir() if p.name.endswith(".yaml")]
    files += [p for p in resources.files("crampcare.knowledge").iterdir() if p.name.endswith(".py")]
    files.append(resources.files("crampcare.spec").joinpath("vocabulary.yaml"))
    return files


@cache
def _cached() -> tuple[KnowledgeBase | None, tuple[str, ...]]:
    from crampcare.cache import cached

    def build() -> tuple[KnowledgeBase | None, tuple[str, ...]]:
        kb, found = _build()
        return kb, tuple(found)

    return cached("knowledge", source_files(), build)


def problems() -> list[str]:
    """Every problem in the knowledge base (empty when it is valid). Raises KnowledgeFileError
    when a file cannot be parsed at all."""
    return list(_cached()[1])


def build_from(data_dir: Path) -> tuple[KnowledgeBase | None, list[str]]:
    """Build and check a copy of the knowledge data in ``data_dir`` (laid out as ``data/``), not
    cached. Raises KnowledgeFileError when a file cannot be parsed at all."""
    return _build(data_dir)


def load() -> KnowledgeBase:
    """The validated knowledge base, built once per process. Raises KnowledgeError if invalid."""
    kb, found = _cached()
    if found or kb is None:
        raise KnowledgeError(list(found))
    return kb
