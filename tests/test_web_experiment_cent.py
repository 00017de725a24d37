"""The experiment page reports CENT-style (design diagram, per-period results, adherence, effect in
plain words, limits, the imported label) and the wizard warns about a design before any data
(issue 15), in English and Russian, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from crampcare.diary.service import import_records
from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.storage.models import Experiment, User
from tests.web_support import Browser, any_app, sign_up_owner, sqlite_url

__all__ = ["any_app", "sqlite_url"]

START = dt.date.today() - dt.timedelta(days=100)


def _form(**changes: str) -> dict[str, str]:
    return {
        "intervention": "calf_stretch_before_bed",
        "start": START.isoformat(),
        "block_days": "7",
        "pairs": "6",
        "washout_days": "0",
        "imported": "1",
    } | changes


def _set_language(app: Any, lang: str) -> None:
    with app.state.db.session() as s:
        s.execute(sa.update(User).values(locale=lang))
        s.commit()


def _finished_experiment(app: Any, browser: Browser) -> str:
    """A 6-pair imported experiment: no cramps on nights with it, 2 on nights without; stretched
    (day log) on every night with it and on the first night of each block without it."""
    r = browser.post("/experiments", _form())
    assert r.status_code == 303, r.text
    with app.state.db.session() as s:
        user = s.scalars(sa.select(User)).one()
        experiment = s.scalars(sa.select(Experiment)).one()
        episodes, logs = [], []
        for n in experiment.nights:
            after = dt.datetime.combine(n.date + dt.timedelta(days=1), dt.time(2, 0), dt.UTC)
            if not n.on:
                episodes += [EpisodeRecord(after + dt.timedelta(minutes=k), "calf", "left") for k in range(2)]
            first = (n.date - experiment.start_date).days % 7 == 0
            logs.append(DayLogRecord(n.date, n.on or first, None))
        import_records(s, user, episodes, logs)
        s.commit()
    return str(r.headers["location"])


def _flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_experiment_page_reports_design_periods_adherence_effect_and_limits(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    url = _finished_experiment(any_app, anna)
    page = anna.get(url).text
    # The design diagram: a list of 6 pairs, 12 blocks in order, each saying with or without in words.
    diagram = page[page.index('<ol class="design"') : page.index("</ol>\n", page.index('<ol class="design"'))]
    assert diagram.count('<li class="pair">') == 6
    assert diagram.count('class="block on"') == 6 and diagram.count('class="block off"') == 6
    assert "Pair 1" in diagram and "ON · with it" in diagram and "off · without it" in diagram
    flat = _flat(page)
    # Per-period results, in each block and pair by pair.
    assert "0 cramps in 7 nights (0.00 a night)" in flat and "14 cramps in 7 nights (2.00 a night)" in flat
    assert "Results pair by pair" in flat
    assert flat.count("0 in 7 nights (0.00 a night) 14 in 7 nights (2.00 a night) yes") == 6
    # Adherence from the day log: every night with it, one of 7 of the nights without it.
    assert "done on 42 of 42 recorded nights meant to be with it, and on 6 of 42" in flat
    # The effect with its interval and p in plain words; the limits; the imported label.
    assert "you had about 100% fewer cramps" in flat or "fewer cramps with it" in flat
    assert "probably between" in flat and "(randomisation test, p = 0.031)" in flat
    assert "likely helps you" in flat
    assert "What this cannot say" in flat
    assert "Imported: this experiment was run elsewhere" in flat

    _set_language(any_app, "ru")
    flat = _flat(anna.get(url).text)
    assert "Пара 1" in flat and "ДА · с этим" in flat and "нет · без этого" in flat
    assert "0 судорог за 7 ночей (0,00 за ночь)" in flat and "14 судорог за 7 ночей (2,00 за ночь)" in flat
    assert "Результаты по парам периодов" in flat
    assert "Соблюдение плана (по дневнику дня): сделано в 42 из 42" in flat
    assert "p = 0,031" in flat and "Чего этот опыт сказать не может" in flat
    assert "Внесён из другого источника" in flat
    for english in ("cramps in", "a night", "Pair ", "Verdict", "Adherence", "likely", "_before_"):
        assert english not in flat, english


def _confirmation(html: str) -> str:
    found = re.search(r'name="confirmed" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _experiments(app: Any) -> int:
    with app.state.db.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Experiment)) or 0)


def test_wizard_shows_the_plan_and_warns_before_any_data(any_app: Any) -> None:
    anna = sign_up_owner(any_app)
    start = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    design = _form(start=start, pairs="3", imported="")
    # Checking a design computes what `experiment plan` does, and creates nothing.
    r = anna.post("/experiments", design | {"action": "check"})
    assert r.status_code == 200 and _experiments(any_app) == 0
    flat = _flat(r.text)
    assert "This schedule cannot reach a verdict: with 3 pairs of blocks the smallest possible" in flat
    assert (
        "randomisation p is 0.25, never 0.05 or less" in flat
        and "With 6 pairs of 7 nights (12 weeks)" in flat
    )
    assert "Your design, 3 pairs of 7 nights (6 weeks)" in flat and "The smallest possible p is 0.25" in flat
    assert "a typical value, 0.50 cramps a night" in flat
    assert "0.72 (28% fewer)" in flat and "3: 0.25 (never a verdict)" in flat and "6: 0.0312" in flat
    # Creating it asks first; the confirmation holds for this design only.
    r = anna.post("/experiments", design | {"action": "create"})
    assert r.status_code == 200 and "Create this schedule anyway" in r.text and _experiments(any_app) == 0
    token = _confirmation(r.text)
    r = anna.post("/experiments", design | {"pairs": "2", "action": "create", "confirmed": token})
    assert r.status_code == 200 and "with 2 pairs of blocks" in _flat(r.text) and _experiments(any_app) == 0
    r = anna.post("/experiments", design | {"action": "create", "confirmed": token})
    assert r.status_code == 303 and _experiments(any_app) == 1
    # A second experiment on some of the same nights: warned, with the other one named in words.
    second = design | {"intervention": "reduce_caffeine", "pairs": "6"}
    r = anna.post("/experiments", second | {"action": "create"})
    flat = _flat(r.text)
    assert r.status_code == 200 and _experiments(any_app) == 1
    assert "Your experiment on calf and hamstring stretches before bed" in flat
    assert "runs on some of the same nights" in flat and "cannot reach a verdict" not in flat
    # A design without problems is created at once.
    later = (dt.date.today() + dt.timedelta(days=200)).isoformat()
    r = anna.post("/experiments", _form(start=later, imported="", washout_days="2"))
    assert r.status_code == 303
    # Its diagram marks the 2 washout nights at the start of each of the 12 blocks.
    page = anna.get(r.headers["location"]).text
    assert page.count('<i class="washout">') == 24 and page.count('<i class="counted">') == 12 * 5
    assert _flat(page).count("first 2 nights left out") == 12
    assert _flat(page).count("not started yet") == 12

    # An intervention the evidence calls harmful cannot be tested, with the reason in words.
    r = anna.post("/experiments", design | {"intervention": "quinine", "action": "check"})
    assert r.status_code == 422
    error = _flat(r.text[r.text.index('id="intervention-error"') :].split("</p>")[0])
    assert "Quinine: the evidence says it is not recommended, so it cannot be tested on yourself" in error

    _set_language(any_app, "ru")
    r = anna.post("/experiments", design | {"action": "check"})
    flat = _flat(r.text)
    assert "Это расписание не может дать вывод" in flat and "0,25" in flat
    assert "Прежде чем начать: что может показать эта схема" in flat and "0,72 (на 28% меньше)" in flat
    assert "Ваше опыт" not in flat and "Ваша схема — пар: 3" in flat
    for english in ("cramps a night", "Your design", "never a verdict", "smallest p", "pairs"):
        assert english not in flat, english
    r = anna.post("/experiments", design | {"intervention": "quinine", "action": "check"})
    assert "«Хинин»: по данным исследований это не рекомендуется" in _flat(r.text)
