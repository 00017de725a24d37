"""The FHIR diary export streams: bounded memory for a 20,000-episode diary, the same bytes as the
whole-document export it replaced, and a bundle that still validates (issue 12, point 6)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from crampcare.diary.assessments import latest_assessment
from crampcare.diary.service import (
    add_medication,
    day_log_records,
    episode_records,
    import_records,
    medication_records,
)
from crampcare.fhir.bundle import Assessment, diary_bundle
from crampcare.fhir.diary_export import (
    atc_lookup,
    experiment_exports,
    export_bundle,
    stream_bundle,
)
from crampcare.fhir.errors import FhirError
from crampcare.fhir.validate import assert_valid_bundle, bundle_problems
from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.storage import get_or_create_user, open_database
from crampcare.storage.models import User

MSK = dt.timezone(dt.timedelta(hours=3))
SRC = Path(__file__).resolve().parents[1] / "src"


def old_fhir_text(s: Any, user: User) -> str:
    """The FHIR export as it was before streaming: every record loaded, the whole bundle built and
    checked as one dict, then one ``json.dumps`` (kept here to compare bytes and memory)."""
    latest = latest_assessment(s, user)
    bundle = diary_bundle(
        episode_records(s, user),
        day_log_records(s, user),
        medication_records(s, user),
        person=user.name,
        atc=atc_lookup(),
        assessment=Assessment(latest.input, latest.result, latest.when, latest.verified_icd10)
        if latest
        else None,
        experiments=experiment_exports(s, user),
    )
    assert_valid_bundle(bundle)
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"


def _fill(s: Any, user: User) -> None:
    from crampcare.experiments.service import create_experiment

    episodes = [
        EpisodeRecord(dt.datetime(2026, 10, 1, 3, 10, tzinfo=MSK), "calf", "left", 90, 7, True, ("stretch",)),
        EpisodeRecord(dt.datetime(2026, 10, 2, 2, 0, tzinfo=dt.UTC), "foot", "both", notes="=SUM(A1)"),
        EpisodeRecord(
            dt.datetime(2026, 10, 3, 4, 0, tzinfo=MSK), "calf", "right", notes='судорога "ночью"\nдва'
        ),
    ]
    days = [DayLogRecord(dt.date(2026, 10, 1), True, 1.5, 2.0, None, 30.0, "чай, кофе")]
    import_records(s, user, episodes, days)
    add_medication(s, user, "Фуросемид 40 мг", dt.date(2025, 3, 1), dose="40 мг утром")
    add_medication(s, user, "atorvastatin", dt.date(2024, 1, 1), dt.date(2026, 9, 1))
    create_experiment(s, user, "calf_stretch_before_bed", dt.date(2026, 10, 5), 3, 2, seed=11, imported=True)


def test_streamed_fhir_export_is_the_same_valid_bundle(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            _fill(s, user)
            expected = old_fhir_text(s, user)
            chunks = list(stream_bundle(s, user))
            assert "".join(chunks) == expected == export_bundle(s, user)
            assert bundle_problems(json.loads(expected)) == []
    finally:
        db.dispose()


def test_a_bad_entry_stops_the_stream_before_it_is_handed_on(tmp_path: Path, monkeypatch: Any) -> None:
    from crampcare.fhir import bundle

    real = bundle.episode_observation

    def broken(record: EpisodeRecord, patient: str) -> dict[str, Any]:
        out = real(record, patient)
        if record.muscle == "foot":
            out["status"] = "made-up"
        return out

    monkeypatch.setattr(bundle, "episode_observation", broken)
    db = open_database(f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            _fill(s, user)
            handed_on = []
            with pytest.raises(FhirError) as refused:
                for chunk in stream_bundle(s, user):
                    handed_on.append(chunk)
            assert any("status: unknown code 'made-up'" in p for p in refused.value.problems)
            assert "made-up" not in "".join(handed_on)
    finally:
        db.dispose()


# Run in a child process whose address space is capped, once everything is imported and the
# diary is in the database, at what it uses then plus ``CAP_MB``: an export that holds the diary
# (as the whole-document export did) runs out of memory, a streamed one never comes near the cap.
# (tracemalloc would slow a 20,000-entry export about five-fold; peak RSS hides reused free memory.)
CHILD = textwrap.dedent(
    """
    import datetime as dt, json, resource, sys
    from crampcare.records import EpisodeRecord
    from crampcare.diary.service import import_records
    from crampcare.fhir.diary_export import stream_bundle
    from crampcare.storage import get_or_create_user, open_database
    from tests.test_bounded_fhir import old_fhir_text

    url, out, count, which, cap_mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    db = open_database(url)
    start = dt.datetime(2020, 1, 1, 2, 0, tzinfo=dt.UTC)
    with db.session() as s:
        warm = get_or_create_user(s, "warm")
        records = [EpisodeRecord(start + dt.timedelta(hours=3 * i), "calf", "left", 60, i % 11, True,
                                 ("stretch",), "n" * (i % 40)) for i in range(count)]
        import_records(s, warm, records[:5])
        "".join(stream_bundle(s, warm))  # the code and the FHIR models imported before the cap
        old_fhir_text(s, warm)
        user = get_or_create_user(s, "big")
        import_records(s, user, records)
        del records
        s.expire_all()
        with open("/proc/self/status") as fh:
            size_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
        cap = (size_kb + cap_mb * 1024) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
        try:
            with open(out, "w", encoding="utf-8") as fh:
                if which == "stream":
                    for chunk in stream_bundle(s, user):
                        fh.write(chunk)
                else:
                    fh.write(old_fhir_text(s, user))
        except MemoryError:
            print(json.dumps({"result": "out of memory"}))
            raise SystemExit(0)
    db.dispose()
    print(json.dumps({"result": "done"}))
    """
)
CAP_MB = 64  # a few batches of rows, one chunk, the fullUrls: far less; the whole bundle: far more


def _export_under_cap(url: str, out: Path, count: int, which: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent)])}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(out), str(count), which, str(CAP_MB)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: str = json.loads(done.stdout.strip().splitlines()[-1])["result"]
    return result


@pytest.mark.slow
def test_a_20000_episode_fhir_export_streams_in_bounded_memory(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "big.fhir.json"
    assert _export_under_cap(db_url, out, 20_000, "stream") == "done"
    with out.open(encoding="utf-8") as fh:
        bundle = json.load(fh)
    observations = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert len(observations) == 20_000
    assert bundle_problems({**bundle, "entry": bundle["entry"][:200] + bundle["entry"][-5:]}) == []


@pytest.mark.slow  # about 25 s: 20,000 episodes are built and inserted in a child process
def test_the_whole_document_export_runs_out_under_the_same_cap(tmp_path: Path) -> None:
    """The measurement can fail: the export the stream replaced does not fit under the cap."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    assert _export_under_cap(url, tmp_path / "old.json", 20_000, "whole") == "out of memory"


