"""A knowledge file that does not parse gets a clear error naming file, line and column (exit 2),
never a traceback: for every YAML file of the knowledge data, for foods.csv, for a copy checked with
``kb check --data-dir`` and for the installed package itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crampcare.cli import app

DATA = Path(str(resources.files("crampcare.knowledge.data")))
YAML_FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.yaml"))
# An unclosed flow sequence: the parser fails at the end of the file.
BROKEN = "\n- {id: broken, sources: [a, b\n"


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return copy


def _check(data: Path) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, ["kb", "check", "--data-dir", str(data)])
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, exc


def test_a_clean_copy_checks_ok(tmp_path: Path) -> None:
    code, out, exc = _check(_copy(tmp_path))
    assert (code, exc) == (0, None) and "knowledge base ok" in out


def test_every_knowledge_yaml_file_is_covered() -> None:
    # The list below is the data's own; this guards against it silently being empty.
    assert {"drugs.yaml", "claims.yaml", "rxnorm.yaml", "meta.yaml", "diet.yaml"} <= set(YAML_FILES)
    assert any(name.startswith("references/") for name in YAML_FILES)
    assert any(name.startswith("rules/") for name in YAML_FILES)


@pytest.mark.parametrize("name", YAML_FILES)
def test_malformed_yaml_names_file_line_and_column(tmp_path: Path, name: str) -> None:
    data = _copy(tmp_path)
    target = data / name
    lines = target.read_text(encoding="utf-8").count("\n")
    with target.open("a", encoding="utf-8") as fh:
        fh.write(BROKEN)
    code, out, exc = _check(data)
    assert exc is None, f"traceback: {exc!r}"
    assert code == 2
    assert "Traceback" not in out
    found = re.search(rf"{re.escape(str(target))}:(\d+):(\d+): not valid YAML: ", out)
    assert found, out
    # The reported line is at or just after the broken entry (line numbers count from 1).
    assert lines + 2 <= int(found.group(1)) <= lines + 4


def test_tab_indentation_is_reported_where_it_is(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    target = data / "meta.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text("\tdisclaimer: x\n" + text, encoding="utf-8")
    code, out, exc = _check(data)
    assert exc is None and code == 2
    assert f"{target}:1:1: not valid YAML: " in out


def test_yaml_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    target = data / "claims.yaml"
    target.write_bytes(target.read_bytes() + "\n# \u00e9\n".encode("latin-1"))
    code, out, exc = _check(data)
    assert exc is None and code == 2
    assert f"{target}: not UTF-8 text" in out


def test_malformed_foods_csv_names_file_and_line(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    target = data / "foods.csv"
    rows = target.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    bad = rows[1].split(",")
    bad[header.index("potassium_mg")] = "lots"
    rows[1] = ",".join(bad)
    target.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, exc = _check(data)
    assert exc is None and code == 2
    assert f"{target}:2: " in out and "lots" in out


def test_data_dir_that_is_not_a_folder(tmp_path: Path) -> None:
    code, out, exc = _check(tmp_path / "missing")
    assert exc is None and code == 2
    assert "--data-dir" in out and "not a folder" in out


def test_a_valid_but_wrong_copy_lists_problems_with_exit_1(tmp_path: Path) -> None:
    # Parses, but an entry is invalid: the usual problem list (exit 1), not a file error.
    data = _copy(tmp_path)
    with (data / "drugs.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n- {ingredient: nothing, cramp_association: perhaps}\n")
    code, out, exc = _check(data)
    assert exc is None and code == 1
    assert "drugs.yaml[" in out and "cramp_association" in out


def test_installed_package_with_malformed_yaml(tmp_path: Path) -> None:
    # The installed data (no --data-dir), in a separate interpreter that imports a copy of the
    # package whose drugs.yaml is broken.
    src = Path(str(resources.files("crampcare")))
    pkg = tmp_path / "site" / "crampcare"
    shutil.copytree(src, pkg, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    target = pkg / "knowledge" / "data" / "drugs.yaml"
    with target.open("a", encoding="utf-8") as fh:
        fh.write(BROKEN)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "CRAMPCARE_NO_CACHE": "1"}
    env["HOME"] = str(tmp_path)  # nothing the run writes leaves tmp_path
    done = subprocess.run(
        [sys.executable, "-m", "crampcare", "kb", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(rf"{re.escape(str(target))}:\d+:\d+: not valid YAML: ", done.stderr), done.stderr
