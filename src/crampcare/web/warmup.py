"""Import the heavy libraries behind statistics and charts once the server is up, not on a request.

statsmodels (the diary's trend, season and factor models) and matplotlib (the charts) take one to
several seconds to import. Imported lazily, the first person to open their statistics or a chart
after a restart would wait for them; a background thread started with the server pays that cost
while nobody waits (a request arriving meanwhile waits only for what is left of the import).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter

HEAVY_MODULES = ("statsmodels.api", "crampcare.charts.figures")


def _import_heavy() -> None:
    import importlib

    for name in HEAVY_MODULES:
        importlib.import_module(name)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    threading.Thread(target=_import_heavy, name="crampcare-warmup", daemon=True).start()
    yield


router = APIRouter(lifespan=lifespan)
