"""One daily allowance of new diary rows per account, counted on every path that creates rows
(issue 12, point 6): the web's quick log, its offline replay, the episode form and the evening
form, the JSON API, file imports, and the CLI's add, day and import commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from crampcare.cli import app as cli
from crampcare.diary import quota
from crampcare.storage import DayLog, Episode, open_database
from crampcare.storage.models import User
from crampcare.web.app import create_app
from crampcare.web.limits import Limits
from tests.web_support import sign_up_owner

runner = CliRunner()


def _counts(db: Any, name: str) -> tuple[int, int, int]:
    """(episodes, day logs, rows counted today) of ``name``."""
    with db.session() as s:
        user = s.scalars(sa.select(User).where(User.name == name)).one()
        episodes = s.scalar(sa.select(sa.func.count()).select_from(Episode).where(Episode.user_id == user.id))
        logs = s.scalar(sa.select(sa.func.count()).select_from(DayLog).where(DayLog.user_id == user.id))
        return int(episodes or 0), int(logs or 0), quota.rows_today(s, user.id)


def _csv(day: str) -> bytes:
    header = "started_at,duration_s,muscle,side,severity,woke_from_sleep,relieved_by,notes"
    return f"{header}\n{day}T03:00:00+01:00,60,calf,left,5,true,stretch,\n".encode()


def test_every_web_and_api_path_counts_against_one_daily_allowance(db_url: str) -> None:
    app = create_app(db_url, secure_cookies=False, limits=Limits(rows_per_day=6))
    try:
        anna = sign_up_owner(app)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)

        def quick(severity: str) -> Any:  # another severity: never taken for a double tap
            return anna.post(
                "/diary/quick", {"muscle": "calf", "side": "left", "severity": severity, "tz": "UTC"}
            )

        def replay(minutes: int) -> Any:
            tapped = (now - dt.timedelta(minutes=minutes)).isoformat()
            form = {"muscle": "foot", "side": "right", "severity": "4", "tz": "UTC", "tapped_at": tapped}
            return anna.post("/diary/quick/replay", form)

        def form(hours: int) -> Any:
            local = (now - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
            return anna.post(
                "/diary/episodes/new",
                {"started_at": local, "tz": "UTC", "muscle": "thigh_back", "side": "both"},
            )

        def evening(day: str) -> Any:
            return anna.post("/diary/day", {"date": day, "fluid_litres": "1.5"})

        def api_episode(day: int) -> Any:
            body = {"started_at": f"2026-10-{day:02d}T02:00:00+00:00", "muscle": "calf", "side": "left"}
            return anna.api("POST", "/episodes", json=body)

        def api_day(day: str) -> Any:
            return anna.api("PUT", f"/day-logs/{day}", json={"fluid_litres": 1})

        def upload(day: str) -> Any:
            files = {"file": ("d.csv", _csv(day), "text/csv")}
            return anna.client.post("/diary/import", data={"csrf": anna.token()}, files=files)

        assert quick("5").status_code == 303
        assert replay(5).status_code == 201
        assert form(2).status_code == 303
        assert evening("2026-10-01").status_code == 303
        assert evening("2026-10-01").status_code == 303  # the same evening again replaces: no new row
        assert api_episode(3).status_code == 201
        assert api_day("2026-10-02").status_code == 200
        assert _counts(app.state.db, "anna") == (4, 2, 6)
        # Today's six rows are used: every path that would add one is refused, and adds nothing.
        refused = {
            "quick log": quick("6"),
            "replay": replay(9),
            "episode form": form(5),
            "evening": evening("2026-10-05"),
            "api episode": api_episode(6),
            "api day log": api_day("2026-10-07"),
            "import": upload("2026-10-08"),
        }
        assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 429)
        assert "limit of new diary entries" in refused["quick log"].text
        assert "limit of new diary entries" in refused["episode form"].text
        assert json.loads(refused["replay"].text)["duplicate"] is False  # the phone keeps it for later
        assert _counts(app.state.db, "anna") == (4, 2, 6)
        # Changing what is there adds no row and stays possible.
        assert api_day("2026-10-02").status_code == 200
        assert evening("2026-10-01").status_code == 303
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_the_cli_counts_every_new_row_and_enforces_a_configured_allowance(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_bytes(_csv("2026-09-01"))
    add = ("diary", "add", "--at", "2026-09-02T03:00:00+00:00", "--muscle", "calf", "--side", "left")
    # No allowance set: the CLI counts (the web sees the rows), it does not refuse.
    assert _run(*add, "--db", db_url)[0] == 0
    assert _run("diary", "day", "--date", "2026-09-03", "--fluid", "1", "--db", db_url)[0] == 0
    assert _run("diary", "day", "--date", "2026-09-03", "--caffeine", "1", "--db", db_url)[0] == 0  # same day
    assert _run("diary", "import", str(csv_file), "--db", db_url)[0] == 0
    db = open_database(db_url)
    try:
        assert _counts(db, "local") == (2, 1, 3)
    finally:
        db.dispose()
    # With CRAMPCARE_MAX_ROWS_PER_DAY the same allowance applies: 3 are used, 4 allowed.
    monkeypatch.setenv(quota.ENV_ROWS_PER_DAY, "4")
    later = ("diary", "add", "--at", "2026-09-04T03:00:00+00:00", "--muscle", "foot", "--side", "left")
    assert _run(*later, "--db", db_url)[0] == 0
    code, out = _run(
        "diary",
        "add",
        "--at",
        "2026-09-05T03:00:00+00:00",
        "--muscle",
        "foot",
        "--side",
        "left",
        "--db",
        db_url,
    )
    assert code == 2 and "today's limit of new diary rows (CRAMPCARE_MAX_ROWS_PER_DAY)" in out
    assert _run("diary", "day", "--date", "2026-09-06", "--fluid", "1", "--db", db_url)[0] == 2
    assert _run("diary", "day", "--date", "2026-09-03", "--fluid", "2", "--db", db_url)[0] == 0  # a change
    csv_file.write_bytes(_csv("2026-09-07"))
    assert _run("diary", "import", str(csv_file), "--db", db_url)[0] == 2
    db = open_database(db_url)
    try:
        assert _counts(db, "local") == (3, 1, 4)
    finally:
        db.dispose()


def _medicines(db: Any, name: str) -> tuple[int, int]:
    """(medicines, rows counted today) of ``name``."""
    from crampcare.storage.models import Medication

    with db.session() as s:
        user = s.scalars(sa.select(User).where(User.name == name)).one()
        meds = s.scalar(
            sa.select(sa.func.count()).select_from(Medication).where(Medication.user_id == user.id)
        )
        return int(meds or 0), quota.rows_today(s, user.id)


def test_new_medicines_count_against_the_allowance_on_the_web_and_in_the_cli(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(db_url, secure_cookies=False, limits=Limits(rows_per_day=2))
    try:
        anna = sign_up_owner(app)
        for name in ("Furosemide", "Atorvastatin"):
            assert anna.post("/medicines", {"name": name, "started_on": "2026-11-01"}).status_code == 303
        refused = anna.post("/medicines", {"name": "Amlodipine", "started_on": "2026-11-01"})
        assert refused.status_code == 429 and "limit of new diary entries" in refused.text
        assert _medicines(app.state.db, "anna") == (2, 2)  # nothing half-written, nothing over-counted
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()
    # The CLI counts medicines too, and refuses past a configured allowance.
    monkeypatch.setenv(quota.ENV_ROWS_PER_DAY, "2")
    assert _run("meds", "add", "Furosemide", "--since", "2026-11-01", "--db", db_url)[0] == 0
    meds_file = tmp_path / "meds.csv"
    meds_file.write_text(
        "name,dose,started_on,stopped_on,notes\n"
        "Atorvastatin,20 mg,2026-10-01,,\n"
        "Amlodipine,5 mg,2026-10-02,,\n",
        encoding="utf-8",
    )
    code, out = _run("meds", "import", str(meds_file), "--db", db_url)
    assert code == 2 and "CRAMPCARE_MAX_ROWS_PER_DAY" in out
    db = open_database(db_url)
    try:
        assert _medicines(db, "local") == (1, 1)
    finally:
        db.dispose()
