"""Start a counter unit: identity, outbox, MQTT link, hardware watch, local API, then systemd — in that order.

The identity comes first (enrolment needs the network once, on first boot; a unit that has one simply
starts, whatever enrolment flags systemd passes again); the outbox opens before the API so no request can
arrive before submissions can be made durable; the link exists before the hardware is watched, so every
change of a device's state reaches the status heartbeat. systemd hears READY=1 only once the API listens,
and the watchdog only while the outbox takes writes and the API answers.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgspec
import uvicorn

from edge_agent.api import create_edge_app
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.identity import EnrolmentError, Identity, enrol, load_identity, machine_serial
from edge_agent.kiosk import Kiosk, KioskSettings
from edge_agent.link import RETRY_AFTER, Link
from edge_agent.notify import Notifier, outbox_writable, watchdog
from edge_agent.outbox import Outbox
from edge_agent.profile import load_profile
from edge_agent.queue_watch import QueueWatch
from edge_agent.remote import LocalSettings, RemoteControl
from edge_agent.renewal import CertificateKeeper
from edge_agent.submission import EdgeServices
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from protocol.urls import parse_broker_url

log = logging.getLogger(__name__)
AUTO_SERIAL = "auto"
"""`--serial auto`: the board's own serial number (`identity.machine_serial`)."""


@dataclass(frozen=True, slots=True)
class EdgeConfig:
    """What `madoguchi edge run` was asked to do."""

    data_dir: Path
    host: str
    port: int
    central_url: str | None = None
    token: str | None = None
    serial: str | None = None
    """Enrol by this serial number instead of a token (`auto`: the board's own)."""
    office: str | None = None
    """The office the unit asks to join (central refuses a token or serial for another)."""
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
    if not (config.central_url and (config.token or config.serial)):
        raise EnrolmentError(
            "this unit is not enrolled: on first boot pass --central URL and --token TOKEN or --serial SERIAL"
        )
    serial = machine_serial() if config.serial == AUTO_SERIAL else config.serial or ""
    identity = enrol(
        config.data_dir,
        config.central_url,
        token=config.token or "",
        serial=serial,
        office=config.office or "",
    )
    log.info("enrolled as %s (office %s)", identity.device_id, identity.office_id)
    return identity


def _loopback(host: str) -> str:
    """Where this process reaches its own API (a wildcard listen address is reached on loopback)."""
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104 - recognised, not bound
    return wildcard.get(host, f"[{host}]" if ":" in host else host)


async def serve(config: EdgeConfig) -> None:
    """Run the unit until interrupted."""
    keeper = CertificateKeeper(config.data_dir, ensure_identity(config))
    identity = keeper.identity
    outbox_path = config.data_dir / "outbox.db"
    outbox = Outbox(outbox_path, ticket_prefix=config.ticket_prefix)
    hardware = (
        None if config.profile is None else CounterUnitHardware.from_profile(load_profile(config.profile))
    )
    queue = QueueWatch()
    kiosk_settings = KioskSettings.from_environment()
    remote = RemoteControl(
        config.data_dir,
        keeper,
        config.catalog,
        LocalSettings(config.ticket_prefix, kiosk_settings.idle_seconds),
    )
    link = Link(
        outbox,
        identity.device_id,
        parse_broker_url(config.broker_url or identity.broker_url),
        identity.central,
        tls=keeper.tls,
        hardware_health=dict if hardware is None else lambda: msgspec.to_builtins(hardware.health()),
        retry_after=config.ack_timeout,
        office_queue=(identity.office_id, queue.offer),
        remote=remote,
    )
    planner = CatalogPlanner.load(config.catalog)
    services = EdgeServices(identity=identity, outbox=outbox, link=link, planner=planner, queue=queue)
    kiosk = None
    if hardware is not None:
        kiosk = Kiosk(services, planner.catalog, hardware, kiosk_settings)
    remote.attach(services, planner, kiosk.context if kiosk else None, link.hardware_changed)
    server = uvicorn.Server(
        uvicorn.Config(
            create_edge_app(services, *kiosk.mount()) if kiosk else create_edge_app(services),
            host=config.host,
            port=config.port,
            log_level="warning",
            access_log=False,
        )
    )
    health_url = f"http://{_loopback(config.host)}:{config.port}/api/health"

    async def healthy() -> bool:
        if not await asyncio.to_thread(outbox_writable, outbox_path):
            return False
        async with httpx.AsyncClient(timeout=5.0) as http:
            with contextlib.suppress(httpx.HTTPError):
                return (await http.get(health_url)).status_code == 200
        return False

    tasks = [
        asyncio.create_task(link.run(), name="link"),
        asyncio.create_task(keeper.run(), name="renewal"),
        asyncio.create_task(remote.run(), name="remote configuration"),
    ]
    unwatch = hardware.watch(link.hardware_changed) if hardware is not None else None
    serving = asyncio.create_task(server.serve(), name="local API")
    try:
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn sets a plain flag
            await asyncio.sleep(0.05)
        if server.started:
            notifier = Notifier()
            notifier.ready()
            tasks.append(asyncio.create_task(watchdog(notifier, healthy), name="watchdog"))
        await serving
    finally:
        if unwatch is not None:
            unwatch()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        outbox.close()
