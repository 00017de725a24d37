"""The README and the CLI reference say what the code does.

- Every ``crampcare ...`` command in the README's ``sh`` blocks runs with ``--help``, and every option
  the README writes for it exists; every ``python -m MODULE`` runs with ``--help``; every ``make``
  target exists.
- Every command of the CLI is mentioned in the README's command blocks (the options of each are in
  ``docs/cli.md``).
- Every ``CRAMPCARE_*`` environment variable the code or the tests read is documented in the README,
  and the README names none the code does not read.
- ``docs/cli.md`` is what ``make docs`` (cog) generates from ``--help`` today.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from crampcare.cli import build_app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ENV_VAR = re.compile(r"\bCRAMPCARE_[A-Z0-9_]*[A-Z0-9]\b")
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def _sh_lines(text: str) -> Iterator[str]:
    """The lines of the ``sh`` blocks, without comments, continuation lines joined."""
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()  # "  # a comment"; keeps "#" inside words
            if line:
                yield line


@cache
def _tree() -> dict[tuple[str, ...], Any]:
    """Every command path of the CLI (``()`` is ``crampcare`` itself) -> its Click command."""
    out: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        out[path] = command
        if hasattr(command, "list_commands"):  # a group (Typer ships its own copy of Click's classes)
            ctx = command.context_class(command)
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), (*path, name))

    walk(typer.main.get_command(build_app()), ())
    return out


def _walk(words: list[str], path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The commands ``words`` name below ``path``: one, several (``show|today``) or none."""
    tree = _tree()
    for word in words:
        names = word.strip("[]").split("|")
        if not all((*path, name) in tree for name in names):
            break
        if len(names) > 1:
            return [(*path, name) for name in names]
        path = (*path, names[0])
    return [path]


def readme_commands(text: str) -> list[tuple[tuple[str, ...], set[str], str]]:
    """(command path, options written for it, the README line) for each ``crampcare`` use.

    ``crampcare diary list | edit ID ... | delete ID`` names three commands of one group;
    ``show|today|analyze`` names three commands; ``--format csv|json`` is one option.
    """
    found = []
    for line in _sh_lines(text):
        segments = [s.strip() for s in re.split(r"\s\|\s", line)]
        first = next((i for i, s in enumerate(segments) if s.startswith("crampcare ")), None)
        if first is None:
            continue
        group: tuple[str, ...] | None = None
        for segment in segments[first:]:
            words = segment.split()
            if group is None:
                paths = _walk(words[1:], ())
                group = paths[0][:-1]
            else:
                paths = _walk(words, group)
                if paths == [group]:
                    break  # not another command of the group
            options = set(OPTION.findall(segment))
            found += [(path, options, line) for path in paths]
    return found


def test_the_readme_parser_reads_alternatives_and_groups() -> None:
    text = (
        "```sh\n"
        "crampcare diary list | edit ID ... | delete ID   # by night\n"
        "crampcare experiment show|today [--lang ru]\n"
        "crampcare diary export --format csv|json [--days]\n"
        "```\n"
    )
    got = [(path, sorted(options)) for path, options, _ in readme_commands(text)]
    assert got == [
        (("diary", "list"), []),
        (("diary", "edit"), []),
        (("diary", "delete"), []),
        (("experiment", "show"), ["--lang"]),
        (("experiment", "today"), ["--lang"]),
        (("diary", "export"), ["--days", "--format"]),
    ]


def _options_of(command: Any) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def test_every_readme_command_runs_with_help_and_knows_its_options() -> None:
    tree = _tree()
    runner = CliRunner()
    app = build_app()
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert len(commands) > 30
    problems = []
    for path, options, line in commands:
        result = runner.invoke(app, [*path, "--help"])
        if result.exit_code != 0 or "Usage:" not in result.output:
            problems.append(f"`crampcare {' '.join(path)} --help` failed ({result.exit_code}): {line}")
            continue
        unknown = options - _options_of(tree[path]) - {"--help"}
        if unknown:
            problems.append(f"crampcare {' '.join(path)} has no option {sorted(unknown)}: {line}")
    assert not problems, "README commands that do not work:\n" + "\n".join(problems)


