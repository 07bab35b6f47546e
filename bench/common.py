"""What the benches share: a throwaway world (the city's mTLS broker + central), sealed traffic, and figure
printing. The broker runs the configuration `madoguchi provision init` writes, as in production."""

import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from protocol.mqtt import BoundedPublisher
from protocol.plan import Plan
from testbed.broker import Broker
from testbed.households import PLANNER, citizen
from testbed.processes import Service
from testbed.services import central_service, central_url, issue_token
from testbed.simulated import SimulatedDevice


@dataclass
class World:
    """A private broker (mutual TLS) and a central on SQLite in a temporary directory."""

    workdir: Path
    broker: Broker
    central: Service


@contextmanager
def world() -> Iterator[World]:
    """Start a broker and central; stop both on exit."""
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        workdir = Path(tmp)
        broker = Broker(workdir / "broker", workdir / "central").start()
        central = central_service(workdir, broker.url).start()
        try:
            yield World(workdir, broker, central)
        finally:
            central.kill()
            broker.stop()


def enrol_devices(w: World, count: int) -> list[SimulatedDevice]:
    """Enrol `count` simulated units."""
    return [SimulatedDevice.enrol(central_url(w.central), issue_token(w.workdir)) for _ in range(count)]


def typical_plan() -> Plan:
    """A plan of the size counter units send (~7 KB of procedures and prefilled forms).

    Planning costs ~25 ms, so benches reuse one plan for every envelope instead of planning each citizen;
    central stores the plan it receives and never re-plans a submission that carries one.
    """
    return PLANNER(citizen(random.Random(0), 0))


def seal_traffic(devices: list[SimulatedDevice], per_device: int) -> list[list[tuple[str, bytes]]]:
    """Pre-seal (submission id, envelope) pairs per device, so sealing cost stays out of the timing."""
    rng = random.Random(42)
    plan = typical_plan()
    return [[device.seal(citizen(rng, n), plan=plan) for n in range(per_device)] for device in devices]


async def publish_all(broker: Broker, topic: str, items: list[tuple[str, bytes]]) -> None:
    """Publish every payload at QoS 1 as fast as the broker acks them, without application acks (over TLS,
    as a test identity: the baseline's connection costs what a unit's does)."""
    async with broker.client(f"bench-pub-{uuid.uuid4().hex[:8]}") as client:
        publisher = BoundedPublisher(client)
        for _, payload in items:
            await publisher.publish(topic, payload)
        await publisher.flush()


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants (Linux /proc)."""
    proc = Path("/proc") / str(pid)
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        children = (proc / "task" / str(pid) / "children").read_text().split()
    except FileNotFoundError:  # it ended meanwhile
        return 0.0
    own: float = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(process_tree_cpu(int(child)) for child in children)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
