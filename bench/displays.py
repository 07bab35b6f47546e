"""How fast does a call reach every waiting-room display? 50 displays on central, 10 calls a second.

Central runs as its own process (central's app under uvicorn, `testbed/queue_central.py`); the bench holds
50 real SSE HTTP connections to `/display/{office}/events`, as 50 TVs would, and makes a call every 100 ms,
three ways in one run:

- call screen: a clerk's real actions over HTTP at 10 desks (finish the desk's previous ticket, then "next"),
  each a database transaction after which the queue service computes and publishes the office's new state;
  the time runs from the "next" click;
- hub publication: a new queue state handed straight to central's hub through the test bed's hook, as the
  queue service does at the end of a call: the display path alone (hub → SSE → every display);
- bare broadcast: the same server and framework with a list of mailboxes and nothing else (the baseline).

Each latency runs from the call to the moment a display's stream carries it (a display that lags gets the
newest state, never a queue of old ones); it prints p50/p99 to one display and to every display, how long
the call itself took to be answered, and the ratios to the bare broadcast.

    .venv/bin/python -m bench.displays [--displays 50] [--rate 10] [--calls 200]
"""

import argparse
import asyncio
import contextlib
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import msgspec
from sqlmodel import Session, select

from central.accounts.service import add_user
from central.db import make_engine
from central.queue.models import Ticket
from protocol.queue import Call, CounterState, OfficeQueue, encode_queue
from testbed.processes import Service
from testbed.services import queue_central_service

OFFICE = "bench"
HUB_OFFICE = "bench-hub"
"""The office the hub run publishes to (its `seq` starts at 1, below the call screen office's)."""
DESKS = 10
PASSWORD = "bench clerk's password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
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


class _Called(msgspec.Struct):
    ticket: str


class _Calls(msgspec.Struct):
    calls: list[_Called]


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
        office_id=HUB_OFFICE, seq=seq, at="2026-11-30T10:00:00+09:00", calls=calls, counters=COUNTERS
    )


class Display:
    """One display's connection: when it first showed each call (by its ticket number)."""

    def __init__(self, last: str) -> None:
        self.shown: dict[str, float] = {}
        self.connected = asyncio.Event()
        self.last = last
        self.done = asyncio.Event()
        """Set once the display shows the last call."""

    async def follow(self, client: httpx.AsyncClient, url: str) -> None:
        decode = msgspec.json.Decoder(_Calls).decode
        async with client.stream("GET", url) as response:
            self.connected.set()
            async for line in response.aiter_lines():
                if line.startswith("data: {"):
                    now = time.perf_counter()
                    for call in decode(line[6:]).calls:
                        self.shown.setdefault(call.ticket, now)
                    if self.last in self.shown:
                        self.done.set()


MakeCall = Callable[[int], Awaitable[None]]
"""Makes call number i (1, 2, ...); the display shows it as ticket `ticket(i)`."""


async def run(
    base: str, events: str, make_call: MakeCall, ticket: Callable[[int], str], args: argparse.Namespace
) -> tuple[list[float], list[float], int, list[float]]:
    """Connect the displays and make the calls at the rate.

    Returns the ms per delivery, the ms per call until every display showed it, the deliveries missing, and
    the ms each call took to be answered (for the call screen: its transaction and the new queue state).
    """
    limits = httpx.Limits(max_connections=args.displays + 10)
    timeout = httpx.Timeout(30, read=None)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        displays = [Display(ticket(args.calls)) for _ in range(args.displays)]
        tasks = [asyncio.create_task(display.follow(client, events)) for display in displays]
        await asyncio.wait_for(asyncio.gather(*(d.connected.wait() for d in displays)), 60)
        await asyncio.sleep(1.0)  # every stream's first bytes are through
        sent: dict[str, float] = {}
        answered: list[float] = []
        start = time.perf_counter()
        for number in range(1, args.calls + 1):
            await asyncio.sleep(max(0.0, start + (number - 1) / args.rate - time.perf_counter()))
            sent[ticket(number)] = time.perf_counter()
            await make_call(number)
            answered.append((time.perf_counter() - sent[ticket(number)]) * 1000)
        with contextlib.suppress(TimeoutError):  # a display still without the last call counts as missing
            await asyncio.wait_for(asyncio.gather(*(display.done.wait() for display in displays)), 10)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    deliveries: list[float] = []
    everyone: list[float] = []
    missed = 0
    for called, at in sent.items():
        reached = [display.shown.get(called) for display in displays]
        missed += sum(1 for when in reached if when is None)
        times = [(when - at) * 1000 for when in reached if when is not None]
        deliveries += times
        if len(times) == len(displays):
            everyone.append(max(times))
    return deliveries, everyone, missed, answered


