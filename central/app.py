"""Central's Litestar app factory; the lifespan owns the database engine, the city key and the MQTT consumer.

Start-up order matters: the key and database exist before the consumer starts, so the first message can be
opened and stored.
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
from central.ingest.consumer import Consumer
from central.ingest.ingester import Ingester
from central.keys import load_or_create_city_key, load_or_create_counter_key
from central.preentry.controller import PreEntryController
from central.settings import Settings
from central.webhooks.controller import WebhookController
from protocol.urls import parse_broker_url

STAFF_STATIC = Path(__file__).resolve().parent / "static"


@get("/health", sync_to_thread=False)
def health(state: State) -> dict[str, object]:
    """Liveness and whether ingest is connected to the broker."""
    consumer: Consumer | None = state.get("consumer")
    return {
        "status": "ok",
        "broker_connected": bool(consumer and consumer.connected.is_set()),
        "ingested": consumer.ingested if consumer else 0,
    }


def create_app(settings: Settings) -> Litestar:
    """Build the central app for these settings."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        state = app.state
        state.settings = settings
        state.city_key = load_or_create_city_key(settings.data_dir)  # 1. the keys
        state.counter_key = load_or_create_counter_key(settings.data_dir)
        state.engine = make_engine(settings.db_url)  # 2. the tables
        task = ingester = None
        if settings.broker_url:  # 3. only then ingest
            ingester = Ingester(state.engine, state.city_key)
            consumer = Consumer(parse_broker_url(settings.broker_url), ingester)
            state.consumer = consumer
            task = asyncio.create_task(consumer.run(), name="ingest")
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if ingester is not None:
                ingester.close()
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
