"""Layers import downward only: the import-linter contracts of ``pyproject.toml`` hold.

``[tool.importlinter]`` lists the layers from the shells (cli, web) down to ``errors``; an import
that runs upward (say ``crampcare.assess`` importing ``crampcare.i18n``'s tooling, or ``knowledge``
importing ``storage``) breaks the ``layers`` or ``pure-core`` contract and fails this test with
import-linter's report naming the module and line.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import crampcare

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _config() -> dict[str, object]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]  # type: ignore[no-any-return]


def test_import_contracts_are_kept() -> None:
    # A subprocess: import-linter builds its graph from the source files of the package it imports,
    # which must be this checkout's (``src``), and ``--no-cache`` keeps the repository unwritten.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports("
            f"config_filename={str(PYPROJECT)!r}, no_cache=True, no_logo=True))",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout


def test_every_top_level_module_has_a_layer() -> None:
    """A new top-level package or module must be placed in a layer, or the contract would not see it."""
    layers = next(c for c in _config()["contracts"] if c["id"] == "layers")["layers"]  # type: ignore[index]
    named = {
        part.strip().removeprefix("crampcare.")
        for layer in layers
        for part in layer.replace("|", ":").split(":")
    }
    modules = {m.name for m in pkgutil.iter_modules(crampcare.__path__)} - {"__init__"}
    assert modules - named == set(), "place these in [tool.importlinter] layers"