def p(values: list[float], q: int) -> float:
    """The q-th percentile."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else float("nan")


def report(
    name: str, deliveries: list[float], everyone: list[float], missed: int, answered: list[float]
) -> None:
    print(
        f"{name:>16}: call→one display p50 {p(deliveries, 50):6.1f} ms  p99 {p(deliveries, 99):6.1f} ms | "
        f"call→every display p50 {p(everyone, 50):6.1f} ms  p99 {p(everyone, 99):6.1f} ms | "
        f"call answered p50 {p(answered, 50):6.1f} ms  p99 {p(answered, 99):6.1f} ms"
        f"  ({len(everyone)} calls, {missed} deliveries missing)"
    )


def poster(client: httpx.AsyncClient, path: str) -> MakeCall:
    """Call i as a queue state POSTed to `path` (central's test bed hook, or the bare broadcast)."""

    async def make_call(number: int) -> None:
        (await client.post(path, content=encode_queue(state(number)))).raise_for_status()

    return make_call


def hook_ticket(number: int) -> str:
    return f"A{number:03d}"


async def call_screen(
    central: Service, data_dir: Path, args: argparse.Namespace
) -> tuple[httpx.AsyncClient, MakeCall]:
    """A clerk on the call screen with enough walk-in tickets: call i finishes the ticket at desk i mod DESKS
    (if any), then calls the next ticket there, as a clerk does; the time runs from the "next" click."""
    engine = make_engine(f"sqlite:///{data_dir / 'central.db'}")
    add_user(engine, "bench_clerk", "staff", PASSWORD, [OFFICE], [])
    staff = httpx.AsyncClient(base_url=central.base_url, timeout=30)
    assert (
        await staff.post("/staff/login", data={"name": "bench_clerk", "password": PASSWORD})
    ).status_code == 303
    found = CSRF.search((await staff.get("/staff/")).text)
    assert found, "the inbox carries the CSRF token"
    csrf = found.group(1)
    for _ in range(args.calls):
        form = {"csrf_token": csrf, "office": OFFICE, "counters": "shimin"}
        done(await staff.post("/staff/queue/shimin/issue", data=form))
    with Session(engine) as session:
        rows = session.exec(select(Ticket).where(Ticket.office_id == OFFICE)).all()
        ids = {ticket.number: ticket.id for ticket in rows}
    engine.dispose()

    async def make_call(number: int) -> None:
        desk = str((number - 1) % DESKS + 1)
        if number > DESKS:  # the desk's previous citizen is done here
            previous = ids[walk_in_ticket(number - DESKS)]
            form = {"csrf_token": csrf, "office": OFFICE, "counter": "shimin", "desk": desk}
            done(await staff.post(f"/staff/queue/tickets/{previous}/finish", data=form))
        form = {"csrf_token": csrf, "office": OFFICE, "desk": desk}
        done(await staff.post("/staff/queue/shimin/next", data=form))

    return staff, make_call


def done(response: httpx.Response) -> None:
    """A call screen action answers 303 (back to the screen) when it is done."""
    if response.status_code != 303:
        raise RuntimeError(f"{response.request.url.path}: {response.status_code} {response.text[:200]}")


def walk_in_ticket(number: int) -> str:
    return f"W{number:03d}"


async def bench(args: argparse.Namespace, folder: Path, central: Service, bare: Service) -> None:
    """Central from the call screen, central from the hub, then the bare broadcast, with the same displays
    and rate; print each and the ratios."""
    events = f"/display/{OFFICE}/events"
    staff, clerk = await call_screen(central, folder / "central" / "central", args)
    try:
        from_calls = await run(central.base_url, events, clerk, walk_in_ticket, args)
    finally:
        await staff.aclose()
    async with httpx.AsyncClient(base_url=central.base_url) as client:
        hook = poster(client, "/testbed/queue")
        from_hub = await run(central.base_url, f"/display/{HUB_OFFICE}/events", hook, hook_ticket, args)
    async with httpx.AsyncClient(base_url=bare.base_url) as client:
        baseline = await run(bare.base_url, "/events", poster(client, "/publish"), hook_ticket, args)
    print(f"{args.displays} displays, {args.rate:g} calls/s, {args.calls} calls")
    report("call screen", *from_calls)
    report("hub publication", *from_hub)
    report("bare broadcast", *baseline)
    bare_p99 = p(baseline[1], 99)
    for name, figures in (("call screen", from_calls), ("hub publication", from_hub)):
        ours = p(figures[1], 99)
        verdict = "met" if ours <= TARGET_P99_MS and ours <= TARGET_RATIO * bare_p99 else "NOT met"
        print(
            f"{name}: p99 to every display {ours:.1f} ms = {ours / bare_p99:.2f}× bare; "
            f"target ≤ {TARGET_P99_MS:.0f} ms and ≤ {TARGET_RATIO:.0f}× bare: {verdict}"
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
            asyncio.run(bench(args, Path(folder), central, bare))
        finally:
            central.kill()
            bare.kill()


if __name__ == "__main__":
    main()
