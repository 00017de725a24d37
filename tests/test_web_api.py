"""The JSON API: assess (same output as the CLI, 422 with the same field paths), sign-in, CSRF, and
the diary, day-log, statistics and experiment endpoints on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from crampcare.assess import assess, parse_inputs
from crampcare.storage.auth_models import AuditEvent
from tests.web_support import PASSWORD, Browser, any_app, app, new_client, owner, sign_up_owner, sqlite_url

__all__ = ["any_app", "app", "owner", "sqlite_url"]

CASE = {
    "age_years": 67,
    "sex": "female",
    "cramps": {"timing": ["night"], "locations": ["calf"], "side": "both", "episodes_per_week": 4},
    "findings": ["sudden_painful_tightening", "relieved_by_stretching"],
    "medications": ["Hydrochlorothiazide 25 mg", "Lipitor", "Детралекс"],
}


def test_assess_returns_what_the_cli_prints(app: Any) -> None:
    client = new_client(app).client
    r = client.post("/api/v1/assess", json=CASE)
    assert r.status_code == 200
    inputs, _ = parse_inputs(CASE)
    assert r.json() == assess(inputs[0]).to_json()
    batch = client.post("/api/v1/assess", json=[CASE, {"age_years": 30, "sex": "male"}])
    assert batch.status_code == 200 and len(batch.json()) == 2 and batch.json()[0] == r.json()
    ru = client.post("/api/v1/assess?lang=ru", json=CASE).json()
    assert ru["triage"]["level"] == r.json()["triage"]["level"] and ru != r.json()


def test_assess_bad_input_is_422_with_the_cli_field_paths(app: Any) -> None:
    client = new_client(app).client
    bad = [CASE, {**CASE, "cramps": {"episodes_per_week": -1}}]
    r = client.post("/api/v1/assess", json=bad)
    assert r.status_code == 422
    assert "input[1].cramps.episodes_per_week: must be >= 0" in r.json()["problems"]
    assert r.json()["detail"][0]["loc"][:3] == ["input", 1, "cramps"] or r.json()["detail"][0]["loc"][:3] == [
        "input",
        "1",
        "cramps",
    ]
    r = client.post("/api/v1/assess", json={"sex": "female"})
    assert r.status_code == 422 and "input.age_years: is required" in r.json()["problems"]
    r = client.post("/api/v1/assess", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "Traceback" not in r.text


def test_diary_api_needs_a_session_and_the_csrf_header(app: Any, owner: Browser) -> None:
    visitor = new_client(app).client
    assert visitor.get("/api/v1/episodes").status_code == 401
    assert visitor.get("/api/v1/session").status_code == 401
    # Signed in but without the header: refused, nothing stored.
    episode = {"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "left"}
    assert owner.client.post("/api/v1/episodes", json=episode).status_code == 403
    assert (
        owner.client.post("/api/v1/episodes", json=episode, headers={"X-CSRF-Token": "x"}).status_code == 403
    )
    assert owner.api("GET", "/episodes").json() == []
    # Signing in through the API gives a cookie and the token.
    api_client = new_client(app).client
    r = api_client.post("/api/v1/session", json={"name": "anna", "password": PASSWORD})
    assert r.status_code == 200
    token = r.json()["csrf_token"]
    assert (
        api_client.post("/api/v1/episodes", json=episode, headers={"X-CSRF-Token": token}).status_code == 201
    )
    assert api_client.post("/api/v1/session", json={"name": "anna", "password": "wrong"}).status_code == 401


def deletions(app: Any) -> list[tuple[str, str]]:
    """The audit log's deletion lines (event, detail), oldest first."""
    with app.state.db.session() as s:
        rows = s.execute(
            sa.select(AuditEvent.event, AuditEvent.detail)
            .where(AuditEvent.event.like("%_deleted"))
            .order_by(AuditEvent.id)
        ).all()
    return [(event, detail) for event, detail in rows]


