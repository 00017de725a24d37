"""``crampcare assess`` with plain options runs without Typer (a faster cold start) and behaves
exactly as the Typer command: same output, same messages, same exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crampcare.cli import _plain_assess_options, build_app, main

CASE = {
    "age_years": 67,
    "sex": "female",
    "cramps": {"timing": ["night"], "locations": ["calf"]},
    "findings": ["relieved_by_stretching"],
    "medications": ["Hydrochlorothiazide 25 mg"],
}


def lean(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def typer_run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app("assess"), args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "options",
    [
        ["--format", "json"],
        ["--format=text", "--lang", "ru"],
        ["-f", "text", "--lang=en"],
        ["--lang", "de"],
        ["--format", "xml"],
    ],
)
def test_lean_path_matches_typer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    args = ["assess", "--input", str(case), *options]
    assert _plain_assess_options(args[1:]) is not None  # really the lean path
    assert lean(args, capsys) == typer_run(args)


@pytest.mark.parametrize("body", ['{"age_years": -3}', "not json", "[{}, {}]"])
def test_lean_path_reports_bad_input_as_typer_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    case = tmp_path / "case.json"
    case.write_text(body, encoding="utf-8")
    args = ["assess", "-i", str(case)]
    code, out, err = lean(args, capsys)
    assert code == 2 and out == "" and err
    assert (code, out, err) == typer_run(args)


def test_missing_file_and_unusual_options_go_to_typer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["assess", "--input", str(tmp_path / "missing.json")]
    assert lean(args, capsys) == typer_run(args)
    for unusual in (["--help"], ["--input"], ["-i=x"], ["--input", "a", "--bogus"]):
        assert _plain_assess_options(unusual) is None


def test_a_one_case_run_does_not_import_typer(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    code = (
        "import sys; from crampcare.cli import main; main(['assess', '--input', sys.argv[1]]); "
        "heavy = {'typer', 'click', 'rich'} & set(sys.modules); "
        "sys.stderr.write(repr(sorted(heavy))); sys.exit(1 if heavy else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(case)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["triage"]
