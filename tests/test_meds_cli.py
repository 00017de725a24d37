"""``crampcare meds`` end to end (CliRunner, SQLite and PostgreSQL), and the JSON diary round trip
through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crampcare.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def meds(db_url: str, *flags: str) -> list[dict[str, object]]:
    code, out, err = run("meds", "list", "--format", "json", *flags, "--db", db_url)
    assert code == 0, err
    listed: list[dict[str, object]] = json.loads(out)
    return listed


def test_add_recognises_brands_and_russian_names_but_never_guesses(db_url: str) -> None:
    code, out, _ = run(
        "meds", "add", "Фуросемид 40 мг", "--dose", "40 мг утром", "--since", "30.11.2025", "--db", db_url
    )
    assert code == 0 and "recognised as furosemide" in out
    assert run("meds", "add", "Lasix", "--since", "2026-01-05", "--db", db_url)[0] == 0
    code, out, _ = run("meds", "add", "Zyxoplam", "--since", "2026-01-05", "--db", db_url)
    assert code == 0 and "not recognised" in out
    listed = meds(db_url)
    assert [(m["name"], m["ingredient"]) for m in listed] == [
        ("Фуросемид 40 мг", "furosemide"),
        ("Lasix", "furosemide"),
        ("Zyxoplam", None),
    ]
    assert listed[0]["started_on"] == "2025-11-30" and listed[0]["dose"] == "40 мг утром"
    code, out, _ = run("meds", "list", "--db", db_url)
    assert out.count("recognised as furosemide") == 2 and "Zyxoplam, from 2026-01-05 (not recognised)" in out


def test_problems_name_the_option(db_url: str) -> None:
    assert run("meds", "add", " ", "--db", db_url)[2].strip() == "NAME: missing"
    code, _, err = run("meds", "add", "Lasix", "--since", "31.02.2026", "--db", db_url)
    assert code == 2 and err.startswith("--since: '31.02.2026' is not a date")
    code, _, err = run("meds", "add", "Lasix", "--since", "01.01.2999", "--db", db_url)
    assert code == 2 and err.startswith("--since: 2999-01-01 is in the future")
    code, _, err = run("meds", "add", "Lasix", "--notes", "a\x00b", "--db", db_url)
    assert code == 2 and err.startswith("--notes: contains an invisible control character")
    assert run("meds", "add", "Lasix", "--since", "2026-01-05", "--db", db_url)[0] == 0
    code, _, err = run("meds", "add", "Lasix", "--since", "05.01.2026", "--db", db_url)
    assert code == 2 and err.startswith("NAME: medicine 1 (Lasix) is already recorded from 2026-01-05")
    code, _, err = run("meds", "stop", "1", "--on", "04.01.2026", "--db", db_url)
    assert code == 2 and err.startswith("--on: 2026-01-04 is before the medicine was started (2026-01-05)")
    code, _, err = run("meds", "stop", "99", "--db", db_url)
    assert code == 2 and "no medication 99" in err
    assert run("meds", "list", "--format", "xml", "--db", db_url)[0] == 2


def test_stop_hides_from_the_current_list_but_not_from_all(db_url: str) -> None:
    assert run("meds", "add", "atorvastatin", "--since", "2024-01-01", "--db", db_url)[0] == 0
    assert run("meds", "add", "amlodipine", "--since", "2024-01-01", "--db", db_url)[0] == 0
    code, out, _ = run("meds", "stop", "1", "--on", "01.03.2025", "--db", db_url)
    assert code == 0 and "to 2025-03-01" in out
    assert [m["name"] for m in meds(db_url)] == ["amlodipine"]
    everything = meds(db_url, "--all")
    assert [(m["name"], m["stopped_on"]) for m in everything] == [
        ("atorvastatin", "2025-03-01"),
        ("amlodipine", None),
    ]


def test_import_csv_all_or_nothing_and_idempotent(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,dose,started_on,stopped_on,notes\nАспаркам,1 таб,01.09.2026,,\nx,,2026-05-01,2026-04-01,\n",
        encoding="utf-8",
    )
    code, _, err = run("meds", "import", str(bad), "--db", db_url)
    assert code == 2
    assert f"{bad}:3: stopped_on: 2026-04-01 is before started_on 2026-05-01" in err
    assert meds(db_url, "--all") == []
    good = tmp_path / "meds.csv"
    good.write_text(
        "name,dose,started_on,stopped_on,notes\nАспаркам,1 таб,01.09.2026,,\n"
        "Hydrochlorothiazide,25 mg,2025-03-01,2026-02-01,'=note\n",
        encoding="utf-8",
    )
    code, out, _ = run("meds", "import", str(good), "--db", db_url)
    assert code == 0 and "2 new" in out
    code, out, _ = run("meds", "import", str(good), "--db", db_url)
    assert code == 0 and "0 new, 2 already recorded" in out
    listed = meds(db_url, "--all")
    assert [(m["name"], m["ingredient"], m["notes"]) for m in listed] == [
        ("Hydrochlorothiazide", "hydrochlorothiazide", "=note"),
        ("Аспаркам", listed[1]["ingredient"], ""),
    ]
    assert listed[1]["ingredient"] is not None


def test_import_the_medicines_of_a_json_export(db_url: str, tmp_path: Path) -> None:
    assert run("meds", "add", "Lasix", "--since", "2026-01-05", "--dose", "40 mg", "--db", db_url)[0] == 0
    exported = tmp_path / "diary.json"
    assert run("diary", "export", "--format", "json", "--output", str(exported), "--db", db_url)[0] == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert run("meds", "import", str(exported), "--db", other)[0] == 0
    assert [(m["name"], m["dose"]) for m in meds(other)] == [("Lasix", "40 mg")]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"name": "Lasix", "started_on": "bad"}]), encoding="utf-8")
    code, _, err = run("meds", "import", str(listed), "--db", other)
    assert code == 2 and f"{listed}:medications[0]: started_on: 'bad' is not a date" in err


def test_the_whole_diary_round_trips_through_json(db_url: str, tmp_path: Path) -> None:
    add = ("diary", "add", "--muscle", "calf", "--side", "left", "--db", db_url)
    assert run(*add, "--at", "2026-10-06T03:10:00+03:00", "--notes", "=1+1")[0] == 0
    assert run("diary", "day", "--date", "2026-10-06", "--fluid", "1,5", "--db", db_url)[0] == 0
    assert run("meds", "add", "Фуросемид", "--since", "2026-01-05", "--db", db_url)[0] == 0
    code, _, err = run(
        "experiment", "create", "--imported", "--intervention", "reduce_caffeine", "--start", "2026-10-05",
        "--block-days", "3", "--pairs", "2", "--seed", "5", "--washout", "0", "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    first = tmp_path / "first.json"
    assert run("diary", "export", "--format", "json", "--output", str(first), "--db", db_url)[0] == 0
    document = json.loads(first.read_text(encoding="utf-8"))
    assert len(document["medications"]) == 1 and len(document["episodes"]) == 1
    copy = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    code, out, err = run("diary", "import", str(first), "--db", copy)
    assert code == 0 and "imported 4 records" in out and ": 4 new, 0 updated" in out, err
    code, out, err = run("diary", "import", str(first), "--db", copy)
    assert code == 0 and ": 0 new, 4 updated" in out, err  # matched; nothing changed (below)
    second = tmp_path / "second.json"
    assert run("diary", "export", "--format", "json", "--output", str(second), "--db", copy)[0] == 0
    again = json.loads(second.read_text(encoding="utf-8"))
    for doc in (document, again):
        for plan in doc["experiments"]:
            del plan["id"], plan["created_at"]
    assert again == document
    assert not list(tmp_path.glob(".*.partial"))
