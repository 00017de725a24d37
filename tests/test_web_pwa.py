"""The installable, offline app (issue 11): manifest and icons, the service worker at the root, the
offline page without personal data, and the replay of quick logs kept offline - idempotent, so a log
that is sent twice is saved once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from crampcare.storage.models import Episode
from crampcare.web.app import CSP
from crampcare.web.icons import ICON_DIR, draw_icon
from tests.web_support import Browser, app, new_client, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]
TEMPLATES = Path(__file__).resolve().parents[1] / "src/crampcare/web/templates"


def _episodes(app: Any) -> list[Episode]:
    with app.state.db.session() as s:
        return list(s.scalars(sa.select(Episode).order_by(Episode.id)))


def test_manifest_makes_an_installable_app(app: Any) -> None:
    from PIL import Image

    r = new_client(app).get("/manifest.webmanifest")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/manifest+json")
    manifest = r.json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/diary"
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    assert set(sizes) == {"192x192", "512x512"}
    for size, src in sizes.items():
        icon = new_client(app).get(src)
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
        path = ICON_DIR / Path(src).name
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == size and image.format == "PNG"
    assert 'rel="manifest" href="/manifest.webmanifest"' in new_client(app).get("/knowledge").text


def test_committed_icons_are_what_the_generator_draws() -> None:
    from PIL import Image, ImageChops

    for size in (192, 512):
        with Image.open(ICON_DIR / f"icon-{size}.png") as committed:
            drawn = draw_icon(size)
            assert ImageChops.difference(committed.convert("RGBA"), drawn).getbbox() is None


def test_service_worker_is_served_from_the_root(app: Any) -> None:
    r = new_client(app).get("/sw.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "no-cache" in r.headers["cache-control"]
    assert 'importScripts("/static/queue.js")' in r.text and '"/offline"' in r.text
    version = re.search(r'var CACHE = "crampcare-shell-([0-9a-f]{16})"', r.text)
    assert version, "the cache name carries a hash of the shell, so a change installs a new worker"


def test_the_csp_stays_strict_and_no_template_has_inline_script() -> None:
    script_src = re.search(r"script-src ([^;]+)", CSP)
    assert script_src and script_src.group(1).strip() == "'self'"
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name  # no onclick= and the like


def test_offline_page_holds_no_personal_data(app: Any, owner: Browser) -> None:
    page = owner.get("/offline")
    assert page.status_code == 200
    assert "anna" not in page.text  # the signed-in name
    assert 'name="csrf" value=""' in page.text and 'name="csrf" value="' + owner.token() not in page.text
    assert "data-offline-quick" in page.text and page.text.count('name="severity"') == 11


def _replay(browser: Browser, **fields: str) -> Any:
    data = {"muscle": "calf", "side": "left", "severity": "6", "tz": "Europe/Moscow", **fields}
    return browser.post("/diary/quick/replay", data)


def test_a_log_sent_twice_is_saved_once(app: Any, owner: Browser) -> None:
    tapped = "2026-11-20T00:10:42.123Z"  # 03:10 in Moscow
    first = _replay(owner, tapped_at=tapped)
    assert first.status_code == 201, first.text
    again = _replay(owner, tapped_at=tapped)
    assert again.status_code == 409 and again.json()["duplicate"] is True
    (episode,) = _episodes(app)
    assert episode.started_at_utc == dt.datetime(2026, 11, 20, 0, 10, 42)
    assert (episode.utc_offset_min, episode.night_date) == (180, dt.date(2026, 11, 19))
    assert episode.woke_from_sleep is True  # 03:10 is between 22:00 and 08:00


def test_the_first_try_and_its_retry_are_one_episode(app: Any, owner: Browser) -> None:
    """The worker stamps the tap before the first try; if the answer was lost, the queued retry of the
    same log is a duplicate."""
    tapped = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).isoformat()
    form = {"muscle": "foot", "side": "right", "severity": "4", "tapped_at": tapped}
    assert owner.post("/diary/quick", form).status_code == 303
    assert _replay(owner, tapped_at=tapped, muscle="foot", side="right", severity="4").status_code == 409
    assert len(_episodes(app)) == 1


def test_replay_needs_the_csrf_token_and_a_real_time(app: Any, owner: Browser) -> None:
    r = owner.post(
        "/diary/quick/replay",
        {"muscle": "calf", "side": "left", "tapped_at": "2026-11-20T00:10:00Z"},
        csrf=False,
    )
    assert r.status_code == 403
    assert _replay(owner, tapped_at="yesterday").status_code == 422
    assert _replay(owner, tapped_at="2026-11-20T00:10:00Z", muscle="elbow").status_code == 422
    assert _episodes(app) == []


def test_a_phone_clock_running_fast_still_saves_the_cramp_now(app: Any, owner: Browser) -> None:
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert _replay(owner, tapped_at=ahead).status_code == 201
    (episode,) = _episodes(app)
    assert abs(episode.started_at_utc - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        minutes=2
    )


def test_static_files_are_cached_under_their_content_hash(app: Any) -> None:
    import hashlib

    from crampcare.web.static_files import STATIC

    client = new_client(app)
    page = client.get("/knowledge").text
    links = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"', page)
    assert {path for path, _ in links} >= {"/static/style.css", "/static/app.js", "/static/queue.js"}
    for path, version in links:
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert (
            version == hashlib.sha256(content).hexdigest()[: len(version)]
        )  # the address follows the content
        r = client.get(f"{path}?v={version}")
        assert r.status_code == 200 and "immutable" in r.headers["cache-control"], path
    # A stale or missing hash is never cached for long.
    assert "immutable" not in client.get("/static/style.css?v=000000000000").headers.get("cache-control", "")
    assert "immutable" not in client.get("/static/style.css").headers.get("cache-control", "")
