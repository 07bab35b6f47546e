"""Ingest throughput: N simulated units publish sealed envelopes through a real broker to central (SQLite).

Each unit is its own process (as on real counters), publishing with a window of unacked submissions like a
unit draining its outbox. Prints central's committed-and-acked rate, p50/p99 latency (publish → ack), and, in
the same run, the rate a no-op aiomqtt subscriber receives the same bytes from the same unit processes, and
the ratio. Everything goes over the city's mutual-TLS broker: units with the certificates they enrolled for,
the baseline with test identities (a unit may publish only its own topics). Envelopes carry a plan of real
size. Usage: python -m bench.ingest [N] [PER]
"""

import asyncio
import multiprocessing
import sys
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier

from cryptography.hazmat.primitives.asymmetric import ed25519

from bench.common import World, enrol_devices, percentile, process_tree_cpu, seal_traffic, world
from central.ingest.crypto import Opener
from central.keys import load_or_create_city_key
from protocol import envelope, topics
from protocol.acks import open_ack
from protocol.keys import raw_public
from protocol.mqtt import BoundedPublisher, TlsFiles, make_client
from protocol.urls import parse_broker_url
from testbed.simulated import SimulatedDevice

WINDOW = 500


@dataclass(frozen=True, slots=True)
class Unit:
    """One simulated unit's run: where to publish and what."""

    broker_url: str
    device_id: str
    identity: str
    """Who connects: the unit itself, or a test identity for the baseline."""
    tls: TlsFiles | None
    topic: str
    items: list[tuple[str, bytes]]
    wait_for_acks: bool
    central_key: bytes


async def _publish(unit: Unit, start: Barrier) -> list[float]:
    """Publish every item with at most WINDOW unacked (or just broker-acked, for the no-op run)."""
    latencies: list[float] = []
    sent: dict[str, float] = {}
    room = asyncio.Semaphore(WINDOW)
    remaining = len(unit.items)
    finished = asyncio.Event()
    central = ed25519.Ed25519PublicKey.from_public_bytes(unit.central_key)
    async with make_client(parse_broker_url(unit.broker_url), unit.identity, tls=unit.tls) as client:
        await client.subscribe(topics.acks(unit.device_id), qos=1)

        async def acks() -> None:
            nonlocal remaining
            async for message in client.messages:
                now = time.perf_counter()
                payload = message.payload if isinstance(message.payload, bytes) else b""
                for sid in open_ack(payload, unit.device_id, central):  # as a unit does: signed acks only
                    started = sent.pop(sid, None)
                    if started is not None:
                        latencies.append(now - started)
                        remaining -= 1
                        room.release()
                if remaining == 0:
                    finished.set()
                    return

        reader = asyncio.create_task(acks())
        publisher = BoundedPublisher(client)
        await asyncio.to_thread(start.wait)
        for sid, payload in unit.items:
            if unit.wait_for_acks:
                await room.acquire()
                sent[sid] = time.perf_counter()
            await publisher.publish(unit.topic, payload)
        await publisher.flush()
        if unit.wait_for_acks:
            await finished.wait()
        reader.cancel()
    return latencies


def _unit_process(unit: Unit, start: Barrier, results: "multiprocessing.Queue[list[float]]") -> None:
    results.put(asyncio.run(_publish(unit, start)))


@dataclass(frozen=True, slots=True)
class Run:
    """When the units started (perf_counter), how long until all were done, and the ack latencies."""

    began: float
    seconds: float
    latencies: list[float]


def run_units(units: list[Unit]) -> Run:
    """Run every unit in its own process, all starting together once every one is connected."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(len(units) + 1)
    results: multiprocessing.Queue[list[float]] = ctx.Queue()
    processes = [ctx.Process(target=_unit_process, args=(unit, start, results)) for unit in units]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    latencies = [value for _ in units for value in results.get()]
    ended = time.perf_counter()
    for process in processes:
        process.join()
    return Run(began, ended - began, latencies)


async def noop_rate(w: World, units: list[Unit]) -> float:
    """Messages/s a subscriber that does nothing receives from the same unit processes and bytes."""
    total = sum(len(unit.items) for unit in units)
    received = 0
    done = asyncio.Event()
    async with w.broker.client("bench-noop") as sub:
        await sub.subscribe("bench/noop/#", qos=1)

        async def count() -> None:
            nonlocal received
            async for _ in sub.messages:
                received += 1
                if received == total:
                    done.set()
                    return

        counter = asyncio.create_task(count())
        publishing = asyncio.create_task(asyncio.to_thread(run_units, units))
        await done.wait()
        ended = time.perf_counter()
        run = await publishing
        counter.cancel()
    return total / (ended - run.began)


def main(devices: int, per_device: int) -> None:
    """Run the baseline and the measured ingest in one world and print the figures."""
    with world() as w:
        enrolled = enrol_devices(w, devices)
        traffic = seal_traffic(enrolled, per_device + 1)
        url = w.broker.url

        def units(slice_: slice, noop: bool) -> list[Unit]:
            return [
                Unit(
                    url,
                    d.device_id,
                    f"bench-noop-{n}" if noop else d.device_id,
                    w.broker.test_identity(f"bench-noop-{n}") if noop else d.tls_files(w.workdir / "units"),
                    f"bench/noop/{d.device_id}" if noop else topics.submissions(d.device_id),
                    items[slice_],
                    wait_for_acks=not noop,
                    central_key=d.central_key,
                )
                for n, (d, items) in enumerate(zip(enrolled, traffic, strict=True))
            ]

        run_units(units(slice(0, 1), noop=False))  # warm-up: central's workers and caches
        raw = asyncio.run(noop_rate(w, units(slice(1, None), noop=True)))
        assert w.central.process is not None
        cpu_before = process_tree_cpu(w.central.process.pid)
        run = run_units(units(slice(1, None), noop=False))
        central_cpu = process_tree_cpu(w.central.process.pid) - cpu_before
        floor = crypto_floor(w, enrolled[0], traffic[0][1:])
    total = devices * per_device
    rate = total / run.seconds
    latencies = run.latencies
    print(f"ingest: {devices} unit processes x {per_device} = {total} sealed submissions")
    print("  ML-KEM-768+X25519 HPKE, Ed25519, ~7 KB plan each; central on SQLite, one ingest worker per core")
    print(f"central committed-and-acked rate: {rate:,.0f} submissions/s")
    p50, p99 = (percentile(latencies, q) * 1000 for q in (0.5, 0.99))
    print(f"latency publish->ack: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"no-op aiomqtt subscriber, same bytes from the same units: {raw:,.0f} messages/s")
    print(f"ratio central/no-op: {rate / raw:.2f}")
    print(f"central CPU per submission: {central_cpu / total * 1e6:,.0f} us (ingest workers + main process)")
    print(
        f"  of which verify + open alone, one core: {floor * 1e6:,.0f} us (Ed25519 verify, HPKE decap, body)"
    )


def crypto_floor(w: World, device: SimulatedDevice, items: list[tuple[str, bytes]]) -> float:
    """CPU seconds per envelope to verify and open the unit's envelopes, in this process."""
    opener = Opener(load_or_create_city_key(w.workdir / "central"))
    key = raw_public(device.signer)
    started = time.process_time()
    for _, wire in items:
        opener.open(envelope.parse(wire), key, None)
    return (time.process_time() - started) / len(items)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8, int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
