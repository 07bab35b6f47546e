"""What the benches share: a throwaway world (broker + central), sealed traffic, and figure printing."""

import asyncio
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from madoguchi.processes import Service  # noqa: E402
from protocol.mqtt import make_client  # noqa: E402
from protocol.urls import parse_broker_url  # noqa: E402
from provisioning.broker import Broker  # noqa: E402
from tests.support.households import citizen  # noqa: E402
from tests.support.processes import central_service, central_url, issue_token  # noqa: E402
from tests.support.simulated import SimulatedDevice  # noqa: E402


@dataclass
class World:
    """A private broker and a central on SQLite in a temporary directory."""

    workdir: Path
    broker: Broker
    central: Service


@contextmanager
def world() -> Iterator[World]:
    """Start a broker and central; stop both on exit."""
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        workdir = Path(tmp)
        broker = Broker(workdir / "broker").start()
        central = central_service(workdir, broker.url).start()
        try:
            yield World(workdir, broker, central)
        finally:
            central.kill()
            broker.stop()


def enrol_devices(w: World, count: int) -> list[SimulatedDevice]:
    """Enrol `count` simulated units."""
    return [SimulatedDevice.enrol(central_url(w.central), issue_token(w.workdir)) for _ in range(count)]


def seal_traffic(devices: list[SimulatedDevice], per_device: int) -> list[list[tuple[str, bytes]]]:
    """Pre-seal (submission id, envelope) pairs per device, so sealing cost stays out of the timing."""
    rng = random.Random(42)
    return [[device.seal(citizen(rng, n)) for n in range(per_device)] for device in devices]


async def noop_receive_rate(
    broker: Broker, topic_of: list[str], traffic: list[list[tuple[str, bytes]]]
) -> float:
    """Messages/s a subscriber that does nothing receives, for the same bytes through the same broker."""
    total = sum(len(items) for items in traffic)
    received = 0
    done = asyncio.Event()
    async with make_client(parse_broker_url(broker.url), "bench-noop") as sub:
        await sub.subscribe("bench/noop/#", qos=1)

        async def count() -> None:
            nonlocal received
            async for _ in sub.messages:
                received += 1
                if received == total:
                    done.set()
                    return

        counter = asyncio.create_task(count())
        start = time.perf_counter()
        await asyncio.gather(
            *(
                publish_all(broker, f"bench/noop/{topic}", items)
                for topic, items in zip(topic_of, traffic, strict=True)
            )
        )
        await done.wait()
        elapsed = time.perf_counter() - start
        counter.cancel()
    return total / elapsed


async def publish_all(broker: Broker, topic: str, items: list[tuple[str, bytes]]) -> None:
    """Publish every payload at QoS 1 without waiting for application acks."""
    async with make_client(parse_broker_url(broker.url), f"bench-pub-{uuid.uuid4().hex[:8]}") as client:
        client.pending_calls_threshold = len(items)  # publishing everything at once is the point here
        await asyncio.gather(*(client.publish(topic, payload, qos=1) for _, payload in items))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
