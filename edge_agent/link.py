"""The counter unit's MQTT link: publish the outbox with a pipelined window, delete on central's acks.

Up to WINDOW envelopes are in flight at once (not stop-and-wait). An envelope leaves the outbox only when an
ack signed by central names it (`protocol/acks.py`; anything else on the acks topic is counted and ignored);
one not acked within the retry time is sent again, and after a reconnect all unacked envelopes are sent again
(central's ingest is idempotent), so an envelope swallowed by anyone but central still arrives. The link is
supervised: whatever fails, it is logged and the session starts again. A retained status heartbeat with a
last-will "offline" tells central whether the unit is alive; it goes out every HEARTBEAT_SECONDS, and at
once when the hardware reports a change of state that the last heartbeat did not show. On the city's
broker (`mqtts://`) the link presents the unit's current certificate, read afresh at every connection, so a
renewed certificate is used from the next one. Central's configuration and commands (edge_agent/remote.py)
arrive on the same session and are handed to the `Remote`, whose report rides in the heartbeat. Payloads are
sealed; nothing here logs them.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import aiomqtt
from cryptography.hazmat.primitives.asymmetric import ed25519

from edge_agent.outbox import Outbox, Pending
from protocol import topics
from protocol.acks import AckError, open_ack
from protocol.config import UnitReport
from protocol.messages import Status, encode_json
from protocol.mqtt import BoundedPublisher, TlsFiles, make_client, run_connected
from protocol.urls import BrokerAddress

log = logging.getLogger(__name__)

WINDOW = 500
RETRY_AFTER = 20.0
HEARTBEAT_SECONDS = 30.0
SOFTWARE = "madoguchi-edge/0.1.0"

IGNORED_LOG_EVERY = 60.0
"""Seconds between warnings about ignored acks (a flood of forgeries must not flood the log)."""


class Remote(Protocol):
    """What receives central's configuration and commands (edge_agent/remote.py's RemoteControl)."""

    def topics(self) -> list[str]:
        """The topics to subscribe to."""
        ...

    def receive(self, topic: str, payload: bytes) -> None:
        """Take a message (must return at once: the work is queued)."""
        ...

    def report(self) -> UnitReport:
        """What the heartbeat says about configuration and commands."""
        ...


class Link:
    """Publishes one unit's outbox to central and applies central's acks."""

    def __init__(
        self,
        outbox: Outbox,
        device_id: str,
        broker: BrokerAddress,
        central: ed25519.Ed25519PublicKey,
        tls: Callable[[], TlsFiles | None] = lambda: None,
        hardware_health: Callable[[], dict[str, Any]] = dict,
        window: int = WINDOW,
        retry_after: float = RETRY_AFTER,
        office_queue: tuple[str, Callable[[bytes], None]] | None = None,
        remote: Remote | None = None,
    ) -> None:
        self._outbox = outbox
        self._device_id = device_id
        self._central = central
        self._broker = broker
        self._tls = tls
        self._hardware_health = hardware_health
        self._window = window
        self._retry_after = retry_after
        self._office_queue = office_queue
        """(office id, receiver): also follow the office's queue state, for the kiosk's wait display."""
        self._remote = remote
        self._wake = asyncio.Event()
        self._hardware_wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inflight: dict[str, tuple[int, float]] = {}
        self._last_seq = 0
        self._ignored_logged = 0.0
        self.connected = asyncio.Event()
        self.failures = 0
        """Sessions that ended in an unexpected error (each logged, then restarted)."""
        self.ignored_acks = 0
        """Messages on the acks topic that were no valid ack from central (forged, oversized, malformed)."""

    @property
    def remote(self) -> Remote | None:
        """What handles central's configuration and commands, if anything."""
        return self._remote

    def notify(self) -> None:
        """Tell the link that the outbox has something new (call from the event loop)."""
        self._wake.set()

    def hardware_changed(self) -> None:
        """Tell the link that a device may have changed state (from any thread): the heartbeat goes out now
        if the hardware's health differs from what the last one said."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the unit is stopping
                loop.call_soon_threadsafe(self._hardware_wake.set)

    async def run(self) -> None:
        """Run until cancelled, reconnecting after outages."""
        self._loop = asyncio.get_running_loop()
        will = aiomqtt.Will(topics.status(self._device_id), self._status("offline"), qos=1, retain=True)
        await run_connected(
            lambda: make_client(self._broker, self._device_id, will=will, tls=self._tls()),
            self._session,
            name=f"link {self._device_id}",
            on_disconnect=self._reset,
            on_failure=self._failed,
        )

    def _failed(self) -> None:
        self.failures += 1

    def _reset(self) -> None:
        self.connected.clear()
        self._inflight.clear()
        self._last_seq = 0

    def _status(self, state: str, hardware: dict[str, Any] | None = None) -> bytes:
        return encode_json(
            Status(
                state="online" if state == "online" else "offline",
                at=datetime.now(UTC).isoformat(),
                outbox_depth=self._outbox.depth() if state == "online" else 0,
                software=SOFTWARE,
                hardware=hardware or {},
                fleet=self._remote.report() if self._remote else None,
            )
        )

    async def _session(self, client: aiomqtt.Client) -> None:
        self._reset()
        await client.subscribe(topics.acks(self._device_id), qos=1)
        if self._office_queue is not None:
            await client.subscribe(topics.office_queue(self._office_queue[0]), qos=1)
        for topic in self._remote.topics() if self._remote else ():
            await client.subscribe(topic, qos=1)
        self.connected.set()
        async with asyncio.TaskGroup() as group:
            group.create_task(self._receive_acks(client))
            group.create_task(self._publish_loop(client))
            group.create_task(self._heartbeat(client))

    async def _heartbeat(self, client: aiomqtt.Client) -> None:
        """Publish the status now, then every HEARTBEAT_SECONDS, and whenever the hardware or the remote
        report has changed."""
        published: tuple[dict[str, Any], UnitReport | None] | None = None
        due = time.monotonic()
        while True:
            self._hardware_wake.clear()
            hardware = await asyncio.to_thread(self._hardware_health)  # asks the printer: off the loop
            now = (hardware, self._remote.report() if self._remote else None)
            if now != published or time.monotonic() >= due:
                payload = await asyncio.to_thread(self._status, "online", hardware)
                await client.publish(topics.status(self._device_id), payload, qos=1, retain=True)
                published, due = now, time.monotonic() + HEARTBEAT_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._hardware_wake.wait(), timeout=due - time.monotonic())

    async def _receive_acks(self, client: aiomqtt.Client) -> None:
        acks = topics.acks(self._device_id)
        async for message in client.messages:
            payload = message.payload if isinstance(message.payload, bytes) else b""
            if self._office_queue is not None and message.topic.matches(
                topics.office_queue(self._office_queue[0])
            ):
                self._office_queue[1](payload)
                continue
            if self._remote is not None and message.topic.value != acks:
                self._remote.receive(message.topic.value, payload)
                continue
            try:
                ids = open_ack(payload, self._device_id, self._central)
            except AckError as exc:
                self._ignored(exc)
                continue
            await asyncio.to_thread(self._outbox.acknowledge, ids)
            for sid in ids:
                self._inflight.pop(sid, None)
            self._wake.set()

    def _ignored(self, exc: AckError) -> None:
        self.ignored_acks += 1
        now = time.monotonic()
        if now - self._ignored_logged >= IGNORED_LOG_EVERY:
            self._ignored_logged = now
            log.warning(
                "link: ignored %d ack(s) so far that central did not sign (last: %s)", self.ignored_acks, exc
            )

    def _due(self) -> list[Pending]:
        """Envelopes to send now: retries of stale ones, then new ones up to the window."""
        now = time.monotonic()
        stale = [seq for seq, sent in self._inflight.values() if now - sent > self._retry_after]
        due = self._outbox.by_seq(stale)
        room = self._window - len(self._inflight)
        if room > 0:
            fresh = self._outbox.pending(self._last_seq, room)
            if fresh:
                self._last_seq = fresh[-1].seq
            due.extend(fresh)
        return due

    @staticmethod
    def _published(task: "asyncio.Task[None]") -> None:
        # A failed publish is retried after RETRY_AFTER or on reconnect; only the broker outage is logged.
        if not task.cancelled() and task.exception() is not None:
            log.debug("link: publish failed: %s", task.exception())

    async def _publish_loop(self, client: aiomqtt.Client) -> None:
        publisher = BoundedPublisher(client)
        topic = topics.submissions(self._device_id)
        while True:
            self._wake.clear()
            due = await asyncio.to_thread(self._due)
            for item in due:
                self._inflight[item.submission_id] = (item.seq, time.monotonic())
                task = await publisher.publish(topic, item.envelope)
                task.add_done_callback(self._published)
            if len(due) and len(self._inflight) < self._window:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=1.0)
