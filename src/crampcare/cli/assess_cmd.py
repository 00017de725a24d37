"""``crampcare assess``: the assessment engine on the command line (placeholder, filled below)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)


def assess() -> None:
    """Assess leg cramps from a JSON description (see the spec)."""
    raise typer.Exit(2)
