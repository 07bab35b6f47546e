"""Central's Litestar app factory: the lifespans, in order, and every slice's controllers.

Start-up order matters: the keys, the tables and the catalog exist before the ingest workers start, so the
first message can be opened and stored; the city CA issues central's own MQTT certificates (when missing or
due) before anything connects to the broker; start-up waits (bounded) for the workers to subscribe, so
/health means ready. Only then do the background loops start (they read the engine, the catalog and
ingest's load), and at shutdown they stop first.
"""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

from central.accounts.controller import LoginController
from central.accounts.service import session_loops
from central.audit.controller import AccessLogController
from central.audit.retention import retention_loops
from central.background import Loop, background
from central.cases.controller import CaseApi, CasePages
from central.cases.interview_controller import InterviewPages
from central.cases.prepare import preparation_loops
from central.catalog.controller import CatalogPages
from central.db import make_engine
from central.displays.alerts import alert_loops
from central.displays.congestion import congestion_loops
from central.displays.congestion_controller import CongestionController
from central.displays.display_controller import DisplayController
from central.displays.status_controller import StatusController
from central.displays.web import STATIC as PUBLIC_STATIC
from central.errors import APP_ERROR_HANDLERS
from central.exports.controller import ExportController
from central.fleet.channel import fleet_loops, status_reader
from central.fleet.console import FleetConsole
from central.fleet.controller import EnrolmentController
from central.fleet.counter_keys import load_counter_keys
from central.fleet.dynsec import CENTRAL_PUBLISHER
from central.fleet.publisher import CentralPublisher
from central.fleet.services import certificate_loops, start_fleet
from central.forms.controller import FormsController
from central.ingest.workers import RESTART_DELAY, IngestWorkers
from central.keys import load_or_create_city_key, load_or_create_signing_key
from central.kpi.controller import KpiPages, RatingController
from central.preentry.controller import PreEntryController
from central.queue.broadcast import queue_loops
from central.queue.controller import QueuePages
from central.queue.hub import QueueHub
from central.settings import Settings
from central.webhooks.controller import WebhookController
from central.webhooks.sender import webhook_loops
from procedures.planner import CatalogPlanner
from protocol import topics
from protocol.urls import parse_broker_url

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


@contextlib.asynccontextmanager
async def ingest_loops(state: State) -> AsyncIterator[list[Loop]]:
    """Restart an ingest worker that died (when central ingests at all)."""
    ingest: IngestWorkers | None = state.get("ingest")
    yield [Loop("ingest workers", RESTART_DELAY, ingest.restart_dead)] if ingest else []


def settle_heap() -> None:
    """Move what start-up built (the catalog and its compiled rules, the keys, the app) out of the garbage
    collector's reach: it lives as long as central, and a full collection walking it (about 140 ms with
    the sample catalog) would otherwise stall whichever request set it off."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings) -> Litestar:
    """Build the central app for these settings."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        state = app.state
        state.settings = settings
        state.queue_hub = QueueHub()  # every office's live queue state, for displays and status pages
        state.city_key = load_or_create_city_key(settings.data_dir)  # 1. the keys
        state.signing_key = load_or_create_signing_key(settings.data_dir)
        counter_keys = load_counter_keys(
            settings.data_dir
        )  # the current one, and the previous during its grace
        state.counter_key, state.counter_keys = counter_keys.current, counter_keys.usable
        state.engine = make_engine(settings.db_url)  # 2. the tables
        state.staff_planner = await asyncio.to_thread(CatalogPlanner.load, settings.catalog)  # 3. the catalog
        state.fleet, state.unit_broker_url = await asyncio.to_thread(
            start_fleet, settings, state.engine
        )  # 4.
        ingest = publishing = None
        if settings.broker_url:  # 5. only then ingest, and central's publishing session (state.publisher)
            ingest = IngestWorkers(
                settings.broker_url,
                settings.db_url,
                state.city_key,
                state.signing_key,
                settings.ingest_workers,
                settings.mqtt_tls,
            )
            state.ingest = ingest
            await ingest.start()
            state.publisher = CentralPublisher(
                parse_broker_url(settings.broker_url),
                settings.mqtt_tls(CENTRAL_PUBLISHER),
                follow=[topics.ALL_STATUS],
                on_message=status_reader(state.engine),
            )
            publishing = asyncio.create_task(state.publisher.run(), name="central-publisher")
        settle_heap()
        try:
            yield
        finally:
            if publishing is not None:
                publishing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await publishing
            if ingest is not None:
                await asyncio.to_thread(ingest.stop)
            state.engine.dispose()

    return Litestar(
        route_handlers=[
            health,
            EnrolmentController,
            FleetConsole,
            LoginController,
            CasePages,
            CaseApi,
            InterviewPages,
            CatalogPages,
            ExportController,
            FormsController,
            AccessLogController,
            WebhookController,
            PreEntryController,
            QueuePages,
            KpiPages,
            RatingController,
            DisplayController,
            CongestionController,
            StatusController,
            create_static_files_router("/displays/static", [PUBLIC_STATIC], include_in_schema=False),
            create_static_files_router("/staff/static", [STAFF_STATIC], include_in_schema=False),
        ],
        lifespan=[
            lifespan,
            background(
                ingest_loops,
                certificate_loops,
                fleet_loops,
                preparation_loops,
                webhook_loops,
                retention_loops,
                session_loops,
                queue_loops,
                congestion_loops,
                alert_loops,
            ),
        ],  # 6. the background loops, which need everything above; they stop first
        exception_handlers=APP_ERROR_HANDLERS,  # the last resort: logged without personal data, a plain 500
        openapi_config=OpenAPIConfig(title="Madoguchi central", version="0.1.0", path="/schema"),
    )
