"""The ``crampcare`` command line: one module per command group.

Command modules import only Typer at import time and load heavy libraries (the knowledge base,
SQLAlchemy, SciPy...) inside the command function. ``main()`` builds only the command being run:
Typer prepares every registered command before parsing, which would make each call pay for all.
"""

from __future__ import annotations

import importlib
import sys

import typer

from crampcare.cli.errors import CliError

# command name -> the module that registers it (each defines `register(app)`)
COMMANDS: dict[str, str] = {
    "assess": "assess_cmd",
    "kb": "kb_cmd",
    "diary": "diary_cmd",
    "stats": "stats_cmd",
    "experiment": "experiment_cmd",
    "demo": "demo_cmd",
    "serve": "serve_cmd",
    "report": "report_cmd",
    "fhir": "fhir_cmd",
    "owner": "owner_cmd",
}
HELP = "An evidence-based assistant for leg cramps. Not a diagnosis: see a clinician when in doubt."


def _root() -> None:
    """The root command: the subcommands do the work."""


def build_app(only: str | None = None) -> typer.Typer:
    """A Typer app with every command, or with just the command ``only``."""
    app = typer.Typer(
        name="crampcare",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crampcare`` console script."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args and not args[0].startswith("-") else None
    try:
        build_app(command)(args=args, prog_name="crampcare", standalone_mode=True)
    except CliError as err:  # pragma: no cover - commands normally raise typer.Exit themselves
        for line in err.lines:
            print(line, file=sys.stderr)
        sys.exit(err.code)
