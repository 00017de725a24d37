"""Self-experiments in the FHIR Bundle: CarePlan + result Observation, export and import back."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation
from typer.testing import CliRunner

from crampcare.cli import app
from crampcare.fhir.bundle import diary_bundle, parse_diary_bundle
from crampcare.fhir.codes import own_system
from crampcare.fhir.errors import FhirError
from crampcare.fhir.experiments import (
    DESIGN_EXTENSION,
    ExperimentExport,
    ExperimentRecord,
    plan_hash,
    result_observation,
)
from crampcare.fhir.validate import bundle_problems, resource_problems
from crampcare.records import EpisodeRecord

runner = CliRunner()
EXPERIMENT = own_system("experiment")
VERDICT = own_system("experiment-verdict")
TODAY = dt.date(2026, 12, 2)


def _record(
    intervention: str = "calf_stretch_before_bed", imported: bool = True, washout: int = 0
) -> ExperimentRecord:
    """A 2-pair, 3-night experiment: pair 1 on then off, pair 2 off then on."""
    start = dt.date(2026, 11, 1)
    arms = [True, False, False, True]
    schedule = tuple(
        (start + dt.timedelta(days=3 * block + d), on) for block, on in enumerate(arms) for d in range(3)
    )
    draft = ExperimentRecord(
        intervention=intervention,
        start=start,
        block_days=3,
        pairs=2,
        seed=41,
        washout_days=washout,
        imported=imported,
        created_at=dt.datetime(2026, 10, 30, 8, 15, 2, 123456),
        schedule=schedule,
    )
    return draft.model_copy(update={"schedule_sha256": plan_hash(draft)})


def _bundle(*records: ExperimentRecord, result: dict[str, Any] | None = None) -> dict[str, Any]:
    episode = EpisodeRecord(
        started_at=dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        muscle="calf",
        side="left",
    )
    items = [ExperimentExport(r, "calf stretches", result) for r in records]
    return diary_bundle([episode], [], [], experiments=items, today=TODAY)


def _of_type(bundle: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e["fullUrl"], e["resource"]) for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


RESULT = {
    "verdict": "likely_helps",
    "ci95": [0.31, 0.82],
    "p_value": 0.0312,
    "prob_benefit": 0.991,
    "rate_ratio_model": 0.5,
    "rate_ratio": 0.48,
    "pairs_analysed": 2,
    "pairs_planned": 2,
    "nights_on": 6,
    "nights_off": 6,
    "episodes_on": 3,
    "episodes_off": 7,
    "as_of": "2026-12-02",
    "verdict_rule": "the rule",
    "explanation": "Fewer cramps on stretching nights.",
}


def test_care_plan_and_result_validate_with_fhir_resources_and_our_checks() -> None:
    bundle = _bundle(_record(), result=RESULT)
    assert bundle_problems(bundle) == []
    (plan_url, plan), *_ = _of_type(bundle, "CarePlan")
    CarePlan.model_validate(plan)
    assert resource_problems(plan) == []
    results = [r for _, r in _of_type(bundle, "Observation") if "basedOn" in r]
    assert len(results) == 1
    Observation.model_validate(results[0])
    assert results[0]["basedOn"] == [{"reference": plan_url}]
    assert resource_problems(results[0]) == []
    # One activity per block; 'off' blocks are doNotPerform, each with its own nights.
    periods = [(a["detail"]["doNotPerform"], a["detail"]["scheduledPeriod"]) for a in plan["activity"]]
    assert periods == [
        (False, {"start": "2026-11-01", "end": "2026-11-03"}),
        (True, {"start": "2026-11-04", "end": "2026-11-06"}),
        (True, {"start": "2026-11-07", "end": "2026-11-09"}),
        (False, {"start": "2026-11-10", "end": "2026-11-12"}),
    ]
    assert plan["status"] == "completed" and plan["intent"] == "plan"
    # The new codes travel in the CodeSystems of the bundle.
    systems = {r["url"]: {c["code"] for c in r["concept"]} for _, r in _of_type(bundle, "CodeSystem")}
    assert {"likely_helps", "likely_no_effect", "inconclusive", "likely_harms"} <= systems[VERDICT]
    assert {"nof1-result", "imported-schedule", "verdict", "p-value", "rate-ratio-ci95"} <= systems[
        EXPERIMENT
    ]


def test_result_observation_carries_ratio_interval_p_and_verdict() -> None:
    record = _record()
    obs = result_observation(record, RESULT, "urn:uuid:p", "urn:uuid:plan", "urn:uuid:obs")
    assert obs["basedOn"] == [{"reference": "urn:uuid:plan"}] and obs["focus"] == obs["basedOn"]
    assert obs["valueQuantity"]["value"] == 0.5 and obs["valueQuantity"]["code"] == "{ratio}"
    parts = {c["code"]["coding"][0]["code"]: c for c in obs["component"]}
    assert parts["verdict"]["valueCodeableConcept"]["coding"][0] == {
        "system": VERDICT,
        "code": "likely_helps",
        "display": "Likely helps",
    }
    assert parts["rate-ratio-ci95"]["valueRange"]["low"]["value"] == 0.31
    assert parts["rate-ratio-ci95"]["valueRange"]["high"]["value"] == 0.82
    assert parts["p-value"]["valueQuantity"]["value"] == 0.0312
    assert parts["episodes-off"]["valueInteger"] == 7
    assert obs["status"] == "final"  # the last night (2026-11-12) is over on 2026-12-02
    early = result_observation(
        record, {**RESULT, "as_of": "2026-11-08", "rate_ratio_model": None}, "p", "a", "b"
    )
    assert early["status"] == "preliminary" and early["effectivePeriod"]["end"] == "2026-11-07"
    assert "valueQuantity" not in early and early["dataAbsentReason"]["coding"][0]["code"] == "not-applicable"


def test_imported_flag_is_visible_and_read_back() -> None:
    imported, own = _record(imported=True), _record(imported=False, washout=1)
    bundle = _bundle(imported, own, result=RESULT)
    plans = [r for _, r in _of_type(bundle, "CarePlan")]
    tags = [[t["code"] for t in p.get("meta", {}).get("tag", [])] for p in plans]
    assert tags == [["imported-schedule"], []]
    flags = [
        next(s["valueBoolean"] for s in p["extension"][0]["extension"] if s["url"] == "imported")
        for p in plans
    ]
    assert flags == [True, False]
    result_tags = [r.get("meta", {}).get("tag") for _, r in _of_type(bundle, "Observation") if "basedOn" in r]
    assert [bool(t) for t in result_tags] == [True, False]
    parsed = parse_diary_bundle(bundle)
    assert [e.imported for _, e in parsed.experiments] == [True, False]
    assert [e for _, e in parsed.experiments] == [imported, own]  # every field, nights and seed included


def _refused(bundle: dict[str, Any]) -> list[str]:
    with pytest.raises(FhirError) as err:
        parse_diary_bundle(bundle)
    return err.value.problems


def test_malformed_care_plan_is_refused_naming_its_full_url() -> None:
    good = _bundle(_record())
    url, _ = _of_type(good, "CarePlan")[0]
    index = next(i for i, e in enumerate(good["entry"]) if e["fullUrl"] == url)

    flipped = copy.deepcopy(good)  # an 'off' block turned 'on' after the schedule was drawn
    flipped["entry"][index]["resource"]["activity"][1]["detail"]["doNotPerform"] = False
    problems = _refused(flipped)
    assert any(url in p and "pair 1 needs one 'on' and one 'off' block" in p for p in problems), problems

    swapped = copy.deepcopy(good)  # pair 2 re-ordered: a valid design, but not the one drawn
    for block in (2, 3):
        detail = swapped["entry"][index]["resource"]["activity"][block]["detail"]
        detail["doNotPerform"] = not detail["doNotPerform"]
    assert any(url in p and "scheduleSha256: does not match" in p for p in _refused(swapped))

    no_design = copy.deepcopy(good)
    no_design["entry"][index]["resource"].pop("extension")
    assert any(url in p and DESIGN_EXTENSION in p for p in _refused(no_design))

    short = copy.deepcopy(good)  # a block missing: the schedule is not 2 x pairs blocks
    short["entry"][index]["resource"]["activity"].pop()
    assert any(url in p and "needs 4 blocks" in p for p in _refused(short))

    shifted = copy.deepcopy(good)
    shifted["entry"][index]["resource"]["activity"][2]["detail"]["scheduledPeriod"]["start"] = "2026-11-08"
    assert any(url in p and "activity[2].detail.scheduledPeriod" in p for p in _refused(shifted))


def test_structurally_broken_care_plan_is_refused_naming_its_full_url() -> None:
    good = _bundle(_record())
    url, _ = _of_type(good, "CarePlan")[0]
    index = next(i for i, e in enumerate(good["entry"]) if e["fullUrl"] == url)
    broken = copy.deepcopy(good)
    broken["entry"][index]["resource"]["intent"] = "wish"
    broken["entry"][index]["resource"]["activity"][0]["detail"]["scheduledPeriod"] = "November"
    problems = _refused(broken)
    assert any(
        p.startswith(f"entry[{index}] {url} ") and "intent: unknown code 'wish'" in p for p in problems
    )
    assert any(p.startswith(f"entry[{index}] {url} ") and "scheduledPeriod" in p for p in problems), problems


def test_our_validator_checks_care_plan_codes() -> None:
    plan = _of_type(_bundle(_record()), "CarePlan")[0][1]
    bad = {**plan, "intent": "wish", "status": "finished"}
    bad["activity"] = [{"detail": {**plan["activity"][0]["detail"], "status": "done"}}]
    problems = resource_problems(bad)
    assert any(p.startswith("intent: unknown code 'wish'") for p in problems)
    assert any(p.startswith("status: unknown code 'finished'") for p in problems)
    assert "activity[0].detail.status: unknown code 'done'" in problems
    verdict = copy.deepcopy(plan)
    verdict["category"][0]["coding"][0]["code"] = "probably-works"
    assert any("unknown code 'probably-works'" in p for p in resource_problems(verdict))


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_harmful_intervention_is_refused_and_nothing_is_imported(tmp_path: Path) -> None:
    # Quinine is graded not recommended for leg cramps (harms outweigh benefits): a bundle must not
    # put it on anyone's tonight-list, even with a consistent schedule and hash.
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    bundle = _bundle(_record(intervention="quinine"))
    url = _of_type(bundle, "CarePlan")[0][0]
    out = runner.invoke(app, ["fhir", "import", _write(tmp_path, "q.json", bundle), "--db", db])
    assert out.exit_code == 2
    assert url in out.stderr and "not recommended" in out.stderr and "nothing was imported" in out.stderr
    listed = json.loads(runner.invoke(app, ["diary", "export", "--format", "json", "--db", db]).stdout)
    assert listed["episodes"] == [] and listed.get("experiments", []) == []


def _plans(db: Any, name: str) -> list[dict[str, Any]]:
    from crampcare.experiments.service import experiment_plan, list_experiments
    from crampcare.storage import get_or_create_user

    with db.session() as session:
        user = get_or_create_user(session, name)
        return [
            # created_at to the microsecond: the plan prints only seconds
            {
                **{k: v for k, v in experiment_plan(e).items() if k != "id"},
                "created": e.created_at.isoformat(),
            }
            for e in list_experiments(session, user)
        ]


def test_export_then_import_restores_experiments_exactly(db_url: str) -> None:
    from crampcare.diary.service import import_records
    from crampcare.experiments.service import create_experiment
    from crampcare.fhir.diary_export import export_bundle, import_bundle
    from crampcare.storage import get_or_create_user, open_database

    db = open_database(db_url)
    source, target = f"src-{uuid.uuid4().hex}", f"dst-{uuid.uuid4().hex}"
    try:
        with db.session() as session:
            user = get_or_create_user(session, source)
            # Run elsewhere: chosen seed, past start; its nights are over, so a result is exported.
            create_experiment(
                session, user, "calf_stretch_before_bed", dt.date(2026, 9, 1), 7, 3, 1234, 2, imported=True
            )
            # Drawn by crampcare, starting today: no night is over, so no result yet.
            create_experiment(session, user, "reduce_caffeine", dt.date.today(), 5, 4)
            cramps = [
                EpisodeRecord(
                    started_at=dt.datetime(2026, 9, 1 + d, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                    muscle="calf",
                    side="right",
                )
                for d in range(0, 28, 3)
            ]
            import_records(session, user, cramps, [])
            text = export_bundle(session, user)
        bundle = json.loads(text)
        assert bundle_problems(bundle) == []
        assert len(_of_type(bundle, "CarePlan")) == 2
        assert len([r for _, r in _of_type(bundle, "Observation") if "basedOn" in r]) == 1
        with db.session() as session:
            summary = import_bundle(session, get_or_create_user(session, target), bundle)
        assert summary.experiments == 2
        expected, got = _plans(db, source), _plans(db, target)
        assert got == expected
        assert [p["imported"] for p in got] == [True, False]
        assert got[0]["seed"] == 1234 and got[0]["washout_days"] == 2
        with db.session() as session:  # the same bundle again: nothing new
            again = import_bundle(session, get_or_create_user(session, target), bundle)
        assert again.experiments == 0
        assert _plans(db, target) == expected
    finally:
        db.dispose()
