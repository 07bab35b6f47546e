"""Ingest throughput: N simulated units publish sealed envelopes through a real broker to central (SQLite).

Prints central's committed-and-acked rate, p50/p99 latency (publish → ack), and, in the same run, the rate a
no-op aiomqtt subscriber receives the same bytes at, and the ratio.  Usage: python bench/ingest.py [N] [PER]
"""

import asyncio
import sys
import time

import msgspec

from bench.common import World, enrol_devices, noop_receive_rate, percentile, seal_traffic, world
from protocol import topics
from protocol.messages import Ack
from protocol.mqtt import make_client
from protocol.urls import parse_broker_url

WINDOW = 500


async def run_device(
    w: World, device_id: str, items: list[tuple[str, bytes]], latencies: list[float]
) -> None:
    """Publish with a window of WINDOW unacked submissions, like a counter unit draining its outbox."""
    sent: dict[str, float] = {}
    room = asyncio.Semaphore(WINDOW)
    remaining = len(items)
    finished = asyncio.Event()
    async with make_client(parse_broker_url(w.broker.url), device_id) as c:
        await c.subscribe(topics.acks(device_id), qos=1)

        async def acks() -> None:
            nonlocal remaining
            async for message in c.messages:
                now = time.perf_counter()
                for sid in msgspec.json.decode(message.payload, type=Ack).ids:
                    started = sent.pop(sid, None)
                    if started is not None:
                        latencies.append(now - started)
                        remaining -= 1
                        room.release()
                if remaining == 0:
                    finished.set()
                    return

        reader = asyncio.create_task(acks())
        publishes = []
        for sid, payload in items:
            await room.acquire()
            sent[sid] = time.perf_counter()
            publishes.append(asyncio.create_task(c.publish(topics.submissions(device_id), payload, qos=1)))
        await finished.wait()
        await asyncio.gather(*publishes)
        reader.cancel()


async def main(devices: int, per_device: int) -> None:
    """Run the baseline and the measured ingest in one world and print the figures."""
    with world() as w:
        units = enrol_devices(w, devices)
        traffic = seal_traffic(units, per_device + 1)
        warmup = [items[:1] for items in traffic]  # starts central's crypto workers before the clock does
        traffic = [items[1:] for items in traffic]
        total = devices * per_device
        raw = await noop_receive_rate(w.broker, [u.device_id for u in units], traffic)
        await asyncio.gather(
            *(run_device(w, u.device_id, items, []) for u, items in zip(units, warmup, strict=True))
        )
        latencies: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(run_device(w, u.device_id, items, latencies) for u, items in zip(units, traffic, strict=True))
        )
        rate = total / (time.perf_counter() - start)
    print(
        f"ingest: {devices} devices x {per_device} = {total} sealed submissions (ML-KEM-768+X25519, Ed25519)"
    )
    print(f"central committed-and-acked rate: {rate:,.0f} submissions/s")
    p50, p99 = (percentile(latencies, q) * 1000 for q in (0.5, 0.99))
    print(f"latency publish->ack: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"no-op aiomqtt subscriber, same bytes: {raw:,.0f} messages/s")
    print(f"ratio central/no-op: {rate / raw:.2f}")


if __name__ == "__main__":
    asyncio.run(
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 8, int(sys.argv[2]) if len(sys.argv) > 2 else 300)
    )
