"""Fitting real EHRs: a test CDS client that signs its calls, RxNorm-only and medicationReference
orders, CORS, oversized and odd requests, feedback, and the RxNorm code table.

The EHR client below generates its own P-384 key, publishes the public half as a JWK Set in a
file, and signs every call with ES384 as the CDS Hooks 2.0 security section asks (iss, aud =
the service URL, exp, iat, jti). Expected RxCUIs are written here from their public sources
(CPIC drug table; eCQM value set "ACE Inhibitor or ARB Ingredient"), not read from rxnorm.yaml.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from fastapi.testclient import TestClient

from crampcare.fhir.cds import ORDER_SELECT, PATIENT_VIEW
from crampcare.fhir.cds_security import REPLAY, CdsSettings, Issuer, settings_from_env
from crampcare.web.cds import FEEDBACK, router

BASE = "https://cds.example.org"
ISS = "https://ehr.example.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PATIENT = {"resourceType": "Patient", "id": "1288992", "gender": "female", "birthDate": "1950-05-01"}
CRAMPS = {
    "resourceType": "Condition",
    "id": "c1",
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "449918009"}]},
}


class EhrClient:
    """A CDS client: its own signing key, its JWK Set in a file, signed calls."""

    def __init__(self, folder: Path, iss: str = ISS, kid: str = "ehr-key-1") -> None:
        self.iss, self.kid = iss, kid
        self.key = ec.generate_private_key(ec.SECP384R1())
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": kid, "use": "sig", "alg": "ES384"})
        self.jwks_file = folder / f"jwks-{kid}.json"
        self.jwks_file.write_text(json.dumps({"keys": [public]}), encoding="utf-8")

    def token(self, aud: str, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": self.iss, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.key, algorithm="ES384", headers={"kid": self.kid})

    def headers(self, service: str, **overrides: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(f'{BASE}/cds-services/{service}', **overrides)}"}


@pytest.fixture()
def ehr(tmp_path: Path) -> EhrClient:
    return EhrClient(tmp_path)


def make_client(settings: CdsSettings) -> TestClient:
    app = FastAPI()
    app.include_router(router)
    app.state.cds_settings = settings
    return TestClient(app, base_url=BASE)


@pytest.fixture()
def secured(ehr: EhrClient) -> TestClient:
    return make_client(
        CdsSettings(
            require_jwt=True,
            issuers=(Issuer(ISS, jwks_file=str(ehr.jwks_file)),),
            cors_origins=("https://ehr-app.example.org",),
        )
    )


@pytest.fixture()
def open_client() -> TestClient:
    return make_client(CdsSettings())


def bundle(*resources: dict[str, Any], kind: str = "searchset") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def rx(code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": RXNORM, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def order_request(draft: dict[str, Any], *extra: dict[str, Any], prefetch: Any = None) -> dict[str, Any]:
    """The CDS Hooks 2.0 order-select example request, with our draft order in it."""
    return {
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/r4",
        "hook": "order-select",
        "context": {
            "userId": "Practitioner/123",
            "patientId": "1288992",
            "encounterId": "89284",
            "selections": [f"MedicationRequest/{draft['id']}"],
            "draftOrders": bundle(draft, *extra, kind="collection"),
        },
        "prefetch": prefetch or {"patient": PATIENT},
    }


def draft_order(**medication: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": "request-123",
        "status": "draft",
        "intent": "order",
        "subject": {"reference": "Patient/1288992"},
        "reasonCode": [{"text": "nocturnal leg cramps"}],
        **medication,
    }


def patient_view(**prefetch: Any) -> dict[str, Any]:
    return {
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/r4",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/example", "patientId": "1288992"},
        "prefetch": {"patient": PATIENT, **prefetch},
    }


# --- coded medicines -----------------------------------------------------------------------------


def test_rxnorm_codes_match_their_public_sources() -> None:
    from crampcare.knowledge import load

    codes = {c.ingredient: c.rxcui for c in load().rxnorm}
    # CPIC drug table (RxNorm:<rxcui> <name>)
    assert codes["quinine"] == "9071"
    assert codes["furosemide"] == "4603"
    assert codes["hydrochlorothiazide"] == "5487"
    assert codes["simvastatin"] == "36567"
    assert codes["omeprazole"] == "7646"
    # eCQM "ACE Inhibitor or ARB Ingredient" (OID 2.16.840.1.113883.3.526.3.1489)
    assert codes["lisinopril"] == "29046"
    assert codes["losartan"] == "52175"


def test_rxnorm_table_is_checked_against_the_catalogue() -> None:
    from crampcare.knowledge.rxnorm import RxNormCode, check_rxnorm

    table = (
        RxNormCode(ingredient="quinine", rxcui="9071", verified=True, source="cpic"),
        RxNormCode(ingredient="quinnine", rxcui="1", verified=False),
        RxNormCode(ingredient="furosemide", rxcui="9071", verified=True),
    )
    problems = check_rxnorm(table, {"quinine", "furosemide"})
    assert "rxnorm.yaml (quinnine): not an ingredient of drugs.yaml" in problems
    assert "rxnorm.yaml (furosemide): RxCUI 9071 already used for quinine" in problems
    assert "rxnorm.yaml (furosemide): verified but names no source" in problems
    with pytest.raises(ValueError):
        RxNormCode(ingredient="x", rxcui="12a", verified=False)


@pytest.mark.parametrize(
    "medication, extra",
    [
        ({"medicationCodeableConcept": rx("9071")}, ()),  # RxNorm only, no text, no display
        (
            {
                "medicationReference": {"reference": "#med1"},
                "contained": [{"resourceType": "Medication", "id": "med1", "code": rx("9071")}],
            },
            (),
        ),
        (
            {"medicationReference": {"reference": "Medication/q300"}},
            ({"resourceType": "Medication", "id": "q300", "code": {"text": "Quinine sulfate 300 mg"}},),
        ),
        (
            {"medicationReference": {"reference": "https://ehr.example.org/r4/Medication/q324"}},
            (
                {
                    "resourceType": "Medication",
                    "id": "q324",
                    "code": rx("313495"),  # a product code we do not map, but its ingredient:
                    "ingredient": [{"itemCodeableConcept": rx("9071", "Quinine")}],
                },
            ),
        ),
    ],
    ids=["rxnorm-only", "contained", "draft-orders", "ingredient-of-product"],
)
def test_quinine_ordered_however_coded_gets_a_card_with_a_delete_suggestion(
    open_client: TestClient, medication: dict[str, Any], extra: tuple[dict[str, Any], ...]
) -> None:
    request = order_request(draft_order(**medication), *extra)
    response = open_client.post(f"/cds-services/{ORDER_SELECT}", json=request)
    assert response.status_code == 200, response.text
    (card,) = response.json()["cards"]
    assert card["indicator"] == "critical"
    (suggestion,) = card["suggestions"]
    assert suggestion["label"] == "Remove the quinine order"
    assert suggestion["actions"] == [
        {
            "type": "delete",
            "description": suggestion["actions"][0]["description"],
            "resourceId": "MedicationRequest/request-123",  # 2.0: a string
        }
    ]
    assert card["selectionBehavior"] == "at-most-one"
    assert {r["code"] for r in card["overrideReasons"]} >= {"not-for-cramps"}
    assert card["links"][0]["type"] == "absolute"
    assert card["links"][0]["url"].startswith(BASE)
    assert card["source"]["url"].startswith(BASE) and ".invalid" not in card["source"]["url"]
    assert card["source"]["topic"]["code"] == "quinine-order"


def test_medication_reference_resolved_through_the_prefetch(open_client: TestClient) -> None:
    draft = draft_order(medicationReference={"reference": "Medication/qq"})
    prefetch = {
        "patient": PATIENT,
        "medications": bundle({"resourceType": "Medication", "id": "qq", "code": rx("9071")}),
    }
    (card,) = open_client.post(
        f"/cds-services/{ORDER_SELECT}", json=order_request(draft, prefetch=prefetch)
    ).json()["cards"]
    assert card["summary"].startswith("Quinine (quinine) ordered for leg cramps")


def test_other_rxnorm_orders_give_no_quinine_card(open_client: TestClient) -> None:
    # The spec's own order-select example: amoxicillin/clavulanate by RxNorm 617993.
    draft = draft_order(medicationCodeableConcept=rx("617993", "Amoxicillin 120 MG/ML / clavulanate"))
    assert open_client.post(f"/cds-services/{ORDER_SELECT}", json=order_request(draft)).json() == {
        "cards": []
    }


def test_rxnorm_only_statin_and_thiazide_are_recognised_in_patient_view(open_client: TestClient) -> None:
    statin = {"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order"}
    statin["medicationCodeableConcept"] = rx("36567")  # simvastatin, no text
    response = open_client.post(
        f"/cds-services/{PATIENT_VIEW}",
        json=patient_view(conditions=bundle(CRAMPS), medicationRequests=bundle(statin)),
    )
    cards = response.json()["cards"]
    assert cards[0]["summary"].startswith("Leg cramps: simvastatin (statin) can cause cramps")
    thiazide = {**statin, "id": "m2", "medicationReference": {"reference": "Medication/h"}}
    del thiazide["medicationCodeableConcept"]
    med = {"resourceType": "Medication", "id": "h", "code": rx("5487")}
    potassium = {
        "resourceType": "Observation",
        "id": "k",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
        "valueQuantity": {"value": 3.0, "unit": "mmol/L", "code": "mmol/L"},
    }
    cards = open_client.post(
        f"/cds-services/{PATIENT_VIEW}",
        json=patient_view(
            conditions=bundle(CRAMPS), medicationRequests=bundle(thiazide, med), labs=bundle(potassium)
        ),
    ).json()["cards"]
    assert cards[0]["indicator"] == "warning"
    assert "thiazide diuretic" in cards[0]["summary"]


def test_a_long_or_odd_medication_text_gets_cards_not_a_crash(open_client: TestClient) -> None:
    long_text = "Quinine sulfate 300 mg tablets, " + "take one at night as directed by the doctor " * 20
    order = {
        "resourceType": "MedicationRequest",
        "id": "m9",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"text": long_text},
    }
    weird = {**order, "id": "m10", "medicationCodeableConcept": {"text": "\u0000💊" * 500}}
    response = open_client.post(
        f"/cds-services/{PATIENT_VIEW}",
        json=patient_view(conditions=bundle(CRAMPS), medicationRequests=bundle(order, weird)),
    )
    assert response.status_code == 200, response.text
    card = response.json()["cards"][0]
    assert card["summary"].startswith("Quinine on the medication list")
    assert len(card["summary"]) < 140


def test_odd_requests_get_json_errors(open_client: TestClient) -> None:
    url = f"/cds-services/{PATIENT_VIEW}"
    response = open_client.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"] == ["request: not valid JSON"]
    response = open_client.post(url, content=b"[" * 100000 + b"]" * 100000)
    assert response.status_code in (400, 413) and "detail" in response.json()
    small = make_client(CdsSettings(max_body_bytes=10_000))
    response = small.post(url, json=patient_view(note="x" * 20_000))
    assert response.status_code == 413 and response.json()["detail"][0].startswith("request: larger")
    response = open_client.post(url, json={**patient_view(), "hook": "x" * 5000})
    assert response.status_code == 400 and len(response.json()["detail"][0]) < 200
    response = open_client.post(url, json=patient_view(patient="Patient/1"))
    assert response.status_code == 412


def test_the_web_app_answers_cds_errors_in_json(tmp_path: Path) -> None:
    from crampcare.web.app import create_app

    settings = CdsSettings(cors_origins=("https://ehr-app.example.org",))
    application = create_app(
        f"sqlite:///{tmp_path / 'web.sqlite'}", secure_cookies=False, cds_settings=settings
    )
    try:
        web = TestClient(application, base_url=BASE)
        preflight = web.options(
            f"/cds-services/{ORDER_SELECT}",
            headers={"Origin": "https://ehr-app.example.org", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://ehr-app.example.org"
        response = web.post(
            f"/cds-services/{PATIENT_VIEW}", content=b"x" * 10, headers={"Authorization": "Bearer not.a.jwt"}
        )
        assert response.status_code == 401 and response.headers["content-type"].startswith("application/json")
        for response in (
            web.get(f"/cds-services/{PATIENT_VIEW}"),  # 405
            web.post("/cds-services/nope"),  # 404
        ):
            assert response.status_code in (404, 405)
            assert response.headers["content-type"].startswith("application/json")
    finally:
        application.state.db.dispose()


# --- JWT ---------------------------------------------------------------------------------------


def test_signed_calls_are_answered(secured: TestClient, ehr: EhrClient) -> None:
    draft = draft_order(medicationCodeableConcept=rx("9071"))
    response = secured.post(
        f"/cds-services/{ORDER_SELECT}", json=order_request(draft), headers=ehr.headers(ORDER_SELECT)
    )
    assert response.status_code == 200, response.text
    assert response.json()["cards"][0]["indicator"] == "critical"
    response = secured.post(
        f"/cds-services/{PATIENT_VIEW}", json=patient_view(), headers=ehr.headers(PATIENT_VIEW)
    )
    assert response.status_code == 200, response.text


def _refused(client: TestClient, headers: dict[str, str], reason: str) -> None:
    response = client.post(f"/cds-services/{PATIENT_VIEW}", json=patient_view(), headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reason in response.json()["detail"][0]


def test_unsigned_malformed_and_forged_tokens_are_refused(
    secured: TestClient, ehr: EhrClient, tmp_path: Path
) -> None:
    _refused(secured, {}, "a bearer JWT is required")
    _refused(secured, {"Authorization": "Bearer not.a.jwt"}, "not a JWT")
    _refused(secured, {"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer <JWT>")
    (tmp_path / "forger").mkdir()
    forger = EhrClient(tmp_path / "forger", kid="ehr-key-1")  # same iss and kid, its own key
    _refused(secured, forger.headers(PATIENT_VIEW), "signature does not verify")
    (tmp_path / "stranger").mkdir()
    stranger = EhrClient(tmp_path / "stranger", iss="https://evil.example.org", kid="other")
    _refused(secured, stranger.headers(PATIENT_VIEW), "issuer is not trusted")
    aud = f"{BASE}/cds-services/{PATIENT_VIEW}"
    unsigned = jwt.encode({"iss": ISS, "aud": aud, "exp": int(time.time()) + 60}, None, algorithm="none")
    _refused(secured, {"Authorization": f"Bearer {unsigned}"}, "not accepted")
    public_pem = ehr.key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo
    )

    # The classic key-confusion forgery: HS256 "signed" with the issuer's public key as the secret.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "ehr-key-1"}).encode())
    body = b64(json.dumps({"iss": ISS, "aud": aud, "exp": now + 60, "iat": now, "jti": "h"}).encode())
    mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    forged = f"{head}.{body}.{b64(mac)}"
    _refused(secured, {"Authorization": f"Bearer {forged}"}, "not accepted")


def test_wrong_audience_expiry_and_replay_are_refused(secured: TestClient, ehr: EhrClient) -> None:
    _refused(secured, ehr.headers(ORDER_SELECT), "aud")  # a token for the other service
    _refused(secured, ehr.headers(PATIENT_VIEW, exp=int(time.time()) - 120), "expired")
    _refused(secured, ehr.headers(PATIENT_VIEW, jti=None), "'jti'")
    aud = f"{BASE}/cds-services/{PATIENT_VIEW}"
    now = int(time.time())
    no_kid = jwt.encode(
        {"iss": ISS, "aud": aud, "exp": now + 60, "iat": now, "jti": "k"}, ehr.key, algorithm="ES384"
    )
    _refused(secured, {"Authorization": f"Bearer {no_kid}"}, "no kid")
    once = ehr.headers(PATIENT_VIEW)
    url = f"/cds-services/{PATIENT_VIEW}"
    assert secured.post(url, json=patient_view(), headers=once).status_code == 200
    _refused(secured, once, "already used")


def test_without_jwt_required_a_malformed_token_is_still_refused(open_client: TestClient) -> None:
    _refused(open_client, {"Authorization": "Bearer not.a.jwt"}, "not a JWT")
    response = open_client.post(f"/cds-services/{PATIENT_VIEW}", json=patient_view())
    assert response.status_code == 200


def test_settings_from_the_environment(ehr: EhrClient, tmp_path: Path) -> None:
    issuers = tmp_path / "issuers.json"
    issuers.write_text(json.dumps([{"iss": ISS, "jwks_file": str(ehr.jwks_file)}]), encoding="utf-8")
    settings = settings_from_env(
        {
            "CRAMPCARE_CDS_JWT": "required",
            "CRAMPCARE_CDS_ISSUERS": str(issuers),
            "CRAMPCARE_CDS_CORS_ORIGINS": "https://a.example.org, https://b.example.org",
        }
    )
    assert settings.require_jwt and settings.issuers[0].jwks_file == str(ehr.jwks_file)
    assert settings.allows_origin("https://b.example.org")
    assert not settings.allows_origin("https://c.example.org")
    assert not settings_from_env({}).require_jwt
    with pytest.raises(ValueError):
        settings_from_env({"CRAMPCARE_CDS_ISSUERS": '[{"iss": "x"}]'})


def test_serve_requires_jwt_beyond_the_loopback() -> None:
    from crampcare.fhir.cds_security import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10")


# --- CORS and feedback ---------------------------------------------------------------------------


def test_cors_preflight_and_response_headers(secured: TestClient, ehr: EhrClient) -> None:
    origin = "https://ehr-app.example.org"
    preflight = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    for path in ("/cds-services", f"/cds-services/{PATIENT_VIEW}", f"/cds-services/{PATIENT_VIEW}/feedback"):
        response = secured.options(path, headers=preflight)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == origin
        assert "POST" in response.headers["access-control-allow-methods"]
        assert "Authorization" in response.headers["access-control-allow-headers"]
    response = secured.options(
        f"/cds-services/{PATIENT_VIEW}", headers={**preflight, "Origin": "https://x.org"}
    )
    assert response.status_code == 403 and "access-control-allow-origin" not in response.headers
    response = secured.post(
        f"/cds-services/{PATIENT_VIEW}",
        json=patient_view(),
        headers={**ehr.headers(PATIENT_VIEW), "Origin": origin},
    )
    assert response.headers["access-control-allow-origin"] == origin
    assert secured.get("/cds-services", headers={"Origin": origin}).headers["access-control-allow-origin"]


def test_feedback_is_accepted_and_checked(secured: TestClient, ehr: EhrClient) -> None:
    url = f"/cds-services/{ORDER_SELECT}/feedback"
    body = {
        "feedback": [
            {
                "card": "f6b95768-b1c8-40dc-8385-bf3504b82ffb",
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"code": "not-for-cramps", "system": "x", "display": "malaria"},
                    "userComment": "malaria",
                },
                "outcomeTimestamp": "2026-12-02T10:00:00Z",
            }
        ]
    }
    assert secured.post(url, json=body).status_code == 401
    # the audience of a feedback call is the feedback URL, not the service's
    assert secured.post(url, json=body, headers=ehr.headers(ORDER_SELECT)).status_code == 401
    token = ehr.token(f"{BASE}{url}")
    response = secured.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert FEEDBACK.entries[-1]["overrideReason"] == "not-for-cramps"
    bad = {"feedback": [{"card": "x", "outcome": "accepted", "outcomeTimestamp": "2026-12-02T10:00:00Z"}]}
    response = secured.post(url, json=bad, headers={"Authorization": f"Bearer {ehr.token(f'{BASE}{url}')}"})
    assert response.status_code == 400
    assert "acceptedSuggestions" in response.json()["detail"][0]


def test_feedback_from_the_specification_examples(secured: TestClient, ehr: EhrClient) -> None:
    url = f"/cds-services/{PATIENT_VIEW}/feedback"
    examples = [
        {  # "Example suggestion accepted"
            "feedback": [
                {
                    "card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
                    "outcome": "accepted",
                    "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
                    "outcomeTimestamp": "2021-12-11T10:05:31Z",
                }
            ]
        },
        {  # "Example overridden guidance without overrideReason"
            "feedback": [
                {
                    "card": "f6b95768-b1c8-40dc-8385-bf3504b82ffb",
                    "outcome": "overridden",
                    "outcomeTimestamp": "2020-12-11T00:00:00Z",
                }
            ]
        },
    ]
    for body in examples:
        token = ehr.token(f"{BASE}{url}")
        response = secured.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text


def test_discovery_names_prefetch_that_includes_referenced_medications(open_client: TestClient) -> None:
    services = {s["id"]: s for s in open_client.get("/cds-services").json()["services"]}
    assert "_include=MedicationRequest:medication" in services[PATIENT_VIEW]["prefetch"]["medicationRequests"]


def test_a_medicine_on_the_list_is_never_suggested_for_deletion(open_client: TestClient) -> None:
    """Only a draft order may get a 'remove' suggestion; a prescribed medicine is for review."""
    quinine = {
        "resourceType": "MedicationRequest",
        "id": "active-1",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": rx("9071"),
    }
    cards = open_client.post(
        f"/cds-services/{PATIENT_VIEW}", json=patient_view(medicationRequests=bundle(quinine))
    ).json()["cards"]
    assert cards and all("suggestions" not in c for c in cards)
    assert "stop" not in cards[0]["summary"].lower()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--host", "127.0.0.1"], "off"),
        (["--host", "0.0.0.0"], "required"),
        (["--host", "0.0.0.0", "--no-cds-jwt"], "off"),
        (["--host", "127.0.0.1", "--cds-jwt"], "required"),
    ],
)
def test_serve_turns_jwt_on_beyond_the_loopback(
    args: list[str], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from crampcare.cli import app

    # serve writes its settings into os.environ for its workers: restore them after the test.
    for name in (
        "CRAMPCARE_CDS_JWT",
        "CRAMPCARE_CDS_ISSUERS",
        "CRAMPCARE_CDS_CORS_ORIGINS",
        "CRAMPCARE_PUBLIC_URL",
        "CRAMPCARE_DATABASE_URL",
        "CRAMPCARE_SECURE_COOKIES",
    ):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(k))
    db = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    result = CliRunner().invoke(
        app, ["serve", "--db", db, *args, "--cors-origin", "https://ehr-app.example.org"]
    )
    assert result.exit_code == 0, result.output
    assert started
    import os

    assert os.environ["CRAMPCARE_CDS_JWT"] == expected
    assert os.environ["CRAMPCARE_CDS_CORS_ORIGINS"] == "https://ehr-app.example.org"
    if expected == "required":
        assert "no --cds-issuers" in result.output


def test_reader_maps_every_code_system_and_falls_back_to_text() -> None:
    from crampcare.fhir.medicines import MedicineCodes, MedicineReader

    codes = MedicineCodes(rxnorm={"9071": "quinine"}, atc={"P01BC01": "quinine"}, snomed={"123": "quinine"})
    reader = MedicineReader(codes)
    for system, code in (
        (RXNORM, "9071"),
        ("http://www.whocc.no/atc", "P01BC01"),
        ("http://snomed.info/sct", "123"),
    ):
        medicine = reader.read({"medicationCodeableConcept": {"coding": [{"system": system, "code": code}]}})
        assert medicine.ingredients == ("quinine",) and medicine.is_quinine, system
    by_text = reader.read({"medicationCodeableConcept": {"text": "Хинина сульфат"}})
    assert by_text.is_quinine and by_text.ingredients == ()
    other = reader.read({"medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "36567"}]}})
    assert not other.is_quinine and other.name == ""


def test_deeply_nested_bundles_are_answered(open_client: TestClient) -> None:
    nested: dict[str, Any] = {"resourceType": "Medication", "id": "deep", "code": rx("9071")}
    for _ in range(200):
        nested = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": nested}]}
    request = order_request(
        draft_order(medicationReference={"reference": "Medication/deep"}),
        prefetch={"patient": PATIENT, "medications": nested},
    )
    response = open_client.post(f"/cds-services/{ORDER_SELECT}", json=request)
    assert response.status_code == 200, response.text
    # The order names no medicine we can see, so no quinine card; but an answer, in JSON.
    assert response.json() == {"cards": []}


SPEC_PATIENT_VIEW = {  # the CDS Hooks 2.0 specification's patient-view request, verbatim
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "http://hooks.smarthealthit.org:9080",
    "hook": "patient-view",
    "fhirAuthorization": {
        "access_token": "some-opaque-fhir-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "user/Patient.read user/Observation.read",
        "subject": "cds-service4",
    },
    "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
    "prefetch": {
        "patientToGreet": {
            "resourceType": "Patient",
            "gender": "male",
            "birthDate": "1925-12-23",
            "id": "1288992",
            "active": True,
        }
    },
}


def test_the_specifications_patient_view_example_is_answered(open_client: TestClient) -> None:
    response = open_client.post(f"/cds-services/{PATIENT_VIEW}", json=SPEC_PATIENT_VIEW)
    assert response.status_code == 200, response.text
    assert response.json() == {"cards": []}  # no cramps, no quinine: nothing to say
    with_quinine = copy.deepcopy(SPEC_PATIENT_VIEW)
    with_quinine["prefetch"]["meds"] = bundle(
        {
            "resourceType": "MedicationRequest",
            "id": "q",
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": rx("9071"),
        }
    )
    cards = open_client.post(f"/cds-services/{PATIENT_VIEW}", json=with_quinine).json()["cards"]
    assert cards[0]["summary"].startswith("Quinine on the medication list (quinine)")
    no_patient = copy.deepcopy(SPEC_PATIENT_VIEW)
    no_patient["prefetch"] = {"other": {"resourceType": "Observation", "id": "x", "status": "final"}}
    response = open_client.post(f"/cds-services/{PATIENT_VIEW}", json=no_patient)
    assert response.status_code == 412 and response.json()["detail"][0].startswith("prefetch.patient")


def test_keys_by_url_are_fetched_cached_and_refetched_for_a_new_kid(
    ehr: EhrClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from crampcare.fhir import cds_security

    jwks_url = "https://ehr.example.org/.well-known/jwks.json"
    served = {"keys": json.loads(ehr.jwks_file.read_text())["keys"]}
    fetched: list[str] = []

    def fake_get(url: str, **_: Any) -> httpx.Response:
        fetched.append(url)
        return httpx.Response(200, json=served, request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", fake_get)
    monkeypatch.setattr(cds_security, "JWKS", cds_security._JwksCache())
    client = make_client(CdsSettings(require_jwt=True, issuers=(Issuer(ISS, jwks_url=jwks_url),)))
    url = f"/cds-services/{PATIENT_VIEW}"
    for _ in range(2):
        assert client.post(url, json=patient_view(), headers=ehr.headers(PATIENT_VIEW)).status_code == 200
    assert fetched == [jwks_url]  # cached
    (tmp_path / "rotated").mkdir()
    rotated = EhrClient(tmp_path / "rotated", kid="ehr-key-2")
    served["keys"] = served["keys"] + json.loads(rotated.jwks_file.read_text())["keys"]
    assert client.post(url, json=patient_view(), headers=rotated.headers(PATIENT_VIEW)).status_code == 200
    assert fetched == [jwks_url, jwks_url]  # the unknown kid made it fetch again
    # a jku that is not the configured key set is refused
    token = jwt.encode(
        {
            "iss": ISS,
            "aud": f"{BASE}{url}",
            "exp": int(time.time()) + 60,
            "iat": int(time.time()),
            "jti": "j",
        },
        ehr.key,
        algorithm="ES384",
        headers={"kid": ehr.kid, "jku": "https://evil.example.org/jwks.json"},
    )
    _refused(client, {"Authorization": f"Bearer {token}"}, "jku")


def test_a_token_used_on_one_worker_is_refused_on_another(db_url: str, ehr: EhrClient) -> None:
    """Workers (or servers behind a load balancer) share one database and so one replay memory.

    Two apps on the same database stand for two worker processes: a token accepted by one is
    refused by the other, on SQLite and on PostgreSQL; of the same token sent to both at once,
    exactly one call is accepted.
    """
    from concurrent.futures import ThreadPoolExecutor

    from crampcare.web.app import create_app

    settings = CdsSettings(require_jwt=True, issuers=(Issuer(ISS, jwks_file=str(ehr.jwks_file)),))
    workers = [TestClient(create_app(db_url, cds_settings=settings), base_url=BASE) for _ in range(2)]
    url = f"/cds-services/{PATIENT_VIEW}"
    once = ehr.headers(PATIENT_VIEW)
    assert workers[0].post(url, json=patient_view(), headers=once).status_code == 200
    # Both apps live in this test's process: forget what its memory saw, as another worker would.
    REPLAY._seen.clear()
    _refused(workers[1], once, "already used")
    _refused(workers[0], once, "already used")

    raced = ehr.headers(PATIENT_VIEW)
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(
            pool.map(
                lambda i: workers[i % 2].post(url, json=patient_view(), headers=raced).status_code,
                range(6),
            )
        )
    assert sorted(codes) == [200, 401, 401, 401, 401, 401]
    fresh = ehr.headers(PATIENT_VIEW)  # a new token is still accepted by either worker
    assert workers[1].post(url, json=patient_view(), headers=fresh).status_code == 200


def test_expired_token_ids_are_forgotten(tmp_path: Path) -> None:
    """The replay table does not grow without bound: rows of expired tokens are removed."""
    import sqlalchemy as sa

    from crampcare.fhir.cds_security import DatabaseReplay
    from crampcare.storage import open_database
    from crampcare.storage.auth_models import CdsTokenSeen

    db = open_database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    replay = DatabaseReplay(db)
    past = time.time() - 3600
    assert replay.check_and_add(ISS, "old", past)
    assert replay.check_and_add(ISS, "new", time.time() + 300)
    assert not replay.check_and_add(ISS, "new", time.time() + 300)
    with db.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(CdsTokenSeen)) == 1
    db.dispose()
