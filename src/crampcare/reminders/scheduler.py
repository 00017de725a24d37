"""The web server's reminder clock: an asyncio task, started with the app, that sends what is due
every minute (``CRAMPCARE_REMINDERS=off`` or ``crampcare serve --no-reminders`` turns it off, e.g.
when ``crampcare reminders send-due`` runs from cron instead).

Several workers each run one; ``service.send_due`` claims every reminder in the database before
sending it, so they never send one twice. Sending blocks on the network, so it runs in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger(__name__)

ENV_SWITCH = "CRAMPCARE_REMINDERS"
INTERVAL_S = 60.0


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "on").strip().lower() not in {"off", "0", "false", "no"}


async def run(db: Any, stop: asyncio.Event, interval: float = INTERVAL_S) -> None:
    """Check for due reminders now and then every ``interval`` seconds, until ``stop`` is set.

    A stop waits for the check under way to finish (rather than cancelling it): its thread would run
    on anyway, on a database the server is about to close.
    """
    from crampcare.reminders.service import send_due

    while not stop.is_set():
        try:
            report = await asyncio.to_thread(send_due, db)
            if report.sent or report.removed or report.failed:
                log.info(
                    "reminders: %d sent, %d removed, %d failed", report.sent, report.removed, report.failed
                )
        except Exception:  # a bad minute (database busy, key misconfigured) must not stop the clock
            log.exception("reminders: sending failed; trying again in a minute")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Lifespan of the reminders router: runs ``run`` beside the server while it is up."""
    db = getattr(getattr(app, "state", None), "db", None)
    stop = asyncio.Event()
    task = asyncio.create_task(run(db, stop)) if enabled() and db is not None else None
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            await task
