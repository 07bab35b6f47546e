"""The MQTT side of ingest: subscribe, batch what arrives, hand batches to the ingester, publish acks.

Runs in an ingest worker process (central/ingest/workers.py). Batches grow under load (everything queued, up
to MAX_BATCH) and shrink to one message when idle, so latency stays low and commits are amortised when it
matters.
"""

import asyncio
import logging
from typing import Protocol

import aiomqtt
from cryptography.hazmat.primitives.asymmetric import ed25519

from central.ingest.ingester import BatchResult, Incoming, Ingester
from protocol import topics
from protocol.acks import sign_acks
from protocol.mqtt import TlsFiles, make_client, run_connected
from protocol.urls import BrokerAddress

log = logging.getLogger(__name__)
MAX_BATCH = 2000


class Report(Protocol):
    """Where a consumer reports its state (shared memory in a worker process)."""

    def connected(self, value: bool) -> None: ...
    def ingested(self, stored: int) -> None: ...
    def busy(self) -> None: ...


class Consumer:
    """Ingest loop for one MQTT session on central's shared subscription."""

    def __init__(
        self,
        broker: BrokerAddress,
        ingester: Ingester,
        report: Report,
        identifier: str,
        signer: ed25519.Ed25519PrivateKey,
        tls: TlsFiles | None = None,
    ) -> None:
        self._broker = broker
        self._tls = tls
        self._ingester = ingester
        self._report = report
        self._identifier = identifier
        self._signer = signer

    async def run(self) -> None:
        """Run until cancelled, reconnecting after broker outages."""
        await run_connected(
            lambda: make_client(self._broker, self._identifier, persistent=True, tls=self._tls),
            self._session,
            name=self._identifier,
            on_disconnect=lambda: self._report.connected(False),
        )

    async def _session(self, client: aiomqtt.Client) -> None:
        queue: asyncio.Queue[Incoming] = asyncio.Queue()
        await client.subscribe(topics.ALL_SUBMISSIONS, qos=1)
        self._report.connected(True)
        async with asyncio.TaskGroup() as group:
            group.create_task(self._receive(client, queue))
            group.create_task(self._work(client, queue))

    @staticmethod
    async def _receive(client: aiomqtt.Client, queue: asyncio.Queue[Incoming]) -> None:
        async for message in client.messages:
            payload = message.payload
            data = payload if isinstance(payload, bytes) else str(payload).encode()
            queue.put_nowait(Incoming(str(message.topic), data))

    async def _work(self, client: aiomqtt.Client, queue: asyncio.Queue[Incoming]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < MAX_BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            if not queue.empty() or len(batch) > 1:
                self._report.busy()
            result = await asyncio.to_thread(self._ingester.process, batch)
            await self._ack(client, result)

    async def _ack(self, client: aiomqtt.Client, result: BatchResult) -> None:
        self._report.ingested(result.stored)
        if result.rejected:
            log.warning("ingest: %d envelope(s) rejected (see the reject table)", result.rejected)
        await asyncio.gather(
            *(
                client.publish(topics.acks(device_id), payload, qos=1)
                for device_id, ids in result.acks.items()
                for payload in sign_acks(self._signer, device_id, ids)
            )
        )
