"""Ownership of lists: what a signed-in person's pages, exports and "tonight" list show is only
their own (hazard H16). ``test_web_ownership.py`` checks the routes that take an id; these check
the places that list data without one, by looking for the other person's ids, not only their
words (a list may show neither notes nor free text). ``tools/mutate.py`` checks that dropping any
owner filter of the web layer makes a test here or there fail.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from crampcare.storage.auth_models import SavedAssessment
from crampcare.storage.models import Episode, Experiment
from tests.test_web_ownership import _anna_data
from tests.web_support import Browser, any_app, sqlite_url, two_users

__all__ = ["any_app", "sqlite_url", "two_users"]


def _ids(app: Any) -> tuple[int, int, int]:
    with app.state.db.session() as s:
        return (
            s.scalars(sa.select(Episode.id)).one(),
            s.scalars(sa.select(Experiment.id)).one(),
            s.scalars(sa.select(SavedAssessment.id)).one(),
        )


def test_lists_and_exports_show_only_ones_own(any_app: Any, two_users: tuple[Browser, Browser]) -> None:
    anna, boris = two_users
    _anna_data(anna)
    episode_id, experiment_id, assessment_id = _ids(any_app)
    episode_link = f"/diary/episodes/{episode_id}"
    assessment_link = f"/assessments/{assessment_id}"
    experiment_link = f"/experiments/{experiment_id}"

    # Anna's own pages link to her data: the checks below can fail.
    assert episode_link in anna.get("/diary").text
    assert assessment_link in anna.get("/assessments").text
    assert experiment_link in anna.get("/experiments").text
    assert len(anna.get("/account/export").json()["assessments"]) == 1

    for path in ("/diary", "/diary/episodes"):
        assert episode_link not in boris.get(path).text, path
    assert assessment_link not in boris.get("/assessments").text
    assert experiment_link not in boris.get("/experiments").text
    assert boris.get("/account/export").json()["assessments"] == []


def test_tonight_lists_only_ones_own_experiments(any_app: Any, two_users: tuple[Browser, Browser]) -> None:
    anna, boris = two_users
    _anna_data(anna)  # an experiment from 2026-11-01, six pairs of seven-day blocks
    night = "2026-11-05"
    assert len(anna.api("GET", f"/experiments/tonight?night={night}").json()) == 1
    assert boris.api("GET", f"/experiments/tonight?night={night}").json() == []
