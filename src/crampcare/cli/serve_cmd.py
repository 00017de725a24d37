"""``crampcare serve``: the web app and the JSON API (spec section 3), run by uvicorn."""

from __future__ import annotations

import os

import typer


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
            help="This server's public URL (card links, accepted JWT audience); default: as requested.",
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
        if public_url:
            os.environ["CRAMPCARE_PUBLIC_URL"] = public_url
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
        typer.echo(f"crampcare on http://{host}:{port}/  (API: /api/v1/, database: {url.split('@')[-1]})")
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
