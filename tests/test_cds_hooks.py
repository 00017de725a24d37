"""CDS Hooks: discovery, patient-view and order-select, posted as the spec's requests via TestClient.

The requests follow the CDS Hooks 2.0 examples (hook, hookInstance, fhirServer, context, prefetch
with a Patient and searchset Bundles), with realistic FHIR R4 resources.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from crampcare.fhir.cds import ORDER_SELECT, PATIENT_VIEW
from crampcare.web.cds import router


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    # Cards link to the server's own pages (source.url, links): an EHR reaches us over HTTPS.
    return TestClient(app, base_url="https://cds.example.org")


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


PATIENT = {"resourceType": "Patient", "id": "1288992", "gender": "female", "birthDate": "1958-03-14"}
CRAMPS = {
    "resourceType": "Condition",
    "id": "c1",
    "clinicalStatus": {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]
    },
    "code": {
        "coding": [
            {"system": "http://snomed.info/sct", "code": "449918009", "display": "Cramp in lower leg"}
        ],
        "text": "Night cramps in calves",
    },
    "subject": {"reference": "Patient/1288992"},
}
HYPERTENSION = {
    "resourceType": "Condition",
    "id": "c2",
    "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "I10"}], "text": "Hypertension"},
    "subject": {"reference": "Patient/1288992"},
}
THIAZIDE = {
    "resourceType": "MedicationStatement",
    "id": "m1",
    "status": "active",
    "medicationCodeableConcept": {
        "coding": [
            {"system": "http://www.whocc.no/atc", "code": "C03AA03", "display": "hydrochlorothiazide"}
        ],
        "text": "Hydrochlorothiazide 25 mg tablets",
    },
    "subject": {"reference": "Patient/1288992"},
}
QUININE = {
    "resourceType": "MedicationRequest",
    "id": "m2",
    "status": "active",
    "intent": "order",
    "medicationCodeableConcept": {"text": "Quinine sulfate 300 mg tablets"},
    "subject": {"reference": "Patient/1288992"},
}
POTASSIUM = {
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "category": [
        {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}
            ]
        }
    ],
    "code": {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "2823-3",
                "display": "Potassium [Moles/volume] in Serum or Plasma",
            }
        ]
    },
    "subject": {"reference": "Patient/1288992"},
    "effectiveDateTime": "2026-11-10T09:30:00+00:00",
    "valueQuantity": {
        "value": 3.1,
        "unit": "mmol/L",
        "system": "http://unitsofmeasure.org",
        "code": "mmol/L",
    },
}


def patient_view_request(**prefetch: Any) -> dict[str, Any]:
    return {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "https://ehr.example.org/r4",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "1288992"},
        "prefetch": {"patient": PATIENT, **prefetch},
    }


def test_discovery_lists_both_services_with_prefetch(client: TestClient) -> None:
    body = client.get("/cds-services").json()
    services = {s["id"]: s for s in body["services"]}
    assert services[PATIENT_VIEW]["hook"] == "patient-view"
    assert services[ORDER_SELECT]["hook"] == "order-select"
    for service in services.values():
        assert service["title"] and service["description"]
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert "http://loinc.org|2823-3" in services[PATIENT_VIEW]["prefetch"]["labs"]


def _check_card(card: dict[str, Any]) -> None:
    assert card["indicator"] in ("info", "warning", "critical")
    assert len(card["summary"]) < 140
    assert card["source"]["label"] and card["source"]["url"].startswith("https://")
    assert "**Sources**" in card["detail"]
    assert "stop" not in card["summary"].lower()  # never tell anyone to stop a prescribed medicine


def test_thiazide_and_low_potassium_give_a_warning_card(client: TestClient) -> None:
    request = patient_view_request(
        conditions=searchset(CRAMPS, HYPERTENSION),
        medicationStatements=searchset(THIAZIDE),
        labs=searchset(POTASSIUM),
    )
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=request)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    for card in cards:
        _check_card(card)
    main = cards[0]
    assert main["indicator"] == "warning"
    assert main["summary"].startswith("Leg cramps with thiazide diuretic and low potassium (3.1 mmol/L)")
    assert "Hydrochlorothiazide 25 mg tablets" in main["detail"]
    assert "`allen_kirby_2012_afp`" in main["detail"]  # reference key with its citation
    assert "stop" not in main["summary"].lower()
    # potassium was measured, so electrolytes are not re-suggested
    tests = [c for c in cards if c["summary"].startswith("Leg cramps: tests to consider")]
    assert all("electrolytes" not in c["summary"] for c in tests)


def test_quinine_on_the_list_gives_a_warning_card_even_without_cramps(client: TestClient) -> None:
    request = patient_view_request(medicationRequests=searchset(QUININE))
    cards = client.post(f"/cds-services/{PATIENT_VIEW}", json=request).json()["cards"]
    assert len(cards) == 1
    card = cards[0]
    _check_card(card)
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Quinine on the medication list (Quinine sulfate 300 mg tablets)")
    assert "`mhra_quinine_2010`" in card["detail"]


def test_no_cramps_no_quinine_no_cards(client: TestClient) -> None:
    request = patient_view_request(medicationStatements=searchset(THIAZIDE), labs=searchset(POTASSIUM))
    assert client.post(f"/cds-services/{PATIENT_VIEW}", json=request).json() == {"cards": []}


def test_cramp_observation_and_statin_give_an_info_card(client: TestClient) -> None:
    statin = copy.deepcopy(THIAZIDE)
    statin["medicationCodeableConcept"] = {"text": "Atorvastatin 40 mg"}
    cramp_obs = {
        "resourceType": "Observation",
        "id": "o2",
        "status": "final",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "449918009"}]},
        "effectiveDateTime": "2026-11-20T03:10:00+01:00",
    }
    request = patient_view_request(medicationStatements=searchset(statin), cramps=searchset(cramp_obs))
    cards = client.post(f"/cds-services/{PATIENT_VIEW}", json=request).json()["cards"]
    assert cards[0]["indicator"] == "info"
    assert "Atorvastatin 40 mg (statin)" in cards[0]["summary"]


def order_select_request(reason: dict[str, Any] | None) -> dict[str, Any]:
    draft = {
        "resourceType": "MedicationRequest",
        "id": "request-123",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.whocc.no/atc", "code": "P01BC01", "display": "quinine"}],
            "text": "Quinine sulfate 200 mg",
        },
        "subject": {"reference": "Patient/1288992"},
        "dosageInstruction": [{"text": "200 mg at night"}],
    }
    if reason is not None:
        draft["reasonCode"] = [reason]
    other = {
        "resourceType": "MedicationRequest",
        "id": "request-456",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {"text": "Atorvastatin 20 mg"},
    }
    return {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2eb",
        "fhirServer": "https://ehr.example.org/r4",
        "hook": "order-select",
        "context": {
            "userId": "Practitioner/123",
            "patientId": "1288992",
            "encounterId": "89284",
            "selections": ["MedicationRequest/request-123"],
            "draftOrders": searchset(draft, other) | {"type": "collection"},
        },
        "prefetch": {"patient": PATIENT},
    }


def test_quinine_ordered_for_cramps_is_critical(client: TestClient) -> None:
    reason = {
        "coding": [{"system": "http://snomed.info/sct", "code": "449918009", "display": "Cramp in lower leg"}]
    }
    response = client.post(f"/cds-services/{ORDER_SELECT}", json=order_select_request(reason))
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    _check_card(card)
    assert card["indicator"] == "critical"
    assert (
        card["summary"]
        == "Quinine (Quinine sulfate 200 mg) ordered for leg cramps: not recommended for routine use"
    )
    assert "`fda_quinine_2010`" in card["detail"]


def test_quinine_without_a_reason_warns_and_for_malaria_is_silent(client: TestClient) -> None:
    (card,) = client.post(f"/cds-services/{ORDER_SELECT}", json=order_select_request(None)).json()["cards"]
    assert card["indicator"] == "warning"
    malaria = {"text": "Plasmodium falciparum malaria"}
    assert client.post(f"/cds-services/{ORDER_SELECT}", json=order_select_request(malaria)).json() == {
        "cards": []
    }


def test_unselected_orders_are_not_judged(client: TestClient) -> None:
    request = order_select_request({"text": "nocturnal leg cramps"})
    request["context"]["selections"] = ["MedicationRequest/request-456"]
    assert client.post(f"/cds-services/{ORDER_SELECT}", json=request).json() == {"cards": []}


def test_bad_requests_name_the_field(client: TestClient) -> None:
    bad = patient_view_request()
    bad["hook"] = "order-sign"
    del bad["hookInstance"]
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=bad)
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "hook: must be 'patient-view', not 'order-sign'",
        "hookInstance: missing",
    ]
    no_prefetch = patient_view_request()
    del no_prefetch["prefetch"]
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=no_prefetch)
    assert response.status_code == 412
    assert response.json()["detail"][0].startswith("prefetch.patient: required")


def test_the_web_app_serves_the_cds_hooks(tmp_path: Any) -> None:
    from crampcare.web.app import create_app

    application = create_app(f"sqlite:///{tmp_path / 'web.sqlite'}", secure_cookies=False)
    try:
        web = TestClient(application, base_url="https://cds.example.org")
        assert {s["id"] for s in web.get("/cds-services").json()["services"]} == {PATIENT_VIEW, ORDER_SELECT}
        request = order_select_request({"text": "leg cramps at night"})
        (card,) = web.post(f"/cds-services/{ORDER_SELECT}", json=request).json()["cards"]
        assert card["indicator"] == "critical"
    finally:
        application.state.db.dispose()
