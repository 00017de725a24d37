"""The medicines page without a browser (issue 11, point 6): the before/after statistics, errors that
name the field, ownership, the stop wording, and the report and FHIR export carrying what was entered."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from crampcare.stats.medicine_change import before_after
from tests.stop_wording import stop_advice
from tests.web_support import Browser, any_app, app, owner, sqlite_url, two_users

__all__ = ["any_app", "app", "owner", "sqlite_url", "two_users"]

D0 = dt.date(2026, 1, 1)


def _nights(offsets: list[int]) -> list[dt.date]:
    return [D0 + dt.timedelta(days=o) for o in offsets]


def test_before_after_gives_the_rates_and_a_ratio_with_its_interval() -> None:
    # 28 nights with 4 cramps, then 28 with 12: three times the rate.
    nights = _nights([0, 7, 14, 21] + [28 + 2 * i for i in range(12)])
    result = before_after(nights, D0, D0 + dt.timedelta(days=55), D0 + dt.timedelta(days=28))
    assert result["before"] == {"nights": 28, "cramps": 4, "per_week": 1.0}
    assert result["after"] == {"nights": 28, "cramps": 12, "per_week": 3.0}
    assert result["rate_ratio"] == 3.0 and result["reason"] is None
    low, high = result["ci95"]
    assert low < 3.0 < high and low > 1.0  # clearly more, with an interval around it


def test_before_after_ends_at_the_last_day_taken_and_refuses_too_little_data() -> None:
    nights = _nights([0, 10, 20, 30, 40, 50])
    last = D0 + dt.timedelta(days=59)
    stopped = before_after(nights, D0, last, D0 + dt.timedelta(days=30), D0 + dt.timedelta(days=44))
    assert stopped["after"]["nights"] == 15 and stopped["after"]["cramps"] == 2
    short = before_after(nights, D0, last, D0 + dt.timedelta(days=5))
    assert short["reason"] == "too_few" and short["rate_ratio"] is None
    assert before_after([], None, None, D0)["reason"] == "too_few"
    none_after = before_after(_nights([0, 3, 6, 9, 12]), D0, last, D0 + dt.timedelta(days=30))
    assert none_after["reason"] == "not_estimable" and none_after["after"]["cramps"] == 0


def _errors(page: str) -> dict[str, str]:
    return {
        k: html.unescape(v)
        for k, v in re.findall(
            r'<p class="error" id="([\w-]+)-error"[^>]*>\s*<span[^>]*>⚠</span>\s*([^<]*?)\s*</p>', page
        )
    }


def test_bad_input_names_the_field_and_saves_nothing(owner: Browser) -> None:
    r = owner.post("/medicines", {"name": "", "started_on": "31.02.2026"})
    assert r.status_code == 422
    assert _errors(r.text) == {
        "name": "Give the medicine's name (at most 200 characters), once for each start date.",
        "started_on": "Give a date like 2026-11-20.",
    }
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = owner.post("/medicines", {"name": "Lasix", "started_on": future})
    assert _errors(r.text) == {"started_on": "This date is in the future."}
    assert "No medicines recorded." in owner.get("/medicines").text
    assert owner.post("/medicines", {"name": "Lasix", "started_on": "2026-11-01"}).status_code == 303
    again = owner.post("/medicines", {"name": "Lasix", "started_on": "2026-11-01"})
    assert again.status_code == 422 and "name" in _errors(again.text)
    early = owner.post("/medicines/1/ended", {"stopped_on": "2026-10-01"})
    assert _errors(early.text) == {"stopped_on": "The last day cannot be before the first day."}
    ru = owner.post("/medicines", {"name": "x" * 201, "started_on": "2026-11-01"}, headers={})
    assert ru.status_code == 422


def test_someone_elses_medicine_is_not_found(two_users: tuple[Browser, Browser]) -> None:
    anna, boris = two_users
    assert anna.post("/medicines", {"name": "Lipitor", "started_on": "2026-11-01"}).status_code == 303
    assert boris.get("/medicines/1/edit").status_code == 404
    assert boris.post("/medicines/1", {"name": "x", "started_on": "2026-11-01"}).status_code == 404
    assert boris.post("/medicines/1/ended", {"stopped_on": "2026-11-02"}).status_code == 404
    assert "Lipitor" not in boris.get("/medicines").text
    assert "Lipitor" in anna.get("/medicines").text
    page = anna.get("/medicines/1/edit").text  # unchanged by Boris's attempts
    assert 'value="Lipitor"' in page and 'name="stopped_on" type="date" value=""' in page


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_page_never_tells_anyone_to_stop_a_medicine(owner: Browser, lang: str) -> None:
    owner.post("/language", {"lang": lang, "next": "/medicines"})
    owner.post("/medicines", {"name": "Аторвастатин", "started_on": "2026-11-01"})
    for page in ("/medicines", "/medicines/1/edit"):
        body = owner.get(page).text
        text = html.unescape(re.sub(r"<[^>]+>", " ", body.split('<main id="main">')[1].split("</main>")[0]))
        assert not stop_advice(text), stop_advice(text)


def test_the_report_and_the_fhir_export_carry_what_was_entered(owner: Browser) -> None:
    assert (
        owner.post("/medicines", {"name": "Лазикс", "dose": "40 mg", "started_on": "2026-11-01"}).status_code
        == 303
    )
    report = owner.get("/report.html")  # the report lists the medicines taken now
    assert report.status_code == 200 and "Лазикс" in report.text
    assert owner.post("/medicines/1/ended", {"stopped_on": "2026-11-20"}).status_code == 303
    bundle = json.loads(owner.get("/diary/export?format=fhir").text)
    statements = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationStatement"
    ]
    assert len(statements) == 1
    period = statements[0]["effectivePeriod"]
    assert (period["start"], period["end"]) == ("2026-11-01", "2026-11-20")
    assert "Лазикс" in json.dumps(statements[0], ensure_ascii=False)
