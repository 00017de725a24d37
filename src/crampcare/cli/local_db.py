"""What every diary-related command needs: the database from ``--db`` and the local user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from crampcare.cli.errors import fail

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crampcare.storage.models import User

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///path or postgresql://...); default: CRAMPCARE_DATABASE_URL "
        "or a SQLite file in the data folder.",
    ),
]


LANG_ENV = "CRAMPCARE_LANG"
# Every command that prints text for a person takes --lang; CRAMPCARE_LANG sets it once for a shell.
LangOption = Annotated[
    str,
    typer.Option(
        "--lang", envvar=LANG_ENV, help="Language of the output: en or ru (default: CRAMPCARE_LANG, else en)."
    ),
]


def check_lang(lang: str) -> str:
    """``lang`` if crampcare speaks it; otherwise exit 2 naming the option."""
    from crampcare.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise fail(f"--lang (or {LANG_ENV}): must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


@contextmanager
def local_session(db: str | None) -> Iterator[tuple[Session, User]]:
    """A session on the chosen database and the CLI's local user; bad URLs exit 2 with a reason."""
    from sqlalchemy.exc import OperationalError

    from crampcare.storage import DatabaseUrlError, get_or_create_user, open_database

    try:
        database = open_database(db)
    except DatabaseUrlError as exc:
        raise fail(f"--db: {exc}") from None
    except OperationalError as exc:
        raise fail(
            f"--db: cannot open the database: {str(exc.orig).strip().splitlines()[0]}", code=1
        ) from None
    try:
        with database.session() as session:
            yield session, get_or_create_user(session)
    finally:
        database.dispose()


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    from crampcare.records.values import DATE_EXAMPLE, read_date

    try:
        return read_date(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date like {DATE_EXAMPLE}") from None


def check_format(value: str, allowed: tuple[str, ...], option: str = "--format") -> str:
    if value not in allowed:
        raise fail(f"{option}: must be {' or '.join(allowed)}, not {value!r}")
    return value


# --- the daily allowance of new diary rows (crampcare.diary.quota) ---


def _over_limit(err: Exception) -> typer.Exit:
    from crampcare.diary.quota import ENV_ROWS_PER_DAY

    left = getattr(err, "left", 0)
    return fail(
        f"today's limit of new diary rows ({ENV_ROWS_PER_DAY}) is reached: {left} left; nothing added"
    )


def take_rows(session: Session, user_id: int, rows: int) -> None:
    """Count new diary rows against today's allowance (enforced when CRAMPCARE_MAX_ROWS_PER_DAY
    is set); exits with a message when they would pass it."""
    from crampcare.diary import quota

    try:
        quota.take_rows(session, user_id, rows, quota.configured_rows_per_day())
    except quota.OverLimit as err:
        raise _over_limit(err) from None


def check_rows(session: Session, user_id: int, rows: int) -> None:
    from crampcare.diary import quota

    try:
        quota.check_rows(session, user_id, rows, quota.configured_rows_per_day())
    except quota.OverLimit as err:
        raise _over_limit(err) from None


def count_rows(session: Session, user_id: int, rows: int) -> None:
    """Count rows already written (an import, checked before by ``check_rows``); commits."""
    from crampcare.diary import quota

    quota.take_rows(session, user_id, rows, None)
    session.commit()