def test_every_cli_command_is_in_the_readme() -> None:
    mentioned = {path for path, _, _ in readme_commands(README.read_text(encoding="utf-8"))}
    tree = _tree()
    leaves = {path for path, command in tree.items() if path and not hasattr(command, "list_commands")}
    missing = sorted(" ".join(("crampcare", *path)) for path in leaves - mentioned)
    assert not missing, f"commands the README's command blocks do not mention: {missing}"


def test_every_python_module_and_make_target_in_the_readme_exists() -> None:
    lines = list(_sh_lines(README.read_text(encoding="utf-8")))
    targets = set(
        re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)
    )
    made = {m for line in lines for m in re.findall(r"^make ([a-z][a-z-]*)", line)}
    assert made and made <= targets, f"make targets the Makefile lacks: {sorted(made - targets)}"
    modules = {
        m.group(1): set(OPTION.findall(line))
        for line in lines
        if (m := re.search(r"python -m ([\w.]+)", line))
    }
    for module, options in sorted(modules.items()):
        out = subprocess.run(
            [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=300, check=False
        )
        assert out.returncode == 0, f"python -m {module} --help: {out.stderr}"
        unknown = {option for option in options if option not in out.stdout}
        assert not unknown, f"python -m {module} has no option {sorted(unknown)}"


def _variables_read_by(folders: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            for name in ENV_VAR.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, path.relative_to(ROOT))
    return found


def test_every_environment_variable_is_documented_in_the_readme() -> None:
    used = _variables_read_by([ROOT / "src", ROOT / "tests", ROOT / "tools", ROOT / "benchmarks"])
    assert {"CRAMPCARE_DATA_DIR", "CRAMPCARE_DATABASE_URL", "CRAMPCARE_TEST_PG"} <= set(used)
    documented = set(ENV_VAR.findall(README.read_text(encoding="utf-8")))
    undocumented = sorted(f"{name} ({where})" for name, where in used.items() if name not in documented)
    assert not undocumented, f"add these to the README's environment variables: {undocumented}"
    stale = sorted(documented - set(used))
    assert not stale, f"the README names variables nothing reads: {stale}"


@pytest.mark.skipif(sys.platform == "win32", reason="cog's output uses the platform's line endings")
def test_cli_reference_is_current() -> None:
    """docs/cli.md is generated from --help; a command changed without `make docs` fails here."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cogapp",
            "-I",
            str(ROOT / "tools"),
            "--check",
            "--diff",
            str(ROOT / "docs/cli.md"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, f"docs/cli.md is stale: run `make docs`\n{out.stdout}{out.stderr}"


def _layout_rows() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Layout", 1)[1].split("\n## ", 1)[0]


def test_the_readme_layout_table_names_every_part_of_the_package() -> None:
    """Every package and top-level module under src/crampcare has a row (by its path or its name
    in a row that starts with `src/crampcare/`), and every folder a row names exists."""
    import re

    table = _layout_rows()
    package = ROOT / "src" / "crampcare"
    parts = sorted(
        p.name + ("/" if p.is_dir() else "")
        for p in package.iterdir()
        if not p.name.startswith("_") and ((p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py")
    )
    missing = [name for name in parts if f"`{name}`" not in table and f"crampcare/{name}`" not in table]
    assert not missing, f"README's layout table has no row for: {missing}"
    named = re.findall(r"`src/crampcare/([a-z_]+)/`", table) + re.findall(r"`([a-z_]+)/`", table)
    gone = [
        n
        for n in named
        if n not in {"tests", "benchmarks", "tools", "docs", "data", "views", "api", "templates", "static"}
        and not (package / n).is_dir()
    ]
    assert not gone, f"README's layout table names folders that do not exist: {gone}"
