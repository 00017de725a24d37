"""Dark chart backgrounds (issue 11): in the dark theme the diary and experiment charts are drawn on the
page's dark background with readable colours, both when the device asks for dark (prefers-color-scheme,
account on "auto") and when the account's switch says dark on a light device; light stays light.

The browser test reads the pixels the browser actually drew for the chart image."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.charts import svg_text
from crampcare.charts.figures import PALETTES, episodes_per_week, experiment_chart
from crampcare.diary import service
from crampcare.records import EpisodeRecord
from crampcare.storage.models import User
from crampcare.web.app import create_app
from tests.test_web_theme import TEXT, contrast, themes
from tests.web_support import PASSWORD, Browser, LiveServer, app, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]

NON_TEXT = 3.0


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_chart_colours_are_the_pages_and_readable(theme: str) -> None:
    page = themes()[theme]
    colours = PALETTES[theme]
    assert colours["bg"].lower() == _long(page["bg"]) and colours["fg"].lower() == _long(page["fg"])
    assert contrast(colours["fg"], colours["bg"]) >= TEXT
    assert contrast(colours["muted"], colours["bg"]) >= TEXT
    for part in ("bar", "on", "off", "line"):
        assert contrast(colours[part], colours["bg"]) >= NON_TEXT, part


def _long(colour: str) -> str:
    digits = colour.lstrip("#").lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def test_a_dark_chart_has_a_dark_background_and_light_text() -> None:
    stats = {"per_week": [{"week_start": "2026-11-02", "episodes": 3}]}
    dark, light = svg_text(episodes_per_week(stats, theme="dark")), svg_text(episodes_per_week(stats))
    assert "fill: #121417" in dark and "fill: #ececec" in dark and "#ffffff" not in dark
    assert "fill: #121417" not in light
    night = svg_text(experiment_chart({"nights": [], "intervention": "x"}, theme="dark"))
    assert "fill: #121417" in night
    with pytest.raises(ValueError, match="theme"):
        episodes_per_week(stats, theme="pink")


def test_chart_addresses_follow_the_account_theme(app: Any, owner: Browser) -> None:
    _seed(app)
    html = owner.get("/diary").text
    assert (
        '<source srcset="/diary/charts/hour_of_night.svg?theme=dark" media="(prefers-color-scheme: dark)">'
        in html
    )
    owner.post("/account/night", {"bedtime": "22:00", "wake_time": "07:00", "theme": "dark"})
    html = owner.get("/diary").text
    assert 'src="/diary/charts/hour_of_night.svg?theme=dark"' in html and "<picture>" not in html
    assert owner.get("/diary/charts/hour_of_night.svg?theme=pink").status_code == 404
    dark = owner.get("/diary/charts/hour_of_night.svg?theme=dark").text
    assert "fill: #121417" in dark
    assert "fill: #121417" not in owner.get("/diary/charts/hour_of_night.svg").text


# --- in the browser ------------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    application = create_app(f"sqlite:///{tmp_path / 'dark.sqlite'}", secure_cookies=False)
    with LiveServer(application) as server:
        yield server.url, application
    application.state.db.dispose()
    application.state.read_db.dispose()


# The colour the browser drew at a point near the chart's top-left corner (inside its border).
CORNER_PIXEL = """img => {
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const g = canvas.getContext("2d");
  g.drawImage(img, 0, 0);
  return Array.from(g.getImageData(3, 3, 1, 1).data.slice(0, 3));
}"""


def _chart_corner(page: Any) -> list[int]:
    img = page.locator("img.chart").first
    img.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('img.chart')?.naturalWidth > 0")
    pixel: list[int] = img.evaluate(CORNER_PIXEL)
    return pixel


def _seed(application: Any) -> None:
    with application.state.db.session() as s:
        user = s.scalars(sa.select(User)).one()
        today = dt.datetime.now(dt.UTC).date()
        for days_ago in (9, 5, 2):
            at = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(23), tzinfo=dt.UTC)
            service.add_episode(s, user, EpisodeRecord(at, "calf", "left", severity=6))


@pytest.mark.browser
@pytest.mark.parametrize(
    ("device", "account", "expected"),
    [
        ("dark", "auto", "dark"),  # prefers-color-scheme
        ("light", "dark", "dark"),  # the account's switch wins over a light device
        ("light", "auto", "light"),
        ("dark", "light", "light"),
    ],
)
def test_the_browser_draws_the_chart_in_the_theme(
    chromium: Any, live: tuple[str, Any], device: str, account: str, expected: str
) -> None:
    base, application = live
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, color_scheme=device, service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(base + "/setup")
        page.get_by_label("Your sign-in name").fill("anna")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        page.get_by_role("button", name="Create the owner account").click()
        page.wait_for_url("**/diary")
        _seed(application)
        page.goto(base + "/account")
        page.get_by_role(
            "radio", name={"auto": "As set on this device", "light": "Light", "dark": "Dark"}[account]
        ).check()
        page.locator("form[action='/account/night'] button[type=submit]").click()
        page.wait_for_url("**/account?saved=1*")
        page.goto(base + "/diary")
        red, green, blue = _chart_corner(page)
        want = PALETTES[expected]["bg"]
        assert (red, green, blue) == tuple(int(want[i : i + 2], 16) for i in (1, 3, 5))
        src = page.locator("img.chart").first.evaluate("i => i.currentSrc")
        assert src.endswith(f"?theme={expected}")
        body = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert body == "rgb({}, {}, {})".format(*(int(want[i : i + 2], 16) for i in (1, 3, 5)))
    finally:
        context.close()
