"""Ownership: on every route that takes the id (or date) of a diary entry, an experiment or a saved
assessment, another signed-in user gets "not found" and nothing changes. Run on SQLite and PostgreSQL.

``test_every_id_route_is_covered`` fails when a new route with a path parameter appears that this
file does not exercise, so a new route cannot ship without its ownership test.
"""

from __future__ import annotations

import html
import re
import time
from typing import Any

import sqlalchemy as sa

from crampcare.storage.auth_models import SavedAssessment
from crampcare.storage.models import DayLog, Episode, Experiment
from tests.web_support import SELF_CARE_FORM, Browser, any_app, sqlite_url, two_users

__all__ = ["any_app", "sqlite_url", "two_users"]

# Routes with a path parameter that this file exercises (method, path template).
COVERED = {
    ("GET", "/diary/episodes/{episode_id}"),
    ("POST", "/diary/episodes/{episode_id}"),
    ("POST", "/diary/episodes/{episode_id}/delete"),
    ("POST", "/diary/episodes/{episode_id}/undo"),
    ("POST", "/diary/day/{day}/delete"),
    ("GET", "/experiments/{experiment_id}"),
    ("GET", "/experiments/{experiment_id}/chart.svg"),
    ("GET", "/experiments/{experiment_id}/schedule.ics"),
    ("POST", "/experiments/{experiment_id}/delete"),
    ("GET", "/assessments/{assessment_id}"),
    ("POST", "/assessments/{assessment_id}/delete"),
    ("GET", "/api/v1/episodes/{episode_id}"),
    ("PATCH", "/api/v1/episodes/{episode_id}"),
    ("DELETE", "/api/v1/episodes/{episode_id}"),
    ("GET", "/api/v1/day-logs/{day}"),
    ("PUT", "/api/v1/day-logs/{day}"),
    ("DELETE", "/api/v1/day-logs/{day}"),
    ("GET", "/api/v1/experiments/{experiment_id}"),
    ("GET", "/api/v1/experiments/{experiment_id}/analysis"),
    ("DELETE", "/api/v1/experiments/{experiment_id}"),
    # The medicines page: tests/test_web_medicines.py::test_someone_elses_medicine_is_not_found
    ("GET", "/medicines/{medication_id}/edit"),
    ("POST", "/medicines/{medication_id}"),
    ("POST", "/medicines/{medication_id}/ended"),
}
# Path parameters that are not ids of anybody's data.
NOT_OWNED = {
    ("GET", "/diary/charts/{name}.svg"),
    ("GET", "/static/{path}"),
    # CDS Hooks: the ids name our own two services, not anybody's data (the services check the EHR's JWT)
    ("OPTIONS", "/cds-services/{service_id}"),
    ("OPTIONS", "/cds-services/{service_id}/feedback"),
    ("POST", "/cds-services/{service_id}/feedback"),
}


def _anna_data(anna: Browser) -> dict[str, Any]:
    form = {
        "started_at": "2026-11-10T02:00",
        "tz": "UTC",
        "muscle": "calf",
        "side": "left",
        "severity": "5",
        "notes": "anna's secret",
    }
    assert anna.post("/diary/episodes/new", form).status_code == 303
    assert (
        anna.post(
            "/diary/day", {"date": "2026-11-10", "fluid_litres": "1.25", "notes": "anna's evening"}
        ).status_code
        == 303
    )
    exp = {
        "intervention": "calf_stretch_before_bed",
        "start": "2026-11-01",
        "block_days": "7",
        "pairs": "6",  # fewer can never reach a verdict, and the wizard would ask first
        "washout_days": "0",
        "imported": "1",  # a past start: only for an experiment run elsewhere
    }
    experiment_url = anna.post("/experiments", exp).headers["location"]
    result = anna.post("/assess", SELF_CARE_FORM).text
    stored = html.unescape(re.search(r'name="input_json" value="([^"]*)"', result).group(1))  # type: ignore[union-attr]
    assessment_url = anna.post("/assess/save", {"input_json": stored}).headers["location"]
    return {"experiment_url": experiment_url, "assessment_url": assessment_url}


def _snapshot(app: Any) -> tuple[Any, ...]:
    with app.state.db.session() as s:
        episodes = s.execute(sa.select(Episode.id, Episode.severity, Episode.notes, Episode.muscle)).all()
        logs = s.execute(sa.select(DayLog.id, DayLog.user_id, DayLog.fluid_litres, DayLog.notes)).all()
        experiments = s.execute(sa.select(Experiment.id, Experiment.intervention)).all()
        saved = s.execute(sa.select(SavedAssessment.id)).all()
    return tuple(map(tuple, (episodes, logs, experiments, saved)))


