"""How fast does a call reach every waiting-room display? 50 displays on central, 10 calls a second.

Central runs as its own process (central's app under uvicorn, `testbed/queue_central.py`); the bench holds
50 real SSE HTTP connections to `/display/{office}/events`, as 50 TVs would, and publishes a new queue
state with one new call every 100 ms through the test bed's hook, which hands it to central's hub as the
queue service does after a call (so the call's own database transaction is not in the figure: what is
measured is the display path, hub → SSE → every display). Each latency runs from just before the publish
to the moment a display has a state at least as new (a display that lags gets the newest state, never a
queue of old ones). The same run then does the same against a bare SSE broadcast (the same server and
framework, a list of mailboxes, nothing else) for the baseline, and prints both and their ratio.

    .venv/bin/python -m bench.displays [--displays 50] [--rate 10] [--calls 200]
"""

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import msgspec

from protocol.queue import Call, CounterState, OfficeQueue, encode_queue
from testbed.processes import Service
from testbed.services import queue_central_service

OFFICE = "bench"
TARGET_P99_MS = 300.0
TARGET_RATIO = 2.0
COUNTERS = [
    CounterState(
        counter="shimin",
        name_ja="市民課",
        name_en="Citizens Division",
        waiting=12,
        next=[f"A{n:03d}" for n in range(10)],
        wait_minutes=25,
        open_desks=4,
    )
]


class _Seq(msgspec.Struct):
    seq: int


def state(seq: int) -> OfficeQueue:
    """The office after call `seq`: the newest of the last 20 calls first."""
    calls = [
        Call(
            call_id=f"c{n}",
            ticket=f"A{n:03d}",
            counter="shimin",
            desk=str(n % 4 + 1),
            at="2026-11-30T10:00:00+09:00",
        )
        for n in range(seq, max(seq - 20, 0), -1)
    ]
    return OfficeQueue(
        office_id=OFFICE, seq=seq, at="2026-11-30T10:00:00+09:00", calls=calls, counters=COUNTERS
    )


class Display:
    """One display's connection: when it first held each seq (or a newer one)."""

    def __init__(self, last: int) -> None:
        self.seen: list[tuple[int, float]] = []
        self.connected = asyncio.Event()
        self.last = last
        self.done = asyncio.Event()
        """Set once the display holds the last call's state."""

    async def follow(self, client: httpx.AsyncClient, url: str) -> None:
        decode = msgspec.json.Decoder(_Seq).decode
        async with client.stream("GET", url) as response:
            self.connected.set()
            async for line in response.aiter_lines():
                if line.startswith("data: {"):
                    seq = decode(line[6:]).seq
                    self.seen.append((seq, time.perf_counter()))
                    if seq >= self.last:
                        self.done.set()

    def reached(self, seq: int) -> float | None:
        """When this display first held `seq` or newer."""
        return next((at for got, at in self.seen if got >= seq), None)


async def run(
    base: str,
    events: str,
    publish: Callable[[httpx.AsyncClient, int], Awaitable[None]],
    args: argparse.Namespace,
) -> tuple[list[float], list[float], int]:
    """Connect the displays and publish the calls at the rate.

    Returns the ms per delivery, the ms per call until every display had it, and the deliveries missing.
    """
    limits = httpx.Limits(max_connections=args.displays + 10)
    async with httpx.AsyncClient(
        base_url=base, timeout=httpx.Timeout(30, read=None), limits=limits
    ) as client:
        displays = [Display(args.calls) for _ in range(args.displays)]
        tasks = [asyncio.create_task(display.follow(client, events)) for display in displays]
        await asyncio.wait_for(asyncio.gather(*(d.connected.wait() for d in displays)), 60)
        await asyncio.sleep(1.0)  # every stream's first bytes are through
        sent: dict[int, float] = {}
        start = time.perf_counter()
        for seq in range(1, args.calls + 1):
            await asyncio.sleep(max(0.0, start + (seq - 1) / args.rate - time.perf_counter()))
            sent[seq] = time.perf_counter()
            await publish(client, seq)
        with contextlib.suppress(TimeoutError):  # a display still without the last call counts as missing
            await asyncio.wait_for(asyncio.gather(*(display.done.wait() for display in displays)), 10)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    deliveries: list[float] = []
    everyone: list[float] = []
    missed = 0
    for seq, at in sent.items():
        reached = [display.reached(seq) for display in displays]
        missed += sum(1 for when in reached if when is None)
        times = [(when - at) * 1000 for when in reached if when is not None]
        deliveries += times
        if len(times) == len(displays):
            everyone.append(max(times))
    return deliveries, everyone, missed


def p(values: list[float], q: int) -> float:
    """The q-th percentile."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else float("nan")


def report(name: str, deliveries: list[float], everyone: list[float], missed: int) -> None:
    print(
        f"{name:>16}: call→one display p50 {p(deliveries, 50):6.1f} ms  p99 {p(deliveries, 99):6.1f} ms | "
        f"call→every display p50 {p(everyone, 50):6.1f} ms  p99 {p(everyone, 99):6.1f} ms"
        f"  ({len(everyone)} calls, {missed} deliveries missing)"
    )


def poster(path: str) -> Callable[[httpx.AsyncClient, int], Awaitable[None]]:
    """Publishing call `seq` by POSTing its state to `path`."""

    async def publish(client: httpx.AsyncClient, seq: int) -> None:
        (await client.post(path, content=encode_queue(state(seq)))).raise_for_status()

    return publish


async def bench(args: argparse.Namespace, central: Service, bare: Service) -> None:
    """Central first, then the bare broadcast, with the same displays and calls; print both and the ratio."""
    async with httpx.AsyncClient(base_url=central.base_url) as client:
        await poster("/testbed/queue")(client, 0)  # the state a display finds when it connects
    figures = await run(central.base_url, f"/display/{OFFICE}/events", poster("/testbed/queue"), args)
    baseline = await run(bare.base_url, "/events", poster("/publish"), args)
    print(f"{args.displays} displays, {args.rate:g} calls/s, {args.calls} calls")
    report("central display", *figures)
    report("bare broadcast", *baseline)
    ours, bare_p99 = p(figures[1], 99), p(baseline[1], 99)
    verdict = "met" if ours <= TARGET_P99_MS and ours <= TARGET_RATIO * bare_p99 else "NOT met"
    print(
        f"ratio (p99, every display): {ours / bare_p99:.2f}× bare; "
        f"target p99 ≤ {TARGET_P99_MS:.0f} ms and ≤ {TARGET_RATIO:.0f}× bare: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10.0, help="calls per second")
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-displays-") as folder:
        central = queue_central_service(Path(folder) / "central").start()
        bare = queue_central_service(Path(folder) / "bare", bare=True).start()
        try:
            asyncio.run(bench(args, central, bare))
        finally:
            central.kill()
            bare.kill()


if __name__ == "__main__":
    main()
