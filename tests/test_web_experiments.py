"""Experiment pages: the wizard, tonight's assignment, the result in words, the chart, deletion."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from crampcare.storage.models import Experiment
from tests.web_support import Browser, any_app, app, owner, sign_up_owner, sqlite_url

__all__ = ["any_app", "app", "owner", "sqlite_url"]


def test_wizard_creates_a_schedule_and_shows_tonight(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    page = anna.get("/experiments").text
    assert "blocks of nights WITH it" in page and 'name="intervention"' in page
    start = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    form = {
        "intervention": "calf_stretch_before_bed",
        "start": start,
        "block_days": "7",
        "pairs": "2",
        "washout_days": "0",
    }
    refused = anna.post("/experiments", form)  # a past start could be chosen after seeing the nights
    assert refused.status_code == 422 and 'id="start-error"' in refused.text
    # 2 pairs can never reach a verdict: the person is told so before anything is created.
    r = anna.post("/experiments", form | {"imported": "1"})
    assert r.status_code == 200 and "This schedule cannot reach a verdict" in r.text
    confirmed = re.search(r'name="confirmed" value="([^"]+)"', r.text)
    assert confirmed is not None
    r = anna.post("/experiments", form | {"imported": "1", "confirmed": confirmed.group(1)})
    assert r.status_code == 303
    url = r.headers["location"]
    page = anna.get(url).text
    assert 'class="tonight"' in page and ("DO it" in page or "do NOT do it" in page)
    assert "Not clear yet" in page or "Too early to tell" in page
    assert page.count("<tr><td>") >= 28  # the whole schedule
    assert "Imported: this experiment was run elsewhere" in page
    chart = anna.get(url + "/chart.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert "cramps that night" in chart.text and "with it" in chart.text
    # In Russian the chart's words are Russian too (its title names the intervention in words).
    anna.post("/account/settings", {"lang": "ru", "timezone": "UTC"})
    chart_ru = anna.get(url + "/chart.svg").text
    assert "судорог за ночь" in chart_ru and "Эксперимент:" in chart_ru
    assert not any(w in chart_ru for w in ("cramps that night", "with it", "calf_stretch", "Experiment:"))
    anna.post("/account/settings", {"lang": "en", "timezone": "UTC"})
    # The diary shows tonight's assignment too.
    assert 'class="tonight"' in anna.get("/diary").text
    assert anna.post(url + "/delete").status_code == 303
    with any_app.state.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Experiment)) == 0


def test_bad_design_is_refused_next_to_the_field(app: Any, owner: Browser) -> None:
    form = {
        "intervention": "calf_stretch_before_bed",
        "start": "tomorrow",
        "block_days": "0",
        "pairs": "x",
        "washout_days": "0",
    }
    r = owner.post("/experiments", form)
    assert r.status_code == 422
    assert 'id="start-error"' in r.text and 'id="pairs-error"' in r.text
    form = {
        "intervention": "nonsense",
        "start": "2026-12-01",
        "block_days": "0",
        "pairs": "2",
        "washout_days": "0",
    }
    r = owner.post("/experiments", form)
    assert r.status_code == 422 and 'id="block_days-error"' in r.text
    assert re.search(r"intervention", r.text)
    with app.state.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Experiment)) == 0


def test_result_in_plain_words_with_uncertainty(app: Any, owner: Browser) -> None:
    # 6 pairs: the fewest whose randomisation p can reach 0.05 (issue 15; 2 pairs can never say 'helps').
    start = dt.date.today() - dt.timedelta(days=90)
    form = {
        "intervention": "calf_stretch_before_bed",
        "start": start.isoformat(),
        "block_days": "7",
        "pairs": "6",
        "washout_days": "0",
        "imported": "1",  # run elsewhere: the nights are already over
    }
    url = owner.post("/experiments", form).headers["location"]
    with app.state.db.session() as s:
        experiment = s.scalars(sa.select(Experiment)).one()
        nights = [(n.date, n.on) for n in experiment.nights]
    # Many cramps on 'off' nights, few on 'on' nights.
    for day, on in nights:
        for k in range(0 if on else 2):
            stamp = f"{day.isoformat()}T23:{10 + k:02d}"
            owner.post(
                "/diary/episodes/new", {"started_at": stamp, "tz": "UTC", "muscle": "calf", "side": "left"}
            )
    page = owner.get(url).text
    assert "It likely helps you" in page
    assert "probably between" in page and "The chance that it helps you" in page
