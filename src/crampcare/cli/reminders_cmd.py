"""``crampcare reminders``: send the Web Push reminders that are due (for cron, instead of or beside
the web server's own clock), and show the server's VAPID public key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from crampcare.cli.local_db import DbOption

if TYPE_CHECKING:
    from crampcare.storage import Database

reminders_app = typer.Typer(
    help="Reminders by Web Push (evening log, tonight's experiment).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(reminders_app, name="reminders")


def _open(db: str | None) -> Database:
    from crampcare.storage import DatabaseUrlError, open_database

    try:
        return open_database(db)
    except DatabaseUrlError as err:
        typer.echo(f"--db: {err}", err=True)
        raise typer.Exit(2) from None
    except Exception as err:  # e.g. PostgreSQL not reachable: say so, no traceback
        typer.echo(f"--db: cannot open the database: {str(err).splitlines()[0]}", err=True)
        raise typer.Exit(2) from None


@reminders_app.command("send-due")
def send_due_cmd(
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing when nothing was sent.")] = False,
) -> None:
    """Send every reminder due now (safe to run every minute: none is ever sent twice)."""
    from crampcare.reminders.service import send_due
    from crampcare.reminders.vapid import VapidConfigError

    database = _open(db)
    try:
        report = send_due(database)
    except VapidConfigError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    finally:
        database.dispose()
    if not quiet or report.sent or report.removed or report.failed:
        typer.echo(
            f"sent {report.sent}, removed {report.removed} expired subscriptions, failed {report.failed}"
        )
    for problem in report.problems:
        typer.echo(problem, err=True)
    if report.failed:
        raise typer.Exit(1)


@reminders_app.command("public-key")
def public_key_cmd(db: DbOption = None) -> None:
    """Print the VAPID public key browsers subscribe with (generated and stored on first use)."""
    from crampcare.reminders.vapid import VapidConfigError, load_keys

    database = _open(db)
    try:
        with database.session() as session:
            typer.echo(load_keys(session).public_key)
    except VapidConfigError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    finally:
        database.dispose()
