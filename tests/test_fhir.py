"""FHIR R4: the SDC Questionnaire, QuestionnaireResponse input, the diary Bundle round trip, validation."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crampcare.assess import parse_inputs
from crampcare.assess.questions import questions
from crampcare.cli import app
from crampcare.fhir.bundle import Assessment, diary_bundle, parse_diary_bundle
from crampcare.fhir.codes import LOINC, UCUM, own_system
from crampcare.fhir.errors import FhirError
from crampcare.fhir.questionnaire import build_questionnaire, input_to_response, response_to_input
from crampcare.fhir.validate import bundle_problems, resource_problems
from crampcare.records import RELIEF_CODES, SIDES, DayLogRecord, EpisodeRecord, MedicationRecord
from crampcare.records.values import muscles
from crampcare.spec import vocabulary

runner = CliRunner()
OFFSET = dt.timezone(dt.timedelta(hours=1))
PERSON: dict[str, Any] = {
    "age_years": 67,
    "sex": "female",
    "pregnancy": {"pregnant": False},
    "cramps": {
        "timing": ["night"],
        "locations": ["calf"],
        "side": "both",
        "episode_duration_seconds": 120,
        "episodes_per_week": 4,
        "weeks_since_onset": 10,
        "pain_severity_0_10": 7,
    },
    "findings": ["sudden_painful_tightening", "visible_or_palpable_knot", "relieved_by_stretching"],
    "conditions": ["hypertension"],
    "medications": ["Hydrochlorothiazide 25 mg", "Lipitor"],
    "lifestyle": {"caffeine_drinks_per_day": 2, "smoker": False, "activity": "sedentary"},
}


def _sample_diary() -> tuple[list[EpisodeRecord], list[DayLogRecord], list[MedicationRecord]]:
    episodes = [
        EpisodeRecord(
            dt.datetime(2026, 11, 20, 3, 10, tzinfo=OFFSET), "calf", "left", 90, 7, True, ("stretch",), "bad"
        ),
        EpisodeRecord(dt.datetime(2026, 11, 21, 23, 0, tzinfo=dt.UTC), "thigh_back", "both"),
    ]
    logs = [DayLogRecord(dt.date(2026, 11, 20), True, 1.5, 3.0, None, 20.0, "walked")]
    meds = [MedicationRecord("Hydrochlorothiazide", dt.date(2026, 1, 5), None, "25 mg", "")]
    return episodes, logs, meds


# --- Questionnaire and QuestionnaireResponse ------------------------------------------------------


def test_questionnaire_is_built_from_the_question_list_and_validates() -> None:
    q = build_questionnaire()
    Questionnaire.model_validate(q)
    assert resource_problems(q) == []
    assert [i["linkId"] for i in q["item"]] == [x.link_id for x in questions()]
    by_id = {i["linkId"]: i for i in q["item"]}
    timing = by_id["cramps.timing"]
    assert timing["type"] == "choice" and timing["repeats"] is True
    codes = [o["valueCoding"]["code"] for o in timing["answerOption"]]
    assert codes == list(vocabulary()["cramp_timing"])
    first = timing["answerOption"][0]["valueCoding"]
    assert first["system"] == own_system("cramp_timing")
    assert first["display"] == vocabulary()["cramp_timing"][first["code"]]
    assert by_id["age_years"]["required"] is True
    # skip logic: pregnancy only for women, the seizure follow-up only after convulsions/collapse
    assert by_id["pregnancy.pregnant"]["enableWhen"][0]["answerCoding"]["code"] == "female"
    seizure = by_id["findings.seizure"]
    assert seizure["enableBehavior"] == "any"
    assert {w["answerCoding"]["code"] for w in seizure["enableWhen"]} == {
        "generalized_convulsions",
        "loss_of_consciousness",
    }
    findings = [
        o["valueCoding"]["code"]
        for k, v in by_id.items()
        if k.startswith("findings.")
        for o in v["answerOption"]
    ]
    assert sorted(findings) == sorted(vocabulary()["findings"])


def test_cli_prints_the_questionnaire() -> None:
    out = runner.invoke(app, ["fhir", "questionnaire"])
    assert out.exit_code == 0
    assert json.loads(out.stdout) == build_questionnaire()


def test_response_round_trips_to_the_same_input() -> None:
    response = input_to_response(PERSON, authored="2026-11-25T08:00:00Z")
    QuestionnaireResponse.model_validate(response)
    assert resource_problems(response) == []
    back = response_to_input(response)
    assert sorted(back.pop("findings")) == sorted(PERSON["findings"])
    expected = {k: v for k, v in PERSON.items() if k != "findings"}
    assert back == expected
    parse_inputs(back)  # the same validation path as JSON input


def test_bad_response_names_the_item_and_field() -> None:
    response = input_to_response(PERSON)
    response["item"][1]["answer"] = [{"valueCoding": {"system": own_system("sex"), "code": "robot"}}]
    response["item"].append({"linkId": "no.such.question", "answer": [{"valueBoolean": True}]})
    with pytest.raises(FhirError) as err:
        response_to_input(response)
    assert (
        "QuestionnaireResponse.item[1] (linkId 'sex').answer[0]: unknown code 'robot'" in err.value.problems
    )
    assert any("'no.such.question'" in p and "unknown linkId" in p for p in err.value.problems)


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_assess_cli_accepts_a_questionnaire_response(tmp_path: Path) -> None:
    try:
        from crampcare.knowledge import load

        load()
    except Exception as exc:  # the knowledge base may be mid-change in a shared tree
        pytest.skip(f"knowledge base not loadable: {exc}")
    plain = runner.invoke(app, ["assess", "--input", _write(tmp_path, "in.json", PERSON)])
    fhir = runner.invoke(app, ["assess", "--input", _write(tmp_path, "qr.json", input_to_response(PERSON))])
    assert plain.exit_code == 0 and fhir.exit_code == 0
    a, b = json.loads(plain.stdout), json.loads(fhir.stdout)
    assert a["triage"] == b["triage"] and a["differential"] == b["differential"]


def test_assess_cli_rejects_a_bad_response_without_traceback(tmp_path: Path) -> None:
    response = input_to_response(PERSON)
    response["item"][0]["answer"] = [{"valueString": "old"}]
    out = runner.invoke(app, ["assess", "--input", _write(tmp_path, "qr.json", response)])
    assert out.exit_code == 2
    assert out.stdout == ""
    assert "input.item[0] (linkId 'age_years').answer[0]: valueString: this question takes" in out.stderr
    assert "Traceback" not in out.stderr


# --- the diary bundle -------------------------------------------------------------------------


def test_diary_bundle_validates_and_reads_back() -> None:
    episodes, logs, meds = _sample_diary()
    bundle = diary_bundle(episodes, logs, meds, atc=lambda name: ("C03AA03", "hydrochlorothiazide"))
    Bundle.model_validate(bundle)
    assert bundle_problems(bundle) == []
    assert bundle["type"] == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    # Issue 16: our own code systems now travel with the export, after the data.
    assert kinds[:5] == ["Patient", "Observation", "Observation", "Observation", "MedicationStatement"]
    systems = {e["resource"]["url"]: e["resource"] for e in bundle["entry"][5:]}
    assert set(kinds[5:]) == {"CodeSystem"}
    assert own_system("cramp_locations") in systems and own_system("diary") in systems
    used = {
        (c["system"], c["code"])
        for e in bundle["entry"][:5]
        for c in json.loads(json.dumps(e["resource"])).get("bodySite", {}).get("coding", [])
    }
    for system, code in used:
        if system in systems:
            assert code in {c["code"] for c in systems[system]["concept"]}
    assert all(".invalid" not in url for url in systems)
    episode = bundle["entry"][1]["resource"]
    assert episode["effectiveDateTime"] == "2026-11-20T03:10:00+01:00"
    assert {
        "system": "http://snomed.info/sct",
        "code": "449918009",
        "display": "Cramp in lower leg",
    } in episode["code"]["coding"]
    assert episode["bodySite"]["text"] == "Calf (gastrocnemius, soleus), left"
    assert episode["bodySite"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "53840002",  # DICOM PS3.16 CID 4031: "Calf of leg"
        "display": "Calf of leg",
    }
    severity = next(c for c in episode["component"] if c["code"]["text"].startswith("Pain severity"))
    assert {"system": LOINC, "code": "72514-3"}.items() <= severity["code"]["coding"][0].items()
    hamstring = bundle["entry"][2]["resource"]
    # not below the knee: no SNOMED CT code (the general "Cramp" 55300003 is unverified)
    assert all(c["system"] != "http://snomed.info/sct" for c in hamstring["code"]["coding"])
    assert hamstring["code"]["text"] == "Leg cramp episode"
    assert hamstring["bodySite"]["coding"][0]["code"] == "68367000"  # Thigh
    statement = bundle["entry"][4]["resource"]
    assert statement["medicationCodeableConcept"]["coding"][0] == {
        "system": "http://www.whocc.no/atc",
        "code": "C03AA03",
        "display": "hydrochlorothiazide",
    }
    assert statement["status"] == "active"
    parsed = parse_diary_bundle(json.loads(json.dumps(bundle)))
    assert [e.started_at.isoformat() for e in parsed.episodes] == [e.started_at.isoformat() for e in episodes]
    assert parsed.episodes == episodes and parsed.day_logs == logs and parsed.medications == meds
    assert dict(parsed.skipped) == {"Patient": 1}


def test_bundle_with_assessment_has_labs_with_loinc_and_ucum() -> None:
    person = {
        **PERSON,
        "labs": {
            "potassium_mmol_l": 3.3,
            "tsh_mu_l": 6.1,
            "calcium_mmol_l": 2.1,
            "albumin_g_l": 38,
            "ck_u_l": 250,
        },
    }
    result = {
        "triage": {"level": "routine", "reasons": ["Book an appointment."]},
        "red_flags": [],
        "differential": [
            {
                "condition": "nocturnal_leg_cramps",
                "probability": 0.81,
                "icd10": "G47.62",
                "supporting": ["sudden_painful_tightening"],
                "against": [],
            },
            {
                "condition": "hypokalaemia",
                "probability": 0.3,
                "icd10": "E87.6",
                "supporting": [],
                "against": [],
            },
        ],
        "recommendations": [{"id": "calf_stretch_before_bed", "evidence": "possibly_helpful"}],
    }
    when = "2026-11-25T08:00:00Z"
    taken = {"potassium_mmol_l": "2026-11-20"}
    bundle = diary_bundle(
        [], [], [], assessment=Assessment(person, result, when, frozenset({"G47.62"}), taken)
    )
    assert bundle_problems(bundle) == []
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    labs = {r["code"]["text"]: r for r in resources if r["resourceType"] == "Observation"}
    potassium = labs["Potassium, serum"]
    assert potassium["code"]["coding"][0] == {
        "system": LOINC,
        "code": "2823-3",
        "display": "Potassium [Moles/volume] in Serum or Plasma",
    }
    assert potassium["valueQuantity"] == {"value": 3.3, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}
    assert labs["TSH (thyrotropin)"]["valueQuantity"]["code"] == "m[IU]/L"
    assert labs["Creatine kinase (CK)"]["code"]["coding"][0]["code"] == "2157-6"
    # Issue 16: calcium and albumin now carry LOINC codes checked against public tables (they used
    # to travel as text only): 2000-8 Calcium [Moles/volume], 1751-7 Albumin [Mass/volume].
    assert labs["Calcium, serum (total)"]["code"]["coding"][0]["code"] == "2000-8"
    assert labs["Albumin, serum"]["code"]["coding"][0]["code"] == "1751-7"
    assert labs["Albumin, serum"]["valueQuantity"]["code"] == "g/L"
    # A lab's date is when the sample was taken, if known; never the assessment's time.
    assert potassium["effectiveDateTime"] == "2026-11-20"
    assert "effectiveDateTime" not in labs["Calcium, serum (total)"]
    risk = next(r for r in resources if r["resourceType"] == "RiskAssessment")
    first, second = risk["prediction"]
    # Issue 16: the scores are uncalibrated, so no probabilityDecimal (it used to carry 0.81);
    # the predictions are in rank order and say so.
    assert "probabilityDecimal" not in first and "probabilityDecimal" not in second
    assert first["rationale"].startswith("rank 1 of 2")
    assert {"system": "http://hl7.org/fhir/sid/icd-10", "code": "G47.62"} in first["outcome"]["coding"]
    assert all(c["system"] != "http://hl7.org/fhir/sid/icd-10" for c in second["outcome"]["coding"])
    assert risk["note"][0]["text"].startswith("Triage: routine.")
    assert any(r["resourceType"] == "QuestionnaireResponse" for r in resources)
    assert any(r["resourceType"] == "Condition" for r in resources)


def test_own_checks_catch_what_the_models_accept() -> None:
    episodes, logs, meds = _sample_diary()
    bundle = diary_bundle(episodes, logs, meds)
    obs = bundle["entry"][1]["resource"]
    obs["status"] = "bogus"
    obs["code"]["coding"][0]["code"] = "12345678"
    obs["component"][0]["valueQuantity"]["code"] = "furlongs"
    bundle["entry"][4]["resource"]["subject"]["reference"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    problems = bundle_problems(bundle)
    name = f"entry[1] Observation/{obs['id']}"
    assert (
        f"{name}: status: unknown code 'bogus'; one of amended, cancelled, corrected, entered-in-error, "
        "final, preliminary, registered, unknown" in problems
    )
    assert (
        f"{name}: code.coding[0].code: SNOMED CT code '12345678' is not one crampcare has verified"
        in problems
    )
    assert (
        f"{name}: component[0].valueQuantity.code: UCUM unit 'furlongs' is not one crampcare uses" in problems
    )
    assert any(p.startswith("entry[4].resource.subject.reference:") for p in problems)


def _bad_bundle() -> dict[str, Any]:
    episodes, logs, meds = _sample_diary()
    bundle = diary_bundle(episodes, logs, meds)
    bundle["entry"][1]["resource"]["component"][1]["valueInteger"] = 11  # severity out of range
    del bundle["entry"][4]["resource"]["effectivePeriod"]
    return bundle


def test_parse_lists_every_problem_by_entry_and_field() -> None:
    bundle = _bad_bundle()
    with pytest.raises(FhirError) as err:
        parse_diary_bundle(bundle)
    ep_id = bundle["entry"][1]["resource"]["id"]
    med_id = bundle["entry"][4]["resource"]["id"]
    assert err.value.problems == [
        f"entry[1] Observation/{ep_id}: component[severity]: must be from 0 to 10, not 11",
        f"entry[4] MedicationStatement/{med_id}: effectivePeriod.start: "
        "missing (the date the medicine was started)",
    ]


def test_cli_import_is_all_or_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    bad = runner.invoke(app, ["fhir", "import", _write(tmp_path, "bad.json", _bad_bundle()), "--db", db])
    assert bad.exit_code == 2
    assert "component[severity]: must be from 0 to 10, not 11" in bad.stderr
    assert "nothing was imported" in bad.stderr and "Traceback" not in bad.stderr
    listed = runner.invoke(app, ["diary", "export", "--format", "json", "--db", db])
    assert json.loads(listed.stdout)["episodes"] == []
    episodes, logs, meds = _sample_diary()
    good = runner.invoke(
        app, ["fhir", "import", _write(tmp_path, "good.json", diary_bundle(episodes, logs, meds)), "--db", db]
    )
    assert good.exit_code == 0, good.stderr
    assert good.stdout.startswith("imported 2 episodes, 1 day logs, 1 medicines")
    again = runner.invoke(app, ["fhir", "import", str(tmp_path / "good.json"), "--db", db])
    assert again.stdout.startswith("imported 2 episodes, 1 day logs, 0 medicines")  # no duplicates
    not_json = runner.invoke(
        app, ["fhir", "import", _write(tmp_path, "x.json", "x")[:-6] + "x.json", "--db", db]
    )
    assert not_json.exit_code == 2


def test_diary_export_cli_offers_fhir(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    added = runner.invoke(
        app,
        [
            "diary",
            "add",
            "--at",
            "2026-11-20T03:10:00+01:00",
            "--duration",
            "90",
            "--muscle",
            "calf",
            "--side",
            "left",
            "--severity",
            "7",
            "--db",
            db,
        ],
    )
    assert added.exit_code == 0, added.stderr
    out = runner.invoke(app, ["diary", "export", "--format", "fhir", "--db", db])
    assert out.exit_code == 0, out.stderr
    bundle = json.loads(out.stdout)
    assert bundle_problems(bundle) == []
    assert parse_diary_bundle(bundle).episodes[0].started_at.isoformat() == "2026-11-20T03:10:00+01:00"


# --- property: export then import reproduces the diary exactly (SQLite and PostgreSQL) -------------

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_episode = st.builds(
    EpisodeRecord,
    started_at=st.builds(
        lambda t, m: t.replace(tzinfo=dt.timezone(dt.timedelta(minutes=m))),
        st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2026, 11, 1)).map(
            lambda t: t.replace(microsecond=0)
        ),
        st.integers(-48, 56).map(lambda q: q * 15),
    ),
    muscle=st.sampled_from(sorted(muscles())),
    side=st.sampled_from(SIDES),
    duration_s=st.none() | st.integers(0, 86400),
    severity=st.none() | st.integers(0, 10),
    woke_from_sleep=st.none() | st.booleans(),
    relieved_by=st.lists(st.sampled_from(RELIEF_CODES), unique=True, max_size=3).map(tuple),
    notes=_text,
)


def _amount(high: float) -> st.SearchStrategy[float | None]:
    return st.none() | st.floats(0, high, allow_nan=False, allow_infinity=False)


_day_log = st.builds(
    DayLogRecord,
    date=st.dates(dt.date(2020, 1, 1), dt.date(2026, 11, 1)),
    stretched_before_bed=st.none() | st.booleans(),
    fluid_litres=_amount(20),
    caffeine_drinks=_amount(50),
    alcohol_units=_amount(100),
    exercise_minutes=_amount(1440),
    notes=_text,
)
_medication = st.builds(
    lambda name, start, days, dose, notes: MedicationRecord(
        name, start, None if days is None else start + dt.timedelta(days=days), dose, notes
    ),
    st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=40),
    st.dates(dt.date(2015, 1, 1), dt.date(2026, 11, 1)),
    st.none() | st.integers(0, 20),
    _text,
    _text,
)
_diary = st.tuples(
    st.lists(_episode, max_size=8, unique_by=lambda e: e.key),
    st.lists(_day_log, max_size=5, unique_by=lambda d: d.date),
    st.lists(_medication, max_size=3),
)


def _snapshot(db: Any, name: str) -> tuple[list[Any], list[Any], list[Any]]:
    from crampcare.diary.service import day_log_records, episode_records, medication_records
    from crampcare.storage import get_or_create_user

    with db.session() as session:
        user = get_or_create_user(session, name)
        episodes = [(e.started_at.isoformat(), e) for e in episode_records(session, user)]
        return episodes, day_log_records(session, user), medication_records(session, user)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(diary=_diary)
def test_export_then_import_reproduces_the_diary(db_url: str, diary: Any) -> None:
    from crampcare.diary.service import import_records
    from crampcare.fhir.diary_export import export_bundle, import_bundle, medication_rows
    from crampcare.storage import get_or_create_user, open_database

    episodes, logs, meds = diary
    db = open_database(db_url)
    source, target = f"src-{uuid.uuid4().hex}", f"dst-{uuid.uuid4().hex}"  # each starts empty
    try:
        with db.session() as session:
            user = get_or_create_user(session, source)
            session.add_all(medication_rows(user, list(meds)))
            import_records(session, user, episodes, logs)
            text = export_bundle(session, user)
        with db.session() as session:
            import_bundle(session, get_or_create_user(session, target), json.loads(text))
        expected, got = _snapshot(db, source), _snapshot(db, target)
        assert got == expected
        assert sorted(got[0], key=repr) == sorted(((e.started_at.isoformat(), e) for e in episodes), key=repr)
        assert sorted(got[1], key=repr) == sorted(logs, key=repr)
    finally:
        db.dispose()


def test_import_into_an_empty_database_matches_the_json_export(tmp_path: Path, db_url: str) -> None:
    episodes, logs, meds = _sample_diary()
    first = f"sqlite:///{tmp_path / 'a.sqlite'}"
    path = _write(tmp_path, "b.json", diary_bundle(episodes, logs, meds))
    assert runner.invoke(app, ["fhir", "import", path, "--db", first]).exit_code == 0
    assert runner.invoke(app, ["fhir", "import", path, "--db", db_url]).exit_code == 0
    a = runner.invoke(app, ["diary", "export", "--format", "json", "--db", first]).stdout
    b = runner.invoke(app, ["diary", "export", "--format", "json", "--db", db_url]).stdout
    assert a == b and json.loads(a)["episodes"]


def test_import_reads_rxnorm_only_and_referenced_medicines() -> None:
    """Real EHR bundles name medicines by RxNorm code only, or through a Medication resource."""
    episodes, logs, meds = _sample_diary()
    bundle = diary_bundle(episodes, logs, meds)
    statement = bundle["entry"][4]["resource"]
    rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    statement["medicationCodeableConcept"] = {"coding": [{"system": rxnorm, "code": "4603"}]}  # CPIC
    parsed = parse_diary_bundle(json.loads(json.dumps(bundle)))
    assert parsed.medications[0].name == "furosemide"
    del statement["medicationCodeableConcept"]
    statement["medicationReference"] = {"reference": "#m"}
    statement["contained"] = [
        {"resourceType": "Medication", "id": "m", "code": {"text": "Quinine sulfate 300 mg"}}
    ]
    assert parse_diary_bundle(json.loads(json.dumps(bundle))).medications[0].name == "Quinine sulfate 300 mg"


@pytest.mark.parametrize(
    "muscle, cramp_code, site",
    [
        ("calf", "449918009", "53840002"),
        ("shin", "449918009", "30021000"),
        # the foot is not the lower leg; the general "Cramp" concept is unverified, so no SNOMED code
        ("foot", None, "56459004"),
        ("toes", None, "29707007"),
        ("whole_leg", None, None),
    ],
)
def test_cramp_codes_and_body_sites_per_muscle(muscle: str, cramp_code: str | None, site: str | None) -> None:
    episode = EpisodeRecord(dt.datetime(2026, 11, 20, 3, 10, tzinfo=OFFSET), muscle, "left")
    bundle = diary_bundle([episode], [], [])
    assert bundle_problems(bundle) == []
    obs = bundle["entry"][1]["resource"]
    snomed = [c["code"] for c in obs["code"]["coding"] if c["system"] == "http://snomed.info/sct"]
    assert snomed == ([cramp_code] if cramp_code else [])
    snomed_sites = [c["code"] for c in obs["bodySite"]["coding"] if c["system"] == "http://snomed.info/sct"]
    assert snomed_sites == ([site] if site else [])
    assert parse_diary_bundle(json.loads(json.dumps(bundle))).episodes == [episode]
