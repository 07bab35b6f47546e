"""The staff side's part of central's lifespan: load the catalog, then run the background loops.

Runs after central's own lifespan (the engine and keys exist). Loops: merge synced cases into staff's
working records; deliver due webhooks; purge cases past retention and expired sessions (hourly). Each
loop survives its own errors and stops when the app does. Never logs personal data.
Merging yields to ingest: while submissions queue up (a burst of units coming back online), acking them
comes first, because that frees the units' outboxes; staff records follow within MERGE_MAX_DEFER at worst.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
from litestar import Litestar
from sqlalchemy import Engine

from central.accounts.service import drop_expired_sessions
from central.audit.retention import purge_before, retention_cutoff
from central.cases.work import Merger
from central.ingest.workers import IngestWorkers
from central.webhooks.sender import deliver_due
from procedures.planner import CatalogPlanner

log = logging.getLogger(__name__)
MERGE_INTERVAL = 1.0
MERGE_MAX_DEFER = 10.0
WEBHOOK_INTERVAL = 0.5
RETENTION_INTERVAL = 3600.0


async def _every(seconds: float, step: Callable[[], Awaitable[object]], name: str) -> None:
    while True:
        try:
            await step()
        except Exception:  # a bad round must not stop the loop; the next round retries
            log.exception("staff background loop %s failed", name)
        await asyncio.sleep(seconds)


def _merge_when_ingest_allows(merge: Merger, ingest: IngestWorkers | None) -> Callable[[], Awaitable[None]]:
    last = time.monotonic()

    async def step() -> None:
        nonlocal last
        if ingest is not None and ingest.busy and time.monotonic() - last < MERGE_MAX_DEFER:
            return
        last = time.monotonic()
        await asyncio.to_thread(merge)

    return step


def _housekeeping(engine: Engine) -> None:
    purge_before(engine, retention_cutoff())
    drop_expired_sessions(engine)


@contextlib.asynccontextmanager
async def staff_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Load the catalog the staff side plans with and run the background loops until shutdown."""
    state = app.state
    state.staff_planner = await asyncio.to_thread(CatalogPlanner.load, state.settings.catalog)
    webhook_client = httpx.AsyncClient(follow_redirects=False)
    merge = Merger(state.engine, state.staff_planner)
    loops = [
        _every(MERGE_INTERVAL, _merge_when_ingest_allows(merge, state.get("ingest")), "merge"),
        _every(WEBHOOK_INTERVAL, lambda: deliver_due(state.engine, webhook_client), "webhooks"),
        _every(
            RETENTION_INTERVAL,
            lambda: asyncio.to_thread(_housekeeping, state.engine),
            "retention",
        ),
    ]
    tasks = [asyncio.create_task(loop) for loop in loops]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await webhook_client.aclose()
