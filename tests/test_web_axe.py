"""axe-core on every page (issue 11): no serious or critical accessibility violation, signed out and
signed in, in English and Russian, in the light and the dark theme, on a phone.

axe-core comes from the ``axe-playwright-python`` package (it bundles ``axe.min.js``, axe-core
4.12.1, MPL-2.0): nothing is downloaded when the test runs. The script is evaluated through the
DevTools protocol, which the page's Content Security Policy does not apply to.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.diary import service
from crampcare.records import EpisodeRecord
from crampcare.storage.models import User
from crampcare.web.app import create_app
from tests.web_support import PASSWORD, SELF_CARE_FORM, Browser, LiveServer, sign_up_owner

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
SIGNED_OUT = [
    "/",
    "/assess",
    "/knowledge",
    "/knowledge/conditions",
    "/knowledge/treatments",
    "/knowledge/claims",
    "/knowledge/foods",
    "/login",
    "/signup",
    "/forgot",
    "/offline",
    "/nowhere",  # the error page
]
SIGNED_IN = [
    "/diary",
    "/diary/episodes/new",
    "/diary/episodes/1",
    "/diary/day",
    "/diary/weeks",
    "/diary/days",
    "/diary/episodes",
    "/experiments",
    "/experiments/1",
    "/medicines",
    "/medicines/1/edit",
    "/assess",
    "/assessments",
    "/assessments/1",
    "/account",
    "/account/delete",
    "/knowledge",
    "/report.html",
]


def axe_script() -> str:
    from axe_playwright_python.sync_playwright import Axe

    script: str = Axe().axe_script
    return script


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Browser]]:
    """A live server with an owner whose diary has something on every page."""
    folder: Path = tmp_path_factory.mktemp("axe")
    app = create_app(f"sqlite:///{folder / 'axe.sqlite'}", secure_cookies=False)
    owner = sign_up_owner(app)
    today = dt.date.today()
    with app.state.db.session() as s:
        user = s.scalars(sa.select(User)).one()
        for days_ago in (20, 12, 5, 1):
            at = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(23), tzinfo=dt.UTC)
            service.add_episode(s, user, EpisodeRecord(at, "calf", "left", severity=6, duration_s=60))
        yesterday = (today - dt.timedelta(days=1)).isoformat()
        service.set_day_log(s, user, {"date": yesterday, "stretched_before_bed": "true"})
    assert owner.post("/medicines", {"name": "Лазикс", "started_on": "2026-11-01"}).status_code == 303
    form = {
        "intervention": "calf_stretch_before_bed",
        "start": today.isoformat(),
        "block_days": "7",
        "pairs": "6",
        "washout_days": "0",
    }
    assert owner.post("/experiments", form).status_code == 303  # 6 pairs: no design warning to confirm
    data = {"age_years": 45, "sex": "female", "cramps": {"timing": ["night"], "locations": ["calf"]}}
    saved = owner.post("/assess/save", {"input_json": json.dumps(data)})
    assert saved.status_code == 303, saved.text
    with LiveServer(app) as server:
        yield server.url, app, owner
    app.state.db.dispose()
    app.state.read_db.dispose()


def _violations(page: Any, script: str) -> list[str]:
    page.evaluate(script)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v["impact"] in BLOCKING:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
            found.append(f"{v['impact']} {v['id']}: {v['help']} at {targets}")
    return found


def _see_result(page: Any, base: str) -> None:
    """The result page: answer the required questions with the keyboard and mouse as a person would."""
    page.goto(base + "/assess")
    page.locator("#age_years").fill(str(SELF_CARE_FORM["age_years"]))
    page.locator("input[name=sex][value=female]").check()
    page.locator("section.step:not([hidden]) button[type=submit]:not([name])").click()  # "See my result"
    page.wait_for_selector("h1")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_no_serious_or_critical_violation_on_any_page(
    chromium: Any, site: tuple[str, Any, Browser], signed_in: bool, lang: str, theme: str
) -> None:
    base, _, owner = site
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        color_scheme=theme,  # signed out, the page follows the device
        service_workers="block",
        extra_http_headers={"Accept-Language": lang},
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    script = axe_script()
    problems: dict[str, list[str]] = {}
    try:
        if signed_in:
            # The account's own switch sets the theme; its language follows the header buttons.
            owner.post("/account/night", {"bedtime": "22:00", "wake_time": "07:00", "theme": theme})
            page.goto(base + "/login")
            page.locator("#name").fill("anna")
            page.locator("#password").fill(PASSWORD)
            page.locator("form[action^='/login'] button[type=submit]").click()
            page.wait_for_url("**/diary")
            page.locator(f"form.lang button[value={lang}]").click()
            page.wait_for_function(f"document.documentElement.lang === '{lang}'")
        pages = SIGNED_IN if signed_in else SIGNED_OUT
        for path in pages:
            page.goto(base + path)
            assert page.evaluate("document.documentElement.lang") == lang, path
            if found := _violations(page, script):
                problems[path] = found
        _see_result(page, base)
        if found := _violations(page, script):
            problems["result"] = found
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


def test_axe_finds_a_violation_when_there_is_one(chromium: Any, site: tuple[str, Any, Browser]) -> None:
    """The check can fail: an unlabelled field and an image without text are reported."""
    base, _, _ = site
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(base + "/knowledge")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            " '<img src=\"/static/icons/icon-192.png\"><button></button>')"
        )
        found = _violations(page, axe_script())
    finally:
        context.close()
    assert any("image-alt" in f for f in found) and any("button-name" in f for f in found), found
