"""Fast bulk inserts for large imports, below the ORM and Core's per-row parameter handling.

- PostgreSQL (psycopg 3): ``COPY ... FROM STDIN``, the fastest way in, inside the caller's
  transaction, so an interrupted import still rolls back completely.
- SQLite: one ``executemany`` of plain tuples, with every value first converted by the column
  type's own SQLAlchemy bind processor, so what is stored is byte-for-byte what the ORM would
  store (SQLite compares DATETIME text; a different format would break lookups and uniqueness).
- Anything else: Core ``insert`` with dictionaries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Dialect, Table, insert
from sqlalchemy.types import TypeEngine


def _datetime_text(value: dt.datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _convert_column(column: tuple[Any, ...], fn: Callable[[Any], Any]) -> tuple[Any, ...]:
    if None in column:
        return tuple(None if v is None else fn(v) for v in column)
    if fn is _datetime_text:  # map over C methods: no Python frame per value
        return tuple(map(dt.datetime.isoformat, column, repeat(" "), repeat("microseconds")))
    return tuple(map(fn, column))


def _sqlite_text(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """How SQLite stores a Python value of this column type, as SQLAlchemy's own processor does.

    Date, time and boolean columns use C-speed equivalents of SQLAlchemy's formats (checked equal
    to the processors in tests/test_storage.py); other types use the processor itself.
    """
    if isinstance(type_, DateTime):
        return _datetime_text
    if isinstance(type_, Date):
        return dt.date.isoformat
    if isinstance(type_, Boolean):
        return int
    processor: Callable[[Any], Any] | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor


def sqlite_storage_form(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """``rows`` as SQLite stores them (text dates, 0/1 booleans): comparable with raw stored rows."""
    convert = [_sqlite_text(table.c[name].type, conn.dialect) for name in columns]
    if not rows or not any(convert):
        return list(rows)
    # Convert column by column (transposing with zip runs in C): far fewer Python-level calls.
    by_column = list(zip(*rows, strict=True))
    for i, fn in enumerate(convert):
        if fn is not None:
            by_column[i] = _convert_column(by_column[i], fn)
    return list(zip(*by_column, strict=True))


def sqlite_insert_stored(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows already in ``sqlite_storage_form``."""
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(rows))


def _sqlite_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    sqlite_insert_stored(conn, table, columns, sqlite_storage_form(conn, table, columns, rows))


def _postgres_copy(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` within ``conn``'s transaction."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        _sqlite_insert(conn, table, columns, rows)
    elif conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _postgres_copy(conn, table, columns, rows)
    else:
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
