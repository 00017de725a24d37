"""The ``crampcare`` command line: one module per command group.

Command modules import only Typer at import time and load heavy libraries (the knowledge base,
SQLAlchemy, SciPy...) inside the command function. ``main()`` builds only the command being run:
Typer prepares every registered command before parsing, which would make each call pay for all.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

from crampcare.cli.errors import problems_group, report
from crampcare.errors import Problems

if TYPE_CHECKING:
    import typer

# command name -> the module that registers it (each defines `register(app)`)
COMMANDS: dict[str, str] = {
    "assess": "assess_cmd",
    "kb": "kb_cmd",
    "diary": "diary_cmd",
    "meds": "meds_cmd",
    "stats": "stats_cmd",
    "experiment": "experiment_cmd",
    "demo": "demo_cmd",
    "serve": "serve_cmd",
    "report": "report_cmd",
    "fhir": "fhir_cmd",
    "owner": "owner_cmd",
    "reminders": "reminders_cmd",
}
HELP = "An evidence-based assistant for leg cramps. Not a diagnosis: see a clinician when in doubt."


def _root() -> None:
    """The root command: the subcommands do the work."""


def build_app(only: str | None = None) -> typer.Typer:
    """A Typer app with every command, or with just the command ``only``."""
    import typer

    app = typer.Typer(
        name="crampcare",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        cls=problems_group(),
    )
    app.callback()(_root)  # a group even with one command, so `crampcare assess ...` keeps its name
    modules = [COMMANDS[only]] if only in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(f"crampcare.cli.{name}").register(app)
    return app


def __getattr__(name: str) -> typer.Typer:
    # `from crampcare.cli import app` (tests, plugins) gets the full app, built on first use.
    if name == "app":
        full = build_app()
        globals()["app"] = full
        return full
    raise AttributeError(name)


# `crampcare assess` options a plain parser handles; anything else (--help, a typo) goes to Typer.
_ASSESS_OPTIONS = {"--input": "input", "-i": "input", "--format": "format", "-f": "format", "--lang": "lang"}


def _plain_assess_options(args: list[str]) -> dict[str, str] | None:
    """The options of ``assess OPTIONS`` when they are plain ``--name value`` / ``--name=value``
    pairs, else None (Typer then parses, and words any problem exactly as before)."""
    found: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        name, eq, value = arg.partition("=")
        if not eq:
            name, value = arg, next(rest, None)  # type: ignore[assignment]
        key = _ASSESS_OPTIONS.get(name)
        if key is None or value is None or (eq and not name.startswith("--")):
            return None  # unknown, missing value, or -i=x (which click reads differently)
        if not eq and value.startswith("-") and value != "-":
            return None
        found[key] = value
    return found


def _lean_assess(args: list[str]) -> bool:
    """Run ``crampcare assess`` without Typer when its options are plain: a one-case assessment
    then starts several times faster (Typer, Click and Rich are most of the start-up). Returns
    False to let Typer handle the command."""
    options = _plain_assess_options(args[1:])
    if options is None:
        return False
    if "input" not in options and sys.stdin.isatty():
        return False  # the interactive questionnaire: Typer's prompts and help
    from crampcare.cli.assess_run import run_assess

    try:
        lang = options.get("lang") or os.environ.get("CRAMPCARE_LANG") or "en"  # as Typer's envvar
        run_assess(options.get("input"), options.get("format", "json"), lang)
    except Problems as err:  # the lean path has no Typer group to report them
        sys.exit(report(err, "assess"))
    except Exception as exc:
        code = getattr(exc, "exit_code", None)  # typer.Exit from cli.errors.fail
        if code is None:
            raise
        sys.exit(code)
    return True


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crampcare`` console script."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args and not args[0].startswith("-") else None
    if command == "assess" and _lean_assess(args):
        return
    try:
        build_app(command)(args=args, prog_name="crampcare", standalone_mode=True)
    except Problems as err:  # pragma: no cover - the app's group reports them itself
        sys.exit(report(err, command))
