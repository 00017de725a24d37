"""Mutation run over the safety guards: does some test fail when a guard is weakened?

Each mutation weakens one guard in a throwaway copy of ``src/`` (the repository is never touched)
and runs the test files that should notice, cheapest first, with ``-x``; the first file that fails
has caught it. Mutations, generated from the current sources so new rules are covered too:

- every triage rule (``knowledge/data/rules.yaml`` and ``rules/*.yaml``): its level lowered by one
  step, to ``routine`` and to the lowest (``self_care``);
- every harm grade in ``interventions.yaml`` and ``interventions/*.yaml`` (a base grade or a
  personal rule of ``not_recommended``) turned into ``possibly_helpful``;
- every ownership check of the web layer (``web/views``, ``web/api/``: a ``user_id`` comparison
  or a fetch through the owner-checking service getter) and of the service getters the web relies
  on, made a no-op.

Usage: ``python tools/mutate.py [-j N] [--only SUBSTRING] [--list] [--output FILE]``.
Prints a table (mutation, caught by which test or SURVIVED) and exits 1 if any mutation survived,
could not be applied, or the unmutated copy fails its tests.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PKG = SRC / "crampcare"
DATA = PKG / "knowledge" / "data"
LEVELS = ("self_care", "routine", "urgent", "emergency")  # lowest first, as TRIAGE_ORDER

RULE_TESTS = ("tests/test_red_flags.py", "tests/test_assess.py", "tests/test_vignettes.py")
HARM_TESTS = ("tests/test_harms.py", "tests/test_assess.py", "tests/test_vignettes.py")
OWNER_TESTS = (
    "tests/test_web_ownership.py",
    "tests/test_web_ownership_lists.py",
    "tests/test_web_ownership_night.py",
)


@dataclass(frozen=True)
class Mutation:
    id: str
    path: Path  # relative to src/
    line: int  # 1-based line that changes
    old: str
    new: str
    tests: tuple[str, ...]

    def apply(self, root: Path) -> None:
        target = root / self.path
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        if lines[self.line - 1] != self.old:
            raise RuntimeError(f"{self.id}: line {self.line} of {self.path} is not what was planned")
        lines[self.line - 1] = self.new
        target.write_text("".join(lines), encoding="utf-8")


def _yaml_files(kind: str) -> list[Path]:
    """``<kind>.yaml`` and every file of the ``<kind>/`` folder (one file per topic)."""
    files = [DATA / f"{kind}.yaml"]
    folder = DATA / kind
    if folder.is_dir():
        files += sorted(p for p in folder.rglob("*.yaml"))
    return [f for f in files if f.is_file()]


_ITEM = re.compile(r"^- (?:\{\s*)?id:\s*['\"]?([\w-]+)")
_LEVEL = re.compile(r"(\blevel:\s*['\"]?)(self_care|routine|urgent|emergency)\b")


def _items(lines: list[str]) -> Iterator[tuple[str, int, int]]:
    """(id, first line index, end index) of each top-level list item that starts with its id."""
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _ITEM.match(line))]
    for n, (i, item_id) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        # a top-level item without an id ends the block too
        for j in range(i + 1, end):
            if lines[j].startswith("- "):
                end = j
                break
        yield item_id, i, end


def rule_mutations() -> Iterator[Mutation]:
    for path in _yaml_files("rules"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for rule_id, start, end in _items(lines):
            for i in range(start, end):
                m = _LEVEL.search(lines[i])
                # the rule's own level: on the item line (flow style) or indented two spaces
                if not m or not (i == start or re.match(r"^  level:", lines[i])):
                    continue
                level = m.group(2)
                rank = LEVELS.index(level)
                # one step down, to routine (no same-day care) and to the lowest (self-care)
                for lower in dict.fromkeys((LEVELS[max(rank - 1, 0)], "routine", LEVELS[0])):
                    if LEVELS.index(lower) >= rank:
                        continue
                    new = lines[i][: m.start(2)] + lower + lines[i][m.end(2) :]
                    yield Mutation(
                        f"rule {rule_id}: {level} -> {lower}",
                        path.relative_to(SRC),
                        i + 1,
                        lines[i],
                        new,
                        RULE_TESTS,
                    )
                break


_GRADE = re.compile(r"(\bgrade:\s*['\"]?)not_recommended\b")


def harm_mutations() -> Iterator[Mutation]:
    for path in _yaml_files("interventions"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for item_id, start, end in _items(lines):
            personal = -1
            for i in range(start, end):
                if re.match(r"^\s+- (?:\{\s*)?when:", lines[i]):
                    personal += 1
                m = _GRADE.search(lines[i])
                if not m:
                    continue
                base = i == start or re.match(r"^  grade:", lines[i]) is not None
                what = "base grade" if base else f"personal rule {personal + 1}"
                new = lines[i][: m.end(1)] + "possibly_helpful" + lines[i][m.end(0) :]
                yield Mutation(
                    f"harm {item_id} {what}: not_recommended -> possibly_helpful",
                    path.relative_to(SRC),
                    i + 1,
                    lines[i],
                    new,
                    HARM_TESTS,
                )


# Owner filters: "X.user_id == <the signed-in user>" becomes "X.user_id == X.user_id" (always true),
# "X.user_id != <user>" becomes "False" (never refused).
_NAME = r"[A-Za-z_]\w*(?:\([\w.]*\))?"  # user.id, _user(ctx).id, ctx.account.user.id
_EXPR = rf"{_NAME}(?:\.{_NAME})*"
_EQ = re.compile(rf"\b([A-Za-z_]\w*)\.user_id\s*==\s*(?!\1\.user_id\b){_EXPR}")
_NE = re.compile(rf"\b[A-Za-z_]\w*\.user_id\s*!=\s*{_EXPR}")
# The web layer fetching through an owner-checking getter: fetch by id alone instead.
_GETTER = re.compile(
    r"\b(?:service|exp)\.get_(episode|experiment)\(ctx\.db,\s*(?:ctx\.user|_user\(ctx\)),\s*(\w+)\)"
)
# Service functions whose owner check the web relies on (diary/service.py, experiments/service.py).
SERVICE_GUARDS = {
    "get_episode",
    "_episodes_query",
    "list_day_logs",
    "get_day_log",
    "list_experiments",
    "get_experiment",
    "tonight_assignments",
}


def _function_lines(path: Path, names: set[str]) -> dict[int, str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in names:
            for n in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                out[n] = node.name
    return out


def _owner_line_mutations(path: Path, line_no: int, line: str, where: str) -> Iterator[Mutation]:
    rel = path.relative_to(SRC)
    for m in _EQ.finditer(line):
        new = line[: m.start()] + f"{m.group(1)}.user_id == {m.group(1)}.user_id" + line[m.end() :]
        yield Mutation(f"owner {where}: `{m.group(0)}` always true", rel, line_no, line, new, OWNER_TESTS)
    for m in _NE.finditer(line):
        new = line[: m.start()] + "False" + line[m.end() :]
        yield Mutation(f"owner {where}: `{m.group(0)}` never true", rel, line_no, line, new, OWNER_TESTS)
    for m in _GETTER.finditer(line):
        model = m.group(1).capitalize()
        models = f'__import__("crampcare.storage.models", fromlist=["{model}"])'
        fetch = f"ctx.db.get({models}.{model}, {m.group(2)})"
        new = line[: m.start()] + fetch + line[m.end() :]
        yield Mutation(f"owner {where}: get_{m.group(1)} without owner", rel, line_no, line, new, OWNER_TESTS)


def ownership_mutations() -> Iterator[Mutation]:
    web = PKG / "web"
    files = [*sorted((web / "api").glob("*.py")), *sorted((web / "views").glob("*.py"))]
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(keepends=True), 1):
            if line.lstrip().startswith("#"):
                continue
            yield from _owner_line_mutations(path, n, line, f"{path.relative_to(PKG)}:{n}")
    for path in (PKG / "diary" / "service.py", PKG / "experiments" / "service.py"):
        inside = _function_lines(path, SERVICE_GUARDS)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(keepends=True), 1):
            if n in inside and not line.lstrip().startswith("#"):
                yield from _owner_line_mutations(path, n, line, f"{path.relative_to(PKG)}:{n} {inside[n]}")


def all_mutations() -> list[Mutation]:
    return [*rule_mutations(), *harm_mutations(), *ownership_mutations()]


# --- running ------------------------------------------------------------------------------------
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)


@dataclass
class Outcome:
    mutation: Mutation | None
    caught_by: str | None  # test id, or None if every test passed
    seconds: float
    note: str = ""


def _copy_src(dest: Path) -> Path:
    root = dest / "src"
    shutil.copytree(SRC, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return root


def _pytest(src_root: Path, test_file: str, work: Path) -> tuple[bool, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(src_root),
        "PYTHONDONTWRITEBYTECODE": "1",
        "CRAMPCARE_CACHE_DIR": str(work / "cache"),
        "CRAMPCARE_DATA_DIR": str(work / "data"),
    }
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-rfE", test_file]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return proc.returncode == 0, proc.stdout + proc.stderr


def _imports_copy(src_root: Path) -> bool:
    """The copy, not the repository or an installed package, is what the tests import."""
    env = {**os.environ, "PYTHONPATH": str(src_root)}
    out = subprocess.run(
        [sys.executable, "-c", "import crampcare; print(crampcare.__file__)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return out.startswith(str(src_root))


def _broken(path: Path) -> str:
    """Why a mutated file no longer parses ('' if it does): such a mutant proves nothing."""
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".py":
            compile(text, str(path), "exec")
        else:
            yaml.safe_load(text)
    except (SyntaxError, yaml.YAMLError) as err:
        return str(err).splitlines()[0]
    return ""


def run_one(mutation: Mutation | None, tests: tuple[str, ...] | None = None) -> Outcome:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crampcare-mutant-") as tmp:
        work = Path(tmp)
        src_root = _copy_src(work)
        if not _imports_copy(src_root):
            return Outcome(mutation, None, 0.0, "the tests do not import the copy")
        if mutation is not None:
            mutation.apply(src_root)
            problem = _broken(src_root / mutation.path)
            if problem:
                return Outcome(mutation, None, 0.0, f"the mutant does not load: {problem}")
        for test_file in tests or (mutation.tests if mutation else ()):
            ok, output = _pytest(src_root, test_file, work)
            if not ok:
                found = _FAILED.search(output)
                return Outcome(mutation, found.group(1) if found else f"{test_file} (exit non-zero)", 0.0)
    return Outcome(mutation, None, time.monotonic() - started)


def _table(outcomes: list[Outcome]) -> str:
    rows = ["| mutation | caught by |", "|---|---|"]
    for o in outcomes:
        assert o.mutation is not None
        rows.append(f"| {o.mutation.id} | {o.caught_by or o.note or '**SURVIVED**'} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-j", "--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--only", action="append", default=[], help="run mutations whose id contains this")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)

    mutations = all_mutations()
    if args.only:
        mutations = [m for m in mutations if any(s in m.id for s in args.only)]
    if args.list:
        for m in mutations:
            print(f"{m.id}  [{m.path}:{m.line}]  -> {', '.join(m.tests)}")
        print(f"{len(mutations)} mutations")
        return 0
    if not mutations:
        print("no mutations selected", file=sys.stderr)
        return 1

    started = time.monotonic()
    needed = tuple(dict.fromkeys(t for m in mutations for t in m.tests))
    baseline = run_one(None, needed)
    if baseline.note or baseline.caught_by:
        print(f"the unmutated copy fails: {baseline.note or baseline.caught_by}", file=sys.stderr)
        return 1

    def progress(o: Outcome) -> Outcome:
        assert o.mutation is not None
        state = "caught  " if o.caught_by else "INVALID " if o.note else "SURVIVED"
        print(f"  {state}  {o.mutation.id}  {o.caught_by or o.note}", file=sys.stderr, flush=True)
        return o

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes: list[Outcome] = list(pool.map(lambda m: progress(run_one(m)), mutations))

    survived = [o for o in outcomes if not o.caught_by]
    invalid = [o for o in outcomes if o.note]
    for o in invalid:
        assert o.mutation is not None
        print(f"{o.mutation.id}: {o.note}", file=sys.stderr)
    kinds: dict[str, list[int]] = {}
    for o in outcomes:
        assert o.mutation is not None
        tally = kinds.setdefault(o.mutation.id.split(" ")[0], [0, 0])
        tally[0 if o.caught_by else 1] += 1
    summary = ", ".join(f"{kind}: {c} caught, {s} survived" for kind, (c, s) in kinds.items())
    minutes = (time.monotonic() - started) / 60
    text = (
        f"{_table(outcomes)}\n\n{len(outcomes)} mutations, {len(outcomes) - len(survived)} caught, "
        f"{len(survived)} survived ({summary}); {minutes:.1f} min\n"
    )
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 1 if survived or invalid else 0


if __name__ == "__main__":
    raise SystemExit(main())