def test_the_web_download_of_fhir_streams(tmp_path: Path) -> None:
    from starlette.responses import StreamingResponse  # noqa: F401  (the type the route returns)

    from crampcare.web.app import create_app
    from tests.web_support import sign_up_owner

    app = create_app(f"sqlite:///{tmp_path / 'w.sqlite'}", secure_cookies=False)
    try:
        anna = sign_up_owner(app)
        with app.state.db.session() as s:
            user = s.scalars(sa.select(User).where(User.name == "anna")).one()
            _fill(s, user)
            expected = old_fhir_text(s, user)
        with anna.client.stream("GET", "/diary/export?format=fhir") as r:
            assert r.status_code == 200 and "content-length" not in r.headers  # sent in chunks
            body = b"".join(r.iter_bytes())
        assert body == expected.encode("utf-8")
    finally:
        app.state.db.dispose()
        app.state.read_db.dispose()


def test_the_cli_writes_the_streamed_bundle_and_no_file_when_an_entry_is_bad(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from typer.testing import CliRunner

    from crampcare.cli import app as cli
    from crampcare.fhir import bundle

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    db = open_database(url)
    try:
        with db.session() as s:
            user = get_or_create_user(s)
            _fill(s, user)
            expected = old_fhir_text(s, user)
    finally:
        db.dispose()
    out = tmp_path / "diary.fhir.json"
    result = CliRunner().invoke(
        cli, ["diary", "export", "--format", "fhir", "--output", str(out), "--db", url]
    )
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == expected
    real = bundle.episode_observation
    monkeypatch.setattr(bundle, "episode_observation", lambda r, p: {**real(r, p), "status": "made-up"})
    bad = tmp_path / "bad.fhir.json"
    result = CliRunner().invoke(
        cli, ["diary", "export", "--format", "fhir", "--output", str(bad), "--db", url]
    )
    assert (result.exit_code == 2 and result.exception is None) or isinstance(result.exception, SystemExit)
    assert "status: unknown code 'made-up'" in result.stderr and "nothing was written" in result.stderr
    assert not bad.exists() and not list(tmp_path.glob(".bad.fhir.json*"))  # no file, not even a partial one
