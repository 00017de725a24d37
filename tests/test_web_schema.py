"""schemathesis against the API's OpenAPI document: generated requests (valid and invalid) never get
a 5xx, and every response (status, content type, body) is one the document describes. Signed in, with
the CSRF header, so the diary and experiment operations are exercised, not just refused. Bounded
(a few examples per operation) to stay fast; ``CRAMPCARE_FUZZ_EXAMPLES`` raises the count."""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crampcare.web.app import create_app
from tests.web_support import PASSWORD, LiveServer, sign_up_owner

EXAMPLES = int(os.environ.get("CRAMPCARE_FUZZ_EXAMPLES", "12"))
# Explicit examples and generated cases; the shrinking phase is skipped (a failure is reported as found).
PHASES = [Phase.explicit, Phase.generate]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def live_api() -> Iterator[tuple[str, dict[str, str]]]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(f"sqlite:///{Path(folder) / 'fuzz.sqlite'}", secure_cookies=False)
        browser = sign_up_owner(app)
        # Some data so that ids and dates can hit something.
        browser.api(
            "POST",
            "/episodes",
            json={"started_at": "2026-11-20T03:10:00+01:00", "muscle": "calf", "side": "left"},
        )
        browser.api("PUT", "/day-logs/2026-11-19", json={"fluid_litres": 1.5})
        browser.api(
            "POST", "/experiments", json={"intervention": "calf_stretch_before_bed", "start": "2026-11-01"}
        )
        session = browser.client.cookies.get("cc_session")
        headers = {"Cookie": f"cc_session={session}", "X-CSRF-Token": browser.api_token()}
        assert PASSWORD  # the owner's password is the shared test one
        with LiveServer(app) as server:
            yield server.url + "/api/v1", headers
        app.state.db.dispose()
        app.state.read_db.dispose()


def _load_schema() -> Any:
    # The document does not depend on the database: build it once at import for parametrisation;
    # the module fixture then attaches the live app (with its database) that the cases call.
    from crampcare.web.api import create_api

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = schemathesis.openapi.from_dict(create_api().openapi())
    return loaded


schema = _load_schema()


def _check(case: Any, live_api: tuple[str, dict[str, str]]) -> None:
    base_url, headers = live_api
    if case.path == "/session" and case.method == "POST":
        return  # signing in with random names only fills the throttle table
    case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)


@schema.exclude(path="/assess").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=PHASES,
)
def test_api_conforms_to_its_openapi_document(case: Any, live_api: tuple[str, dict[str, str]]) -> None:
    _check(case, live_api)


# Generating whole AssessmentInputs (hundreds of codes) is slow: fewer examples for that operation.
@schema.include(path="/assess").parametrize()
@settings(
    max_examples=max(3, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=PHASES,
)
@pytest.mark.slow  # schemathesis: generated requests against a live server
def test_assess_conforms_to_its_openapi_document(case: Any, live_api: tuple[str, dict[str, str]]) -> None:
    _check(case, live_api)
