"""``crampcare serve``: the web app and the JSON API (spec section 3), run by uvicorn."""

from __future__ import annotations

import os
import secrets

import typer

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def needs_setup_token(host: str, proxy_headers: bool) -> bool:
    """Whether the first-run page must ask for a token: whenever people beyond this machine can
    reach the server (another interface, or a reverse proxy that forwards the world to it)."""
    return proxy_headers or (host not in LOOPBACK and not host.startswith("127."))


def _has_accounts(url: str) -> bool:
    from crampcare.storage import open_database
    from crampcare.web.auth import has_accounts

    db = open_database(url)
    try:
        with db.session() as session:
            return has_accounts(session)
    finally:
        db.dispose()


def _reminder_settings(on: bool, key_file: str | None, subject: str | None) -> None:
    """Hand the reminder options to the workers (environment) after checking them here, so that a
    bad key or contact stops the start with a reason instead of failing every minute later."""
    from crampcare.reminders import scheduler, vapid

    os.environ[scheduler.ENV_SWITCH] = "on" if on else "off"
    if key_file:
        os.environ[vapid.ENV_KEY_FILE] = key_file
    if subject:
        os.environ[vapid.ENV_SUBJECT] = subject
    try:
        vapid.subject()
        vapid.key_from_env()
    except vapid.VapidConfigError as err:
        option = "--vapid-key-file" if key_file and vapid.ENV_KEY_FILE in str(err) else None
        option = option or ("--vapid-subject" if subject and vapid.ENV_SUBJECT in str(err) else None)
        typer.echo(f"{option}: {err}" if option else str(err), err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 for every interface)."),
        port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
        db: str | None = typer.Option(
            None, "--db", help="Database URL (sqlite:///path or postgresql://...)."
        ),
        workers: int = typer.Option(1, min=1, max=64, help="Worker processes (use PostgreSQL for many)."),
        secure_cookies: bool | None = typer.Option(
            None,
            "--secure-cookies/--no-secure-cookies",
            help="Force the cookies' Secure flag (default: when the request came over HTTPS).",
        ),
        proxy_headers: bool = typer.Option(
            False, help="Trust X-Forwarded-* from a reverse proxy on this machine (behind HTTPS)."
        ),
        cds_jwt: bool | None = typer.Option(
            None,
            "--cds-jwt/--no-cds-jwt",
            help="Require a signed JWT from the EHR on CDS Hooks calls "
            "(default: required unless --host is a loopback address).",
        ),
        cds_issuers: str | None = typer.Option(
            None,
            "--cds-issuers",
            help='JSON file of trusted CDS clients: [{"iss": ..., "jwks_url" or "jwks_file": ...}].',
        ),
        cors_origin: list[str] = typer.Option(
            [], "--cors-origin", help="Browser origin allowed to call the CDS Hooks services (repeatable)."
        ),
        public_url: str | None = typer.Option(
            None,
            "--public-url",
            help="This server's public URL (card links, links in e-mails, accepted JWT audience); "
            "default: as requested.",
        ),
        smtp: str | None = typer.Option(
            None,
            help="Send password-reset links by e-mail: smtp://host:port, smtp+starttls://user:pass@host, "
            "smtps://... (?from=address sets the sender).",
        ),
        max_import_mb: float | None = typer.Option(
            None, min=0.01, help="Largest import file per upload (MB)."
        ),
        max_rows_per_day: int | None = typer.Option(
            None, min=1, help="Diary rows one account may add per day."
        ),
        reminders: bool = typer.Option(
            True,
            "--reminders/--no-reminders",
            help="Send due push reminders from the server every minute (--no-reminders when "
            "`crampcare reminders send-due` runs from cron instead).",
        ),
        vapid_key_file: str | None = typer.Option(
            None,
            "--vapid-key-file",
            help="PEM file of the VAPID private key for Web Push (default: "
            "CRAMPCARE_VAPID_PRIVATE_KEY(_FILE), else one generated once and kept in the database).",
        ),
        vapid_subject: str | None = typer.Option(
            None,
            "--vapid-subject",
            help="Contact for push services, mailto:you@example.org or https://... "
            "(default: CRAMPCARE_VAPID_SUBJECT, else an https --public-url).",
        ),
    ) -> None:
        """Serve the web app and the JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""
        import uvicorn

        from crampcare.config import database_url
        from crampcare.storage import DatabaseUrlError, open_database

        url = database_url(db)
        try:
            open_database(url).dispose()  # migrate once here, not racing in every worker
        except DatabaseUrlError as err:
            typer.echo(f"--db: {err}", err=True)
            raise typer.Exit(2) from None
        except Exception as err:  # e.g. PostgreSQL not reachable: say so, no traceback
            typer.echo(f"--db: cannot open the database: {str(err).splitlines()[0]}", err=True)
            raise typer.Exit(2) from None
        from crampcare.web.app import SETUP_TOKEN_ENV
        from crampcare.web.limits import ENV_IMPORT_BYTES, ENV_ROWS_PER_DAY
        from crampcare.web.mail import parse_smtp_url

        shown_host = f"[{host}]" if ":" in host else host
        base = f"http://{shown_host}:{port}"
        if smtp:
            try:
                parse_smtp_url(smtp)
            except ValueError as err:
                typer.echo(f"--smtp: {err}", err=True)
                raise typer.Exit(2) from None
            if not public_url and host in ("0.0.0.0", "::"):
                typer.echo("--smtp: give --public-url too (the address in the links people get)", err=True)
                raise typer.Exit(2)
        # Workers are separate processes: they read their settings from the environment.
        os.environ["CRAMPCARE_DATABASE_URL"] = url
        if secure_cookies is not None:
            os.environ["CRAMPCARE_SECURE_COOKIES"] = "true" if secure_cookies else "false"
        from crampcare.fhir.cds_security import is_loopback, settings_from_env

        require_jwt = cds_jwt if cds_jwt is not None else not is_loopback(host)
        os.environ["CRAMPCARE_CDS_JWT"] = "required" if require_jwt else "off"
        if cds_issuers:
            os.environ["CRAMPCARE_CDS_ISSUERS"] = cds_issuers
        if cors_origin:
            os.environ["CRAMPCARE_CDS_CORS_ORIGINS"] = ",".join(cors_origin)
        try:
            cds = settings_from_env()
        except (OSError, ValueError) as err:
            typer.echo(f"--cds-issuers: {err}", err=True)
            raise typer.Exit(2) from None
        if cds.require_jwt and not cds.issuers:
            typer.echo(
                "CDS Hooks: JWT required but no --cds-issuers given: every CDS call will be refused.",
                err=True,
            )
        if smtp:
            os.environ["CRAMPCARE_SMTP_URL"] = smtp
            os.environ["CRAMPCARE_PUBLIC_URL"] = public_url or base
        elif public_url:
            os.environ["CRAMPCARE_PUBLIC_URL"] = public_url
        if max_import_mb is not None:
            os.environ[ENV_IMPORT_BYTES] = str(int(max_import_mb * 1024 * 1024))
        if max_rows_per_day is not None:
            os.environ[ENV_ROWS_PER_DAY] = str(max_rows_per_day)
        _reminder_settings(reminders, vapid_key_file, vapid_subject)
        os.environ.pop(SETUP_TOKEN_ENV, None)
        typer.echo(f"crampcare on {base}/  (API: /api/v1/, database: {url.split('@')[-1]})")
        if needs_setup_token(host, proxy_headers) and not _has_accounts(url):
            # As Jupyter does: whoever reaches a fresh server first must not become its owner.
            token = secrets.token_urlsafe(24)
            os.environ[SETUP_TOKEN_ENV] = token
            typer.echo(
                f"Create the owner account here (this link works until then):\n    {base}/setup?token={token}"
            )
        uvicorn.run(
            "crampcare.web.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=proxy_headers,
            forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
            log_level="warning",
            access_log=False,
        )
