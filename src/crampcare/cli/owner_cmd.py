"""``crampcare owner``: who owns the web app's install (``show``), and naming one (``set NAME``).

Ownership never passes silently: when the owner deletes their account without naming a successor,
the install has no owner until the person who runs the server uses ``crampcare owner set``.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    owner = typer.Typer(help="The owner of the web app (who may let others sign up, make reset links).")
    app.add_typer(owner, name="owner")

    @owner.command("show")
    def show(db: str | None = typer.Option(None, "--db", help="Database URL.")) -> None:
        """Print the owner's name (or say there is none) and the other accounts."""
        from crampcare.storage import open_database
        from crampcare.web.auth import account_summaries

        database = open_database(db)
        try:
            with database.session() as session:
                accounts = account_summaries(session)
        finally:
            database.dispose()
        owners = [a.name for a in accounts if a.is_owner]
        typer.echo(f"owner: {owners[0] if owners else '(none)'}")
        for account in accounts:
            typer.echo(f"  {account.name}")

    @owner.command("set")
    def set_(
        name: str = typer.Argument(..., help="The sign-in name of the new owner."),
        db: str | None = typer.Option(None, "--db", help="Database URL."),
    ) -> None:
        """Make NAME the owner (the previous owner, if any, stops being one)."""
        from crampcare.storage import open_database
        from crampcare.web.auth import AuthError, set_owner

        database = open_database(db)
        try:
            with database.session() as session:
                user = set_owner(session, name)
        except AuthError as err:
            typer.echo(f"{name}: {err.message}", err=True)
            raise typer.Exit(1) from None
        finally:
            database.dispose()
        typer.echo(f"{user.name} now owns this crampcare")
