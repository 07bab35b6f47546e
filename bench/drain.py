"""Drain after an outage: a counter unit comes back online with N queued submissions (default 10,000).

Prints the drain rate (outbox → central committed → acked → deleted) and, in the same run, the rate of
publishing the same bytes at QoS 1 without application acks, and the ratio.  Usage: python -m bench.drain [N]
"""

import asyncio
import random
import signal
import sys
import time

import httpx

from bench.common import World, publish_all, typical_plan, world
from edge_agent.identity import enrol
from edge_agent.outbox import Outbox
from edge_agent.submission import sealer
from testbed.households import citizen
from testbed.services import central_url, edge_service, issue_token


def fill_outbox(w: World, queued: int) -> list[bytes]:
    """Enrol a unit and queue `queued` sealed submissions in its outbox, as if the network had been down."""
    identity = enrol(w.workdir / "edge", central_url(w.central), token=issue_token(w.workdir))
    outbox = Outbox(w.workdir / "edge" / "outbox.db")
    rng = random.Random(10)
    plan = typical_plan()
    for n in range(queued):
        outbox.submit(sealer(identity, citizen(rng, n), plan))
    envelopes = [item.envelope for item in outbox.pending(0, queued)]
    outbox.close()
    return envelopes


def drain(w: World, queued: int) -> float:
    """Start the unit and time its outbox from `queued` to empty."""
    unit = edge_service(w.workdir, w.central, token="already-enrolled")
    unit.start()
    try:
        with httpx.Client(timeout=5) as http:
            started = None
            while True:
                health = http.get(unit.health_url).json()
                now = time.perf_counter()
                if started is None and health["broker_connected"]:
                    started = now
                if health["outbox_depth"] == 0 and started is not None:
                    return queued / (now - started)
                time.sleep(0.05)
    finally:
        unit.kill(signal.SIGTERM)


async def raw_publish_rate(w: World, envelopes: list[bytes]) -> float:
    """Publish the same bytes at QoS 1 (broker PUBACK only), no application acks."""
    start = time.perf_counter()
    await publish_all(w.broker, "bench/raw", [("", payload) for payload in envelopes])
    return len(envelopes) / (time.perf_counter() - start)


def main(queued: int) -> None:
    """Run the baseline and the drain in one world and print the figures."""
    with world() as w:
        envelopes = fill_outbox(w, queued)
        raw = asyncio.run(raw_publish_rate(w, envelopes))
        rate = drain(w, queued)
    print(f"drain: {queued} sealed submissions queued on one counter unit")
    print(f"drain rate (published, committed by central, acked, deleted): {rate:,.0f} submissions/s")
    print(f"publishing the same bytes without acks: {raw:,.0f} messages/s")
    print(f"ratio drain/raw: {rate / raw:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
