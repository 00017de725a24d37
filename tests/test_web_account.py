"""Account page: settings and language, password change, export of all data, deleting the account."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from crampcare.storage.auth_models import AuditEvent, SavedAssessment
from crampcare.storage.models import Episode, User
from tests.web_support import (
    PASSWORD,
    SELF_CARE_FORM,
    Browser,
    any_app,
    app,
    new_client,
    owner,
    sign_up_owner,
    sqlite_url,
)

__all__ = ["any_app", "app", "owner", "sqlite_url"]


def test_language_and_time_zone(app: Any, owner: Browser) -> None:
    r = owner.post("/account/settings", {"lang": "ru", "timezone": "Europe/Moscow"})
    assert r.status_code == 303
    page = owner.get("/diary").text
    assert '<html lang="ru">' in page and "Мой дневник судорог" in page
    r = owner.post("/account/settings", {"lang": "fr", "timezone": "Mars/Olympus"})
    assert r.status_code == 422 and 'id="timezone-error"' in r.text and "lang-error" in r.text
    # The language switch in the header works for visitors too.
    visitor = new_client(app)
    r = visitor.post("/language", {"lang": "ru", "next": "/knowledge"})
    assert r.headers["location"] == "/knowledge"
    assert "Что говорят научные данные" in visitor.get("/knowledge").text


def test_change_password(app: Any, owner: Browser) -> None:
    r = owner.post("/account/password", {"old_password": "nope", "new_password": "another pass 2"})
    assert r.status_code == 422 and 'id="old_password-error"' in r.text
    assert (
        owner.post(
            "/account/password", {"old_password": PASSWORD, "new_password": "another pass 2"}
        ).status_code
        == 303
    )
    fresh = new_client(app)
    r = fresh.post("/login", {"name": "anna", "password": "another pass 2"})
    assert r.status_code == 303


def test_export_everything_then_delete(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    anna.post("/diary/quick", {"muscle": "calf", "side": "left", "severity": "4"})
    result = anna.post("/assess", SELF_CARE_FORM).text
    import html
    import re

    stored = html.unescape(re.search(r'name="input_json" value="([^"]*)"', result).group(1))  # type: ignore[union-attr]
    anna.post("/assess/save", {"input_json": stored})
    page = anna.get("/account/delete").text
    assert 'href="/account/export"' in page  # the export is offered first
    r = anna.get("/account/export")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    document = json.loads(r.text)
    assert document["account"]["name"] == "anna"
    assert len(document["diary"]["episodes"]) == 1 and len(document["assessments"]) == 1
    # A wrong password deletes nothing.
    assert anna.post("/account/delete", {"password": "wrong"}).status_code == 422
    r = anna.post("/account/delete", {"password": PASSWORD})
    assert r.status_code == 303
    with any_app.state.db.session() as s:
        for model in (User, Episode, SavedAssessment):
            assert s.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        events = s.scalars(sa.select(AuditEvent.event)).all()
    assert "export" in events and "account_deleted" in events
    assert anna.get("/diary").status_code == 303  # signed out
