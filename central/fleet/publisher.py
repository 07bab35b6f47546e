"""Central's one MQTT session for what central pushes to units and displays, as `central-publisher`.

Any part of central publishes through the app's `state.publisher` (a `CentralPublisher`), e.g. an office's
queue state: `await state.publisher.publish(topics.office_queue(office_id), payload, retain=True)`. The
broker lets this identity publish acks, configs, commands and office queues (central/fleet/dynsec.py). The
session lives in central's main process, is supervised (`run_connected`: reconnects after an outage), and a
publish waits for it (bounded) and returns once the broker holds the message (QoS 1). Acks do not pass here:
each ingest worker acks what it committed on its own session. What is published is the caller's to keep
free of unencrypted personal data; nothing here logs payloads. The same session reads what central follows
on the broker (the units' retained status: central/fleet/channel.py), handing each message to `on_message`;
a handler that fails is logged by type and place, and the session goes on.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

import aiomqtt

from central.background import where
from central.fleet.dynsec import CENTRAL_PUBLISHER
from protocol.mqtt import TlsFiles, make_client, run_connected
from protocol.urls import BrokerAddress

log = logging.getLogger(__name__)
WAIT_FOR_SESSION = 10.0
OnMessage = Callable[[str, bytes], Awaitable[None]]


class PublishFailed(RuntimeError):  # noqa: N818 - reads as the outcome at the call site
    """The broker was not reachable within the wait, or the connection dropped before its PUBACK."""


class CentralPublisher:
    """Central's publishing session; `run()` is started by central's lifespan and cancelled at shutdown."""

    def __init__(
        self,
        broker: BrokerAddress,
        tls: TlsFiles | None,
        follow: Sequence[str] = (),
        on_message: OnMessage | None = None,
    ) -> None:
        self._broker = broker
        self._tls = tls
        self._follow = follow
        self._on_message = on_message
        self._client: aiomqtt.Client | None = None
        self._up = asyncio.Event()

    @property
    def connected(self) -> bool:
        """Whether the session is up now."""
        return self._up.is_set()

    async def run(self) -> None:
        """Hold the session until cancelled, reconnecting after outages."""
        await run_connected(
            lambda: make_client(self._broker, CENTRAL_PUBLISHER, tls=self._tls),
            self._session,
            name=CENTRAL_PUBLISHER,
            on_disconnect=self._lost,
        )

    async def _session(self, client: aiomqtt.Client) -> None:
        for topic_filter in self._follow:
            await client.subscribe(topic_filter, qos=1)
        self._client = client
        self._up.set()
        async for message in client.messages:  # ends when the connection does
            if self._on_message is None:
                continue
            payload = message.payload if isinstance(message.payload, bytes) else b""
            try:
                await self._on_message(message.topic.value, payload)
            except Exception as exc:  # one bad message must not end the session; never logs the payload
                log.error(
                    "central-publisher: handling a message failed: %s at %s", type(exc).__name__, where(exc)
                )

    def _lost(self) -> None:
        self._up.clear()
        self._client = None

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """Publish at QoS 1 and return once the broker has it; PublishFailed if it could not (the session
        was not up within WAIT_FOR_SESSION seconds, or dropped before the broker's PUBACK)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._up.wait(), WAIT_FOR_SESSION)
        client = self._client
        if client is None:
            raise PublishFailed(f"no session with the broker within {WAIT_FOR_SESSION:.0f}s")
        try:
            await client.publish(topic, payload, qos=1, retain=retain)
        except aiomqtt.MqttError as exc:
            raise PublishFailed(f"the broker connection failed: {type(exc).__name__}") from exc
