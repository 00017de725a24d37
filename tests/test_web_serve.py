"""``crampcare serve``: registered, documented, and a bad database URL is a clear error (exit 2)."""

from __future__ import annotations

from typer.testing import CliRunner

from crampcare.cli import app


def test_serve_help_lists_the_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--workers"):
        assert option in result.output


def test_serve_refuses_a_bad_database_url() -> None:
    result = CliRunner().invoke(app, ["serve", "--db", "mysql://nowhere/x", "--port", "8999"])
    assert result.exit_code == 2
    assert "--db" in result.output and "Traceback" not in result.output
