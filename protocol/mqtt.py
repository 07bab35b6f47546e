"""One way to open an MQTT connection for both central and counter units, and the reconnect loop around it.

aiomqtt has no automatic reconnect; `run_connected` is the documented loop (connect, work, back off on
MqttError), shared so both sides behave the same during a broker outage. On an `mqtts://` broker a client
verifies the broker against the city CA and presents its own certificate (`TlsFiles`); the broker takes the
certificate's CN as the client's name and client id. Nothing here reads the key files: the TLS stack does.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiomqtt

from protocol.failure import describe
from protocol.urls import BrokerAddress

log = logging.getLogger(__name__)

MAX_INFLIGHT = 1000
PUBLISH_CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """A client's mutual-TLS files: the CA that signed the broker's certificate, and its own pair."""

    ca: Path
    cert: Path
    key: Path

    def parameters(self) -> aiomqtt.TLSParameters:
        """What aiomqtt needs to verify the broker and present the certificate."""
        return aiomqtt.TLSParameters(ca_certs=str(self.ca), certfile=str(self.cert), keyfile=str(self.key))


def make_client(
    broker: BrokerAddress,
    identifier: str,
    *,
    persistent: bool = False,
    will: aiomqtt.Will | None = None,
    tls: TlsFiles | None = None,
) -> aiomqtt.Client:
    """A client with a large in-flight window (the default of 20 would serialise the pipeline).

    Counter units speak MQTT 5. A persistent session (central's ingest) speaks MQTT 3.1.1 with the clean
    session flag off: for every message it receives, paho's MQTT 5 path builds a Properties object, which
    was a quarter of the receive cost measured here; the broker expires such sessions after
    `persistent_client_expiration` (set in testbed/broker.py and in the operations guide).

    On an `mqtts://` broker the client presents `tls` (without it, only the system's CAs are trusted and no
    certificate is presented, which the city's broker refuses); on `mqtt://`, `tls` is not used.
    """
    tls_params = None
    if broker.tls:
        tls_params = tls.parameters() if tls is not None else aiomqtt.TLSParameters()
    client = aiomqtt.Client(
        broker.host,
        broker.port,
        identifier=identifier,
        protocol=aiomqtt.ProtocolVersion.V311 if persistent else aiomqtt.ProtocolVersion.V5,
        clean_session=False if persistent else None,
        will=will,
        keepalive=15,
        max_inflight_messages=MAX_INFLIGHT,
        max_queued_incoming_messages=0,
        tls_params=tls_params,
    )
    client.pending_calls_threshold = MAX_INFLIGHT  # a full pipeline is normal, not worth a warning
    return client


async def run_connected(
    connect: Callable[[], aiomqtt.Client],
    work: Callable[[aiomqtt.Client], Awaitable[None]],
    *,
    name: str,
    on_disconnect: Callable[[], None] | None = None,
    on_failure: Callable[[], None] | None = None,
    min_backoff: float = 0.2,
    max_backoff: float = 5.0,
) -> None:
    """Connect, run `work` until the connection drops, back off and repeat; until cancelled.

    Supervised: any exception from `work` (a bug, a message nobody foresaw) is logged by type and place,
    `on_failure` is told, and the session starts again after the backoff, so one bad message never stops a
    unit's sync or an ingest worker for good. Only cancellation ends the loop.
    """
    backoff = min_backoff
    while True:
        try:
            async with connect() as client:
                backoff = min_backoff
                log.info("%s: connected", name)
                await work(client)
        except* aiomqtt.MqttError as group:  # the session's task group wraps the error
            log.warning(
                "%s: broker connection lost (%s); retrying in %.1fs", name, group.exceptions[0], backoff
            )
        except* Exception as group:
            log.error("%s: failed (%s); restarting in %.1fs", name, describe(group.exceptions[0]), backoff)
            if on_failure is not None:
                on_failure()
        if on_disconnect is not None:
            on_disconnect()
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, max_backoff)


class BoundedPublisher:
    """QoS 1 publishes with at most `limit` of them awaiting their PUBACK.

    aiomqtt scans every pending call on each publish and paho scans its queue on each PUBACK, so thousands
    in flight make each publish slower (measured here: 5,000 envelopes at once ~1,300/s, 64 at a time
    ~5,000/s). A few dozen in flight keep the connection full on a LAN and over a mobile link alike.
    """

    def __init__(self, client: aiomqtt.Client, limit: int = PUBLISH_CONCURRENCY) -> None:
        self._client = client
        self._room = asyncio.Semaphore(limit)
        self._tasks: set[asyncio.Task[None]] = set()

    async def publish(self, topic: str, payload: bytes) -> "asyncio.Task[None]":
        """Start a publish as soon as there is room; its task carries any error."""
        await self._room.acquire()
        task = asyncio.create_task(self._client.publish(topic, payload, qos=1))
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: "asyncio.Task[None]") -> None:
        self._tasks.discard(task)
        self._room.release()

    async def flush(self) -> None:
        """Wait until every started publish is acknowledged by the broker (raises the first error)."""
        await asyncio.gather(*self._tasks)
