"""A service owns its transaction: it commits what it wrote, or rolls everything back on any error.

On SQLite every transaction begins IMMEDIATE (``engine``), so even a service that only read before
refusing bad input holds the write lock until the transaction ends: rolling back here releases it,
and no shell has to remember to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit when the block ends normally; roll back and re-raise when it raises (``Problems`` too)."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
