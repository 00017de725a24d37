"""Shared fixtures.

- Every test gets its own empty data folder (``CRAMPCARE_DATA_DIR``), so nothing leaks between
  tests or into the user's real data.
- ``db_url`` runs a storage test on SQLite and on PostgreSQL. PostgreSQL is at 127.0.0.1:5432 in CI
  (``CI=true``) and a missing server fails there; on a developer's machine it skips with a message.
- ``chromium_path`` does the same for the system Chromium used by the browser tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge results, not speed: on a loaded two-core CI machine Hypothesis's default
# 200 ms deadline and its too-slow health check fail tests whose answers were right.
settings.register_profile("crampcare", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("crampcare")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get("CRAMPCARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CHROMIUM = os.environ.get("CRAMPCARE_TEST_CHROMIUM", "/usr/bin/chromium")


def need(what: str, why: str) -> None:
    """Fail in CI, skip elsewhere: CI must run every test; a laptop may lack a service."""
    message = f"{what} is not available ({why})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(f"{message}; install it to run this test")


@pytest.fixture(scope="session")
def _shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of the built knowledge base for the whole run (it depends only on the package)."""
    return tmp_path_factory.mktemp("crampcare-cache")


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _shared_cache_dir: Path) -> Path:
    data = tmp_path / "crampcare-data"
    data.mkdir()
    monkeypatch.setenv("CRAMPCARE_DATA_DIR", str(data))
    monkeypatch.setenv("CRAMPCARE_CACHE_DIR", str(_shared_cache_dir))
    monkeypatch.delenv("CRAMPCARE_DATABASE_URL", raising=False)
    return data


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:
        need("PostgreSQL at 127.0.0.1:5432", str(exc).splitlines()[0])
    return PG_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    from crampcare.storage.scratch import postgres_database

    with postgres_database(postgres_admin_url, "crampcare_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        need(f"Chromium at {CHROMIUM}", "apt-get install -y chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        need(f"the shared folder {SHARED}", "it should sit beside the checkout")
    return SHARED
