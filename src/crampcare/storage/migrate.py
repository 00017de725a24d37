"""Running the packaged Alembic migrations from code (no ``alembic.ini`` needed).

The migration chain in ``migrations/versions`` is linear: each revision names the previous one as
``down_revision``. A later feature (e.g. the web app's login tables) adds a new file whose
``down_revision`` is the current head; never branch. ``upgrade_to_head`` is called on every
``open_database`` and is cheap when the schema is already current.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

SCRIPT_LOCATION = "crampcare.storage:migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision id of the packaged chain (raises if the chain has branched)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration chain is empty"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op (one query) when it already is."""
    if current_revision(engine) == head_revision():
        return
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
