"""The server imports its statistics and chart libraries when it starts, not on someone's request."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = textwrap.dedent(
    """
    import sys, threading
    from fastapi.testclient import TestClient
    from crampcare.web.app import create_app

    app = create_app(sys.argv[1])
    before = {m: m in sys.modules for m in ("statsmodels.api", "matplotlib.figure")}
    with TestClient(app) as client:  # runs the lifespan, as a server start does
        assert client.get("/healthz").status_code == 200
        for thread in threading.enumerate():
            if thread.name == "crampcare-warmup":
                thread.join(timeout=300)
        after = {m: m in sys.modules for m in ("statsmodels.api", "matplotlib.figure")}
    print(before, after)
    assert not any(before.values()), before
    assert all(after.values()), after
    """
)


def test_the_server_start_imports_statistics_and_charts(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, f"sqlite:///{tmp_path / 'w.sqlite'}"],
        env={"PYTHONPATH": str(SRC), "CRAMPCARE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