def test_other_users_cannot_read_or_change_anything(any_app: Any, two_users: tuple[Browser, Browser]) -> None:
    anna, boris = two_users
    urls = _anna_data(anna)
    with any_app.state.db.session() as s:
        episode_id = s.scalars(sa.select(Episode.id)).one()
        experiment_id = s.scalars(sa.select(Experiment.id)).one()
        assessment_id = s.scalars(sa.select(SavedAssessment.id)).one()
    assert urls["experiment_url"] == f"/experiments/{experiment_id}"
    before = _snapshot(any_app)
    secrets = ("anna's secret", "anna's evening")

    def leaks(text: str) -> bool:
        # Anna's fluid (1.25 l) as a number of its own: a timestamp such as "17:01.251234" in the
        # audit log is not her data (a bare substring check failed on one run in a hundred).
        return any(s in text for s in secrets) or re.search(r"(?<![\d:.])1[.,]25(?!\d)", text) is not None

    def refused(r: Any, what: str) -> None:
        assert r.status_code == 404, (what, r.status_code)
        assert not leaks(r.text), what

    # HTML pages.
    refused(boris.get(f"/diary/episodes/{episode_id}"), "episode page")
    edit = {
        "started_at": "2026-11-10T02:00",
        "muscle": "foot",
        "side": "left",
        "severity": "1",
        "notes": "boris was here",
    }
    refused(boris.post(f"/diary/episodes/{episode_id}", edit), "episode edit")
    refused(boris.post(f"/diary/episodes/{episode_id}/delete"), "episode delete")
    # An undo is signed for the person and episode it was offered to: Boris's is refused, nothing goes.
    undo = boris.post(f"/diary/episodes/{episode_id}/undo", {"at": str(int(time.time())), "sig": "0" * 64})
    assert undo.status_code == 409 and not leaks(undo.text)
    refused(boris.post("/diary/day/2026-11-10/delete"), "day delete")
    refused(boris.get(f"/experiments/{experiment_id}"), "experiment page")
    refused(boris.get(f"/experiments/{experiment_id}/chart.svg"), "experiment chart")
    refused(boris.get(f"/experiments/{experiment_id}/schedule.ics"), "experiment calendar")
    refused(boris.post(f"/experiments/{experiment_id}/delete"), "experiment delete")
    refused(boris.get(f"/assessments/{assessment_id}"), "assessment page")
    refused(boris.post(f"/assessments/{assessment_id}/delete"), "assessment delete")
    # Boris's own views never list Anna's data.
    for path in (
        "/diary",
        "/diary/episodes",
        "/diary/days",
        "/diary/day?date=2026-11-10",
        "/experiments",
        "/assessments",
    ):
        page = boris.get(path)
        assert page.status_code == 200 and not leaks(page.text), path
    for path in ("/diary/export?format=csv", "/diary/export?format=json", "/account/export"):
        assert not leaks(boris.get(path).text), path

    # JSON API.
    refused(boris.api("GET", f"/episodes/{episode_id}"), "api episode")
    refused(boris.api("PATCH", f"/episodes/{episode_id}", json={"severity": 1}), "api episode patch")
    refused(boris.api("DELETE", f"/episodes/{episode_id}"), "api episode delete")
    refused(boris.api("GET", "/day-logs/2026-11-10"), "api day log")
    refused(boris.api("DELETE", "/day-logs/2026-11-10"), "api day log delete")
    refused(boris.api("GET", f"/experiments/{experiment_id}"), "api experiment")
    refused(boris.api("GET", f"/experiments/{experiment_id}/analysis"), "api analysis")
    refused(boris.api("DELETE", f"/experiments/{experiment_id}"), "api experiment delete")
    for path in ("/episodes", "/day-logs", "/experiments"):
        assert boris.api("GET", path).json() == [], path
    assert boris.api("GET", "/stats").json()["episodes"] == 0
    # PUT of the same date writes Boris's own day log, never Anna's.
    assert boris.api("PUT", "/day-logs/2026-11-10", json={"fluid_litres": 3}).status_code == 200
    assert anna.api("GET", "/day-logs/2026-11-10").json()["fluid_litres"] == 1.25

    after = _snapshot(any_app)
    episodes, logs, experiments, saved = after
    assert (episodes, experiments, saved) == (before[0], before[2], before[3])
    assert [row for row in logs if row[3] == "anna's evening"] == [r for r in before[1]]
    # And Anna still sees all of it.
    assert anna.get(f"/diary/episodes/{episode_id}").status_code == 200
    assert anna.api("GET", f"/experiments/{experiment_id}").status_code == 200
    assert anna.get(f"/assessments/{assessment_id}").status_code == 200


def test_every_id_route_is_covered(any_app: Any) -> None:
    from fastapi.routing import APIRoute
    from starlette.routing import Mount

    found: set[tuple[str, str]] = set()

    def walk(routes: Any, prefix: str = "") -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(getattr(route.app, "routes", []), prefix + route.path)
            elif hasattr(route, "original_router"):  # FastAPI >= 0.16x wraps an included router
                walk(route.original_router.routes, prefix)
            elif isinstance(route, APIRoute) and "{" in route.path:
                for method in route.methods:
                    found.add((method, prefix + route.path))

    walk(any_app.routes)
    missing = found - COVERED - NOT_OWNED
    assert not missing, f"routes with ids but no ownership test here: {sorted(missing)}"


def test_anonymous_visitors_reach_nothing(any_app: Any, two_users: tuple[Browser, Browser]) -> None:
    from tests.web_support import new_client

    anna, _ = two_users
    _anna_data(anna)
    visitor = new_client(any_app)
    for method, template in sorted(COVERED):
        path = re.sub(r"\{day\}", "2026-11-10", re.sub(r"\{[a-z_]+\}", "1", template))
        r = visitor.client.request(method, path)
        assert r.status_code in (303, 401, 403), (method, path, r.status_code)
