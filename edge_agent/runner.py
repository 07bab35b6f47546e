"""Start a counter unit: identity, outbox, MQTT link, hardware watch, local API — in that order.

The identity comes first (enrolment needs the network once, on first boot); the outbox opens before the API
so no request can arrive before submissions can be made durable; the link exists before the hardware is
watched, so every change of a device's state reaches the status heartbeat.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import msgspec
import uvicorn

from edge_agent.api import create_edge_app
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.identity import Identity, enrol, load_identity
from edge_agent.kiosk import Kiosk, KioskSettings
from edge_agent.link import RETRY_AFTER, Link
from edge_agent.outbox import Outbox
from edge_agent.profile import load_profile
from edge_agent.submission import EdgeServices
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from protocol.urls import parse_broker_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    """What `madoguchi edge run` was asked to do."""

    data_dir: Path
    host: str
    port: int
    central_url: str | None = None
    token: str | None = None
    broker_url: str | None = None
    ticket_prefix: str = "A"
    catalog: Path = SAMPLE_CATALOG
    ack_timeout: float = RETRY_AFTER
    """Seconds an envelope waits for central's ack before it is sent again."""
    profile: Path | None = None
    """The device profile; with one, the kiosk is served at /kiosk/ on the profile's hardware."""


def ensure_identity(config: EdgeConfig) -> Identity:
    """Load this unit's identity, enrolling first if it has none."""
    identity = load_identity(config.data_dir)
    if identity is not None:
        return identity
    if not (config.central_url and config.token):
        raise RuntimeError("this unit is not enrolled: pass --central URL --token TOKEN on first boot")
    identity = enrol(config.data_dir, config.central_url, config.token)
    log.info("enrolled as %s (office %s)", identity.device_id, identity.office_id)
    return identity


async def serve(config: EdgeConfig) -> None:
    """Run the unit until interrupted."""
    identity = ensure_identity(config)
    outbox = Outbox(config.data_dir / "outbox.db", ticket_prefix=config.ticket_prefix)
    hardware = (
        None if config.profile is None else CounterUnitHardware.from_profile(load_profile(config.profile))
    )
    link = Link(
        outbox,
        identity.device_id,
        parse_broker_url(config.broker_url or identity.broker_url),
        identity.central,
        hardware_health=dict if hardware is None else lambda: msgspec.to_builtins(hardware.health()),
        retry_after=config.ack_timeout,
    )
    planner = CatalogPlanner.load(config.catalog)
    services = EdgeServices(identity=identity, outbox=outbox, link=link, planner=planner)
    kiosk = None
    if hardware is not None:
        kiosk = Kiosk(services, planner.catalog, hardware, KioskSettings.from_environment())
    server = uvicorn.Server(
        uvicorn.Config(
            create_edge_app(services, *kiosk.mount()) if kiosk else create_edge_app(services),
            host=config.host,
            port=config.port,
            log_level="warning",
            access_log=False,
        )
    )
    link_task = asyncio.create_task(link.run(), name="link")
    unwatch = hardware.watch(link.hardware_changed) if hardware is not None else None
    try:
        await server.serve()
    finally:
        if unwatch is not None:
            unwatch()
        link_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await link_task
        outbox.close()
