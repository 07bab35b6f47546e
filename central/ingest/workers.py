"""Ingest workers: one process per core, each with its own MQTT session on central's shared subscription.

Why processes: verifying and opening an envelope costs ~0.3 ms of CPU that holds the GIL, and so does the
MQTT client's packet handling; one process would cap ingest at one core. Each worker receives its share of
`$share/central/...`, verifies, opens, commits its own batches and acks them (end to end), so no envelope
is shipped between processes. The app's lifespan starts and stops the workers, and a background loop restarts
one that dies; a worker also exits by itself when central's main process is gone (it watches its parent).
Figures for /health and for the staff side's scheduling live in shared memory.
"""

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.process
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.context import SpawnContext, SpawnProcess

from cryptography.hazmat.primitives.asymmetric import ed25519

from central.db import make_engine
from central.fleet.dynsec import ingest_identity
from central.ingest.consumer import Consumer
from central.ingest.ingester import Ingester
from protocol.keys import CityPrivateKey
from protocol.mqtt import TlsFiles
from protocol.urls import parse_broker_url

log = logging.getLogger(__name__)
LOG_FORMAT = "%(levelname)s - %(asctime)s - %(name)s - %(message)s"
READY_TIMEOUT = 15.0
"""How long start-up waits for the workers to subscribe before serving anyway (the broker may be down)."""
RESTART_DELAY = 1.0
BUSY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker process needs to start: plain values, sent to a freshly spawned interpreter."""

    index: int
    broker_url: str
    db_url: str
    city_key: bytes
    signing_key: bytes
    """Central's signing key (32 raw bytes): the worker signs the acks it sends."""
    tls: TlsFiles | None
    """The worker's identity (`central-ingest-<index>`) on an mqtts:// broker."""


class IngestStatus:
    """Per-worker figures in shared memory, written by the workers and read by the main process.

    Lock-free: each worker writes only its own slots, and `last_busy` is a timestamp any of them may
    overwrite (CLOCK_MONOTONIC is system-wide, so the main process can compare it with its own clock).
    """

    def __init__(self, ctx: SpawnContext, workers: int) -> None:
        self.connected = ctx.RawArray("b", workers)
        self.ingested = ctx.RawArray("q", workers)
        self.last_busy = ctx.RawValue("d", 0.0)
        """time.monotonic() when a worker last found messages waiting behind the batch it took."""


class WorkerReport:
    """One worker's view of the shared figures."""

    def __init__(self, status: IngestStatus, index: int) -> None:
        self._status = status
        self._index = index

    def connected(self, value: bool) -> None:
        """The worker's MQTT session is subscribed (True) or lost (False)."""
        self._status.connected[self._index] = int(value)

    def ingested(self, stored: int) -> None:
        """Count cases stored."""
        self._status.ingested[self._index] += stored

    def busy(self) -> None:
        """More messages were waiting than one batch took: ingest is under load."""
        self._status.last_busy.value = time.monotonic()


def run_worker(spec: WorkerSpec, status: IngestStatus) -> None:
    """The worker process's entry point."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; central stops us
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    asyncio.run(_serve(spec, WorkerReport(status, spec.index)))


async def _serve(spec: WorkerSpec, report: WorkerReport) -> None:
    engine = make_engine(spec.db_url)
    ingester = Ingester(engine, CityPrivateKey.from_bytes(spec.city_key))
    signer = ed25519.Ed25519PrivateKey.from_private_bytes(spec.signing_key)
    consumer = Consumer(
        parse_broker_url(spec.broker_url), ingester, report, ingest_identity(spec.index), signer, spec.tls
    )
    task = asyncio.create_task(consumer.run())
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    parent = multiprocessing.parent_process()
    if parent is not None:  # the sentinel becomes readable when central's main process ends, however
        loop.add_reader(parent.sentinel, task.cancel)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        report.connected(False)
        engine.dispose()


class IngestWorkers:
    """Starts, watches, restarts and stops the ingest worker processes."""

    def __init__(
        self,
        broker_url: str,
        db_url: str,
        city: CityPrivateKey,
        signer: ed25519.Ed25519PrivateKey,
        count: int,
        tls: Callable[[str], TlsFiles | None],
    ) -> None:
        self._ctx = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        signing = signer.private_bytes_raw()
        self._specs = [
            WorkerSpec(i, broker_url, db_url, city.raw, signing, tls(ingest_identity(i)))
            for i in range(count)
        ]
        self.status = IngestStatus(self._ctx, count)
        self._processes: list[SpawnProcess] = []

    def _spawn(self, spec: WorkerSpec) -> SpawnProcess:
        process = self._ctx.Process(
            target=run_worker, args=(spec, self.status), name=f"ingest-{spec.index}", daemon=True
        )
        process.start()
        return process

    async def start(self) -> None:
        """Start every worker and wait (bounded) until they are subscribed, so /health means ready."""
        self._processes = [self._spawn(spec) for spec in self._specs]
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.connected and time.monotonic() < deadline:  # noqa: ASYNC110 - other processes set it
            await asyncio.sleep(0.05)

    async def restart_dead(self) -> None:
        """Restart the workers that died (their unacked submissions come again from the units)."""
        for index, process in enumerate(self._processes):
            if process.exitcode is not None:
                log.warning("ingest worker %d exited (code %s); restarting it", index, process.exitcode)
                self.status.connected[index] = 0
                self._processes[index] = self._spawn(self._specs[index])

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every worker to finish its batch and exit; kill those that do not."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()

    @property
    def connected(self) -> bool:
        """Every worker holds a subscribed MQTT session."""
        return all(self.status.connected[:])

    @property
    def ingested(self) -> int:
        """Cases stored since central started."""
        return sum(self.status.ingested[:])

    @property
    def busy(self) -> bool:
        """Submissions queued up behind a batch within the last second: background work should wait."""
        last_busy: float = self.status.last_busy.value
        return time.monotonic() - last_busy < BUSY_SECONDS
