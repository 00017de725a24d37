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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge results, not speed: on a loaded two-core CI machine Hypothesis's default
# 200 ms deadline and its too-slow health check fail tests whose answers were right.
settings.register_profile("crampcare", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("crampcare")

if TYPE_CHECKING:
    from tests.pg import Reusable

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


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """The name of a database migrated by Alembic once per session (per xdist worker)."""
    from tests.pg import migrated_template

    with migrated_template(postgres_admin_url) as name:
        yield name


@pytest.fixture(scope="session")
def _postgres_reusable(postgres_admin_url: str, postgres_template: str) -> Iterator[Reusable]:
    from tests.pg import Reusable, database

    with database(postgres_admin_url, "crampcare_test", template=postgres_template) as url:
        reusable = Reusable(url)
        yield reusable
        reusable.dispose()


@pytest.fixture
def postgres_url(_postgres_reusable: Reusable) -> str:
    """A PostgreSQL database at the schema head with no rows, for one test (see ``tests/pg.py``)."""
    return _postgres_reusable.reset()


@pytest.fixture
def postgres_empty_url(postgres_admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database Alembic has never touched (slow: for the migration tests only)."""
    from tests.pg import database

    with database(postgres_admin_url, "crampcare_test_empty") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated by Alembic once per session; tests get copies (0.4 s less each)."""
    from crampcare.storage import open_database

    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    open_database(f"sqlite:///{path}").dispose()  # closing checkpoints the WAL into the file
    return path


@pytest.fixture
def migrated_sqlite(sqlite_template: Path, tmp_path: Path) -> Callable[[str], str]:
    """``migrated_sqlite(name)``: the URL of a new SQLite file in ``tmp_path``, at the schema head."""

    def make(name: str) -> str:
        path = tmp_path / name
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, migrated_sqlite: Callable[[str], str]) -> str:
    """Run the test once on SQLite and once on PostgreSQL, on a database at the schema head."""
    if request.param == "sqlite":
        return migrated_sqlite("test.sqlite")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Like ``db_url``, but the PostgreSQL database has no schema yet (for the migration tests)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    url: str = request.getfixturevalue("postgres_empty_url")
    return url


# Debian's Chromium as the browser tests drive it: no sandbox (containers), nothing fetched.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium(chromium_path: str) -> Iterator[Any]:
    """One Chromium per test module (Playwright, the system browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


# --- markers by fixture use --------------------------------------------------------------------------
# `make test-fast` deselects `postgres`, `browser` and `slow`; the markers follow the fixtures, so a new
# test is marked by what it uses and nobody has to remember to mark it.
POSTGRES_FIXTURES = {"postgres_admin_url", "postgres_template", "postgres_url", "postgres_empty_url"}
PARAMETRISED_BACKENDS = ("db_url", "empty_db_url")


def _uses_postgres(item: pytest.Item) -> bool:
    if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    params = getattr(getattr(item, "callspec", None), "params", {})
    return any(params.get(name) == "postgresql" for name in PARAMETRISED_BACKENDS)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _uses_postgres(item):
            item.add_marker(pytest.mark.postgres)
        if "chromium_path" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True, scope="session")
def _test_strength_password_hashing() -> Iterator[None]:
    """argon2id with the lowest cost, as Django's own test settings do with their hasher.

    The default (64 MiB, 3 passes, 4 lanes) costs ~0.25 s of CPU per sign-up or sign-in on purpose;
    the web tests sign in hundreds of times, which made it the largest single cost of the suite.
    Still the real hasher and the real ``$argon2id$`` hashes, verified by the real code; only the
    cost differs. ``crampcare serve`` processes started by tests keep the default.
    """
    try:
        from argon2 import PasswordHasher

        from crampcare.web import auth
    except ImportError:  # pragma: no cover - the web extra is part of the test install
        yield
        return
    if not isinstance(getattr(auth, "_hasher", None), PasswordHasher):
        yield  # the module changed: the suite is slower, not wrong
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield
