"""Central's Litestar app factory; the lifespan owns the database engine, the city key and the MQTT consumer.

Start-up order matters: the key and database exist before the consumer starts, so the first message can be
opened and stored.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from central.db import make_engine
from central.fleet.controller import EnrolmentController
from central.ingest.consumer import Consumer
from central.ingest.ingester import Ingester
from central.keys import load_or_create_city_key, load_or_create_counter_key
from central.settings import Settings
from protocol.urls import parse_broker_url


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
        task = None
        if settings.broker_url:  # 3. only then ingest
            consumer = Consumer(parse_broker_url(settings.broker_url), Ingester(state.engine, state.city_key))
            state.consumer = consumer
            task = asyncio.create_task(consumer.run(), name="ingest")
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            state.engine.dispose()

    return Litestar(
        route_handlers=[health, EnrolmentController],
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(title="Madoguchi central", version="0.1.0", path="/schema"),
    )