def test_episodes_crud(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    body = {
        "started_at": "2026-11-20T03:10:00+01:00",
        "muscle": "calf",
        "side": "left",
        "severity": 7,
        "duration_s": 90,
        "woke_from_sleep": True,
        "relieved_by": ["stretch"],
        "notes": "ouch",
    }
    r = anna.api("POST", "/episodes", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["night"] == "2026-11-19" and created["started_at"] == "2026-11-20T03:10:00+01:00"
    assert anna.api("POST", "/episodes", json=body).status_code == 422  # same start, muscle, side
    eid = created["id"]
    assert anna.api("GET", f"/episodes/{eid}").json() == created
    r = anna.api("PATCH", f"/episodes/{eid}", json={"severity": 3})
    assert r.status_code == 200 and r.json()["severity"] == 3 and r.json()["notes"] == "ouch"
    r = anna.api("PATCH", f"/episodes/{eid}", json={"muscle": "elbow"})
    assert r.status_code == 422 and r.json()["problems"][0].startswith("muscle:")
    assert anna.api("GET", f"/episodes/{eid}").json()["muscle"] == "calf"
    r = anna.api("POST", "/episodes", json={**body, "started_at": "yesterday"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "started_at"]
    r = anna.api("POST", "/episodes", json={**body, "severity": 11})
    assert r.status_code == 422 and "severity" in json.dumps(r.json()["detail"])
    listed = anna.api("GET", "/episodes?from=2026-11-19&to=2026-11-19").json()
    assert [e["id"] for e in listed] == [eid]
    assert anna.api("GET", "/episodes?from=2026-11-20").json() == []
    assert anna.api("DELETE", f"/episodes/{eid}").status_code == 204
    assert deletions(any_app) == [("episode_deleted", f"{eid} (api)")]  # audited by the service
    assert anna.api("GET", f"/episodes/{eid}").status_code == 404
    assert anna.api("GET", "/episodes/99999999999").status_code == 422


def test_day_logs_and_stats(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    r = anna.api("PUT", "/day-logs/2026-11-19", json={"stretched_before_bed": True, "fluid_litres": 1.5})
    assert r.status_code == 200 and r.json()["date"] == "2026-11-19" and r.json()["caffeine_drinks"] is None
    assert anna.api("PUT", "/day-logs/2026-11-19", json={"fluid_litres": -1}).status_code == 422
    assert anna.api("GET", "/day-logs/2026-11-19").json()["fluid_litres"] == 1.5
    assert len(anna.api("GET", "/day-logs").json()) == 1
    anna.api(
        "POST",
        "/episodes",
        json={"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "left", "severity": 6},
    )
    stats = anna.api("GET", "/stats").json()
    assert stats["episodes"] == 1 and stats["days_logged"] == 1 and stats["by_muscle"] == {"calf": 1}
    assert len(stats["by_hour"]) == 24
    assert anna.api("DELETE", "/day-logs/2026-11-19").status_code == 204
    assert anna.api("DELETE", "/day-logs/2026-11-19").status_code == 404
    assert deletions(any_app) == [("day_log_deleted", "2026-11-19 (api)")]


def test_experiments_api(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    start = dt.date.today() - dt.timedelta(days=2)
    r = anna.api(
        "POST",
        "/experiments",
        json={
            "intervention": "calf_stretch_before_bed",
            "start": start.isoformat(),
            "block_days": 7,
            "pairs": 2,
            "seed": 42,
            "imported": True,  # a past start and a chosen seed: only for an experiment run elsewhere
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["imported"] is True
    plan = r.json()
    assert len(plan["schedule"]) == 28 and sum(n["on"] for n in plan["schedule"]) == 14
    assert anna.api("GET", f"/experiments/{plan['id']}").json() == plan
    assert [p["id"] for p in anna.api("GET", "/experiments").json()] == [plan["id"]]
    tonight = anna.api("GET", f"/experiments/tonight?night={start.isoformat()}").json()
    assert tonight == [
        {
            "experiment": plan["id"],
            "intervention": "calf_stretch_before_bed",
            "date": start.isoformat(),
            "on": plan["schedule"][0]["on"],
        }
    ]
    analysis = anna.api("GET", f"/experiments/{plan['id']}/analysis").json()
    assert analysis["verdict"] == "inconclusive" and analysis["nights_pending"] >= 26
    r = anna.api("POST", "/experiments", json={"intervention": "nonsense", "start": "2026-12-01"})
    assert r.status_code == 422 and r.json()["problems"][0].startswith("intervention:")
    drawn_here = {"intervention": "calf_stretch_before_bed", "start": start.isoformat(), "seed": 42}
    problems = anna.api("POST", "/experiments", json=drawn_here).json()["problems"]
    assert [p.split(":")[0] for p in problems] == ["seed", "start"]
    assert anna.api("DELETE", f"/experiments/{plan['id']}").status_code == 204
    assert deletions(any_app) == [("experiment_deleted", f"{plan['id']} (api)")]
    assert anna.api("GET", "/experiments").json() == []


def test_openapi_document(app: Any) -> None:
    doc = new_client(app).client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in (
        "/assess",
        "/episodes",
        "/episodes/{episode_id}",
        "/day-logs/{day}",
        "/stats",
        "/experiments",
        "/experiments/{experiment_id}/analysis",
    ):
        assert path in doc["paths"], path
    body = doc["paths"]["/assess"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][0]["title"] == "AssessmentInput"
