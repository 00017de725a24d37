"""Bounded work per account on the web (issue 12, point 6): a 20,000-episode account keeps every
page, API list and chart under 1 MB, its exports stream, and the long lists come in pages.

Response times are measured in ``benchmarks/bounded.py``, not here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.diary.service import add_medication, import_records
from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.storage.models import User
from crampcare.web.app import create_app
from tests.web_support import Browser, sign_up_owner

N_EPISODES = 20_000
N_DAYS = 1_500
MB = 1_000_000
START = dt.datetime(2019, 1, 1, 2, 0, tzinfo=dt.UTC)


def big_diary(count: int = N_EPISODES, days: int = N_DAYS) -> tuple[list[EpisodeRecord], list[DayLogRecord]]:
    """``count`` cramps every 3 hours (about seven years) with notes, and ``days`` evening logs."""
    episodes = [
        EpisodeRecord(
            START + dt.timedelta(hours=3 * i),
            "calf" if i % 3 else "foot",
            "left" if i % 2 else "right",
            30 + i % 200,
            i % 11,
            bool(i % 2),
            ("stretch",) if i % 4 == 0 else (),
            f"note {i} " * (i % 5),
        )
        for i in range(count)
    ]
    logs = [
        DayLogRecord(START.date() + dt.timedelta(days=d), bool(d % 2), 1.5, 2.0, 0.0, 30.0, f"day {d}")
        for d in range(days)
    ]
    return episodes, logs


def fill(application: Any, name: str, count: int = N_EPISODES, days: int = N_DAYS) -> None:
    """Bulk-insert a diary for ``name`` (COPY on PostgreSQL, one executemany on SQLite)."""
    episodes, logs = big_diary(count, days)
    with application.state.db.session() as s:
        user = s.scalars(sa.select(User).where(User.name == name)).one()
        import_records(s, user, episodes, logs)
        add_medication(s, user, "amlodipine", dt.date(2020, 1, 1), dose="5 mg")


@pytest.fixture
def big_account(db_url: str) -> Iterator[tuple[Any, Browser]]:
    application = create_app(db_url, secure_cookies=False)
    try:
        anna = sign_up_owner(application, "anna")
        fill(application, "anna")
        yield application, anna
    finally:
        application.state.db.dispose()
        application.state.read_db.dispose()


PAGES = [
    "/",
    "/diary",
    "/diary/episodes",
    "/diary/days",
    "/diary/weeks",
    "/diary/day",
    "/diary/episodes/new",
    "/diary/charts/episodes_per_week.svg",
    "/diary/charts/hour_of_night.svg",
    "/diary/charts/severity_over_time.svg",
    "/account",
    "/account/delete",
    "/assessments",
    "/experiments",
    "/offline",
]
API = ["/episodes", "/episodes?limit=1000", "/day-logs", "/day-logs?limit=1000", "/stats", "/experiments"]
EXPORTS = [
    "/diary/export?format=csv",
    "/diary/export?format=csv&what=day_logs",
    "/diary/export?format=json",
    "/account/export",
]


def _older(html: str) -> str | None:
    found = re.search(r'href="([^"]+)" rel="next"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.slow  # 15-30 s: the three exports of 20,000 cramps are read to the end
def test_every_page_of_a_20000_episode_account_stays_under_a_megabyte(
    big_account: tuple[Any, Browser],
) -> None:
    _, anna = big_account
    sizes = {}
    for path in PAGES:
        r = anna.get(path)
        assert r.status_code == 200, (path, r.status_code)
        sizes[path] = len(r.content)
    episode_id = anna.api("GET", "/episodes?limit=1").json()[0]["id"]
    for path in (f"/diary/episodes/{episode_id}", "/diary/day?date=2019-01-05"):
        r = anna.get(path)
        assert r.status_code == 200, path
        sizes[path] = len(r.content)
    for path in API:
        r = anna.api("GET", path)
        assert r.status_code == 200, (path, r.text[:300])
        sizes["/api/v1" + path] = len(r.content)
    # Deep into the list: a page far back is still one page.
    url: str | None = "/diary/episodes"
    for _ in range(5):
        assert url is not None
        r = anna.get(url)
        sizes[url] = len(r.content)
        url = _older(r.text)
    too_big = {path: size for path, size in sizes.items() if size >= MB}
    assert not too_big, too_big
    # The page lists show a page of rows, not the diary.
    assert len(re.findall(r'href="/diary/episodes/\d+"', anna.get("/diary/episodes").text)) == 100
    for path in EXPORTS:
        with anna.client.stream("GET", path) as r:
            assert r.status_code == 200, path
            assert "content-length" not in r.headers, path  # sent as it is read, in chunks
            total = sum(len(chunk) for chunk in r.iter_bytes())
        assert total > (50_000 if "day_logs" in path else MB), (path, total)  # the whole diary came


def test_the_cramp_list_pages_back_and_forth(any_app: Any) -> None:
    anna = sign_up_owner(any_app, "anna")
    fill(any_app, "anna", 250, 130)
    first = anna.get("/diary/episodes")
    assert 'rel="prev"' not in first.text  # nothing newer than the first page
    ids: list[str] = []
    pages = [first.text]
    url = _older(first.text)
    while url:
        page = anna.get(url)
        assert page.status_code == 200
        pages.append(page.text)
        url = _older(page.text)
    for html in pages:
        ids += re.findall(r'href="/diary/episodes/(\d+)"', html)
    assert [len(re.findall(r'href="/diary/episodes/(\d+)"', h)) for h in pages] == [100, 100, 50]
    assert len(ids) == len(set(ids)) == 250
    times = re.findall(r"<li>(\d{4}-\d\d-\d\d \d\d:\d\d)", "".join(pages))
    assert times == sorted(times, reverse=True)  # newest first, across the pages
    # "Newer" from the last page leads back to the middle page exactly.
    newer = re.search(r'href="([^"]+)" rel="prev"', pages[2])
    assert newer is not None
    back = anna.get(newer.group(1).replace("&amp;", "&")).text
    assert re.findall(r'href="/diary/episodes/(\d+)"', back) == re.findall(
        r'href="/diary/episodes/(\d+)"', pages[1]
    )
    # A link this server did not make shows the first page, not an error.
    assert anna.get("/diary/episodes?before=bm90LWEtcGFnZQ").status_code == 200
    # The evenings page the same way: 130 logs in two pages.
    days = anna.get("/diary/days")
    assert days.text.count("/diary/day?date=") == 100
    older = _older(days.text)
    assert older is not None and anna.get(older).text.count("/diary/day?date=") == 30


def test_the_page_links_are_translated(app: Any) -> None:
    anna = sign_up_owner(app, "anna")
    fill(app, "anna", 150, 0)
    english = anna.get("/diary/episodes").text
    assert "Older cramps" in english
    assert anna.post("/account/settings", {"lang": "ru", "timezone": "UTC"}).status_code == 303
    russian = anna.get("/diary/episodes").text
    assert "Более ранние судороги" in russian and "Older cramps" not in russian
    older = _older(russian)
    assert older is not None and "Более поздние судороги" in anna.get(older).text


def test_the_severity_chart_is_drawn_per_period_not_per_cramp() -> None:
    from crampcare.charts import figures, svg_text

    episodes, _ = big_diary()
    period, rows = figures.severity_by_period((e.started_at.date(), e.severity) for e in episodes)
    assert period == "month" and len(rows) == 83  # 6.8 years in months, not 20,000 points
    assert rows[0][0] == dt.date(2019, 1, 1) and rows[0][2] == 0 and rows[0][3] == 10
    svg = svg_text(figures.severity_over_time(episodes))
    assert len(svg) < 100_000, len(svg)  # a dot per cramp drew 2.9 MB here
    assert "Severity per month" in svg
    week = [e for e in episodes if e.started_at < START + dt.timedelta(days=300)]
    assert figures.severity_by_period((e.started_at.date(), e.severity) for e in week)[0] == "week"
    days = [e for e in episodes if e.started_at < START + dt.timedelta(days=30)]
    period, rows = figures.severity_by_period((e.started_at.date(), e.severity) for e in days)
    assert period == "day" and len(rows) == 30


from tests.web_support import any_app, app, sqlite_url  # noqa: E402  (fixtures)

__all__ = ["any_app", "app", "sqlite_url"]
