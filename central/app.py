"""Central's Litestar app factory; the lifespan owns the database engine, the city key and the ingest workers.

Start-up order matters: the key and database exist before the ingest workers start, so the first message
can be opened and stored; start-up waits (bounded) for the workers to subscribe, so /health means ready.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

from central.accounts.controller import LoginController
from central.audit.controller import AccessLogController
from central.cases.controller import CaseApi, CasePages
from central.cases.interview_controller import InterviewPages
from central.cases.lifespan import staff_lifespan
from central.db import make_engine
from central.exports.controller import ExportController
from central.fleet.controller import EnrolmentController
from central.forms.controller import FormsController
from central.ingest.workers import IngestWorkers
from central.keys import load_or_create_city_key, load_or_create_counter_key, load_or_create_signing_key
from central.preentry.controller import PreEntryController
from central.settings import Settings
from central.webhooks.controller import WebhookController

STAFF_STATIC = Path(__file__).resolve().parent / "static"


@get("/health", sync_to_thread=False)
def health(state: State) -> dict[str, object]:
    """Liveness, whether every ingest worker is subscribed at the broker, and cases stored since start."""
    ingest: IngestWorkers | None = state.get("ingest")
    return {
        "status": "ok",
        "broker_connected": bool(ingest and ingest.connected),
        "ingested": ingest.ingested if ingest else 0,
    }


def create_app(settings: Settings) -> Litestar:
    """Build the central app for these settings."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        state = app.state
        state.settings = settings
        state.city_key = load_or_create_city_key(settings.data_dir)  # 1. the keys
        state.signing_key = load_or_create_signing_key(settings.data_dir)
        state.counter_key = load_or_create_counter_key(settings.data_dir)
        state.engine = make_engine(settings.db_url)  # 2. the tables
        ingest = supervisor = None
        if settings.broker_url:  # 3. only then ingest
            ingest = IngestWorkers(
                settings.broker_url,
                settings.db_url,
                state.city_key,
                state.signing_key,
                settings.ingest_workers,
            )
            state.ingest = ingest
            await ingest.start()
            supervisor = asyncio.create_task(ingest.supervise(), name="ingest supervisor")
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await supervisor
            if ingest is not None:
                await asyncio.to_thread(ingest.stop)
            state.engine.dispose()

    return Litestar(
        route_handlers=[
            health,
            EnrolmentController,
            LoginController,
            CasePages,
            CaseApi,
            InterviewPages,
            ExportController,
            FormsController,
            AccessLogController,
            WebhookController,
            PreEntryController,
            create_static_files_router("/staff/static", [STAFF_STATIC], include_in_schema=False),
        ],
        lifespan=[
            lifespan,
            staff_lifespan,
        ],  # the staff side needs the engine and keys first
        openapi_config=OpenAPIConfig(title="Madoguchi central", version="0.1.0", path="/schema"),
    )
