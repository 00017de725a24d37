"""Where crampcare keeps its data, and which database it talks to.

Resolution order for the database: an explicit ``--db`` URL, then ``CRAMPCARE_DATABASE_URL``,
then a SQLite file in the data folder. The data folder is ``CRAMPCARE_DATA_DIR`` when set (the
test suite gives every test its own), else the platform's user data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "crampcare"


def data_dir() -> Path:
    """The folder for the default database and other local files; created on first use."""
    override = os.environ.get("CRAMPCARE_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(explicit: str | None = None) -> str:
    """The SQLAlchemy URL to use (see the module docstring for the order)."""
    if explicit:
        return explicit
    env = os.environ.get("CRAMPCARE_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'crampcare.sqlite'}"
