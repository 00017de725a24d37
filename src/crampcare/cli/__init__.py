"""The ``crampcare`` command line: one module per command group, all registered here.

Command modules import only Typer at import time and load heavy libraries (the knowledge base,
SQLAlchemy, SciPy...) inside the command function, so ``crampcare --help`` starts fast.
"""

from __future__ import annotations

import sys

import typer

from crampcare.cli.errors import CliError

app = typer.Typer(
    name="crampcare",
    help="An evidence-based assistant for leg cramps. Not a diagnosis: see a clinician when in doubt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Each module adds its commands or sub-apps to `app`. Imported here, not at the top, so that
    # a module may import `app` from this package without a cycle.
    from crampcare.cli import assess_cmd, kb_cmd

    for module in (assess_cmd, kb_cmd):
        module.register(app)
    for optional in (
        "diary_cmd",
        "stats_cmd",
        "experiment_cmd",
        "demo_cmd",
        "serve_cmd",
        "report_cmd",
        "fhir_cmd",
    ):
        try:
            module = __import__(f"crampcare.cli.{optional}", fromlist=["register"])
        except ModuleNotFoundError as exc:  # a capability not built yet
            if exc.name != f"crampcare.cli.{optional}":
                raise
            continue
        module.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crampcare`` console script."""
    try:
        app(args=argv, prog_name="crampcare", standalone_mode=True)
    except CliError as err:  # pragma: no cover - commands normally raise typer.Exit themselves
        for line in err.lines:
            print(line, file=sys.stderr)
        sys.exit(err.code)
