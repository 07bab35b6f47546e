"""Central's background loops, supervised: each runs its step, round after round, until central stops.

A slice offers its loops through a *loop source*: an async context manager that, given the app state, yields
the slice's loops and owns what they need (an HTTP client, a broker session) for as long as they run;
`central/app.py` lists the sources. A step that raises is logged with its loop's name, the exception's type
and where it was raised — never the exception's message, which may quote personal data (SQL parameters,
facts) — and the loop goes on with its next round. A loop may yield to ingest: while submissions queue up
(units draining after an outage), acking them comes first, because that frees the units' outboxes; the
loop's rounds wait, for at most `max_defer` seconds.
"""

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from litestar import Litestar
from litestar.datastructures import State

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Loop:
    """A step run every `every` seconds (a long-running step is restarted `every` seconds after it ends)."""

    name: str
    every: float
    step: Callable[[], Awaitable[object]]
    max_defer: float | None = None
    """Skip rounds while ingest is busy, for at most this many seconds; None: never yield."""


LoopSource = Callable[[State], AbstractAsyncContextManager[Iterable[Loop]]]


class Load(Protocol):
    """What a loop that yields needs to know of ingest (central/ingest/workers.py's IngestWorkers)."""

    @property
    def busy(self) -> bool: ...


def where(exc: BaseException) -> str:
    """`file:line in function` of the innermost frame of an exception's traceback in Madoguchi's own code
    (else the innermost of all): no values, no message."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    ours = [frame for frame in frames if "site-packages" not in frame.filename]
    frame = (ours or frames)[-1]
    return f"{frame.filename}:{frame.lineno} in {frame.name}"


def _due(loop: Loop, load: Load | None, last: float) -> bool:
    """Run a round now: yes, unless the loop yields to a busy ingest and has not yet waited `max_defer`."""
    if load is None or loop.max_defer is None or not load.busy:
        return True
    return time.monotonic() - last >= loop.max_defer


async def supervised(loop: Loop, load: Load | None = None) -> None:
    """Run the loop's rounds until cancelled; a failed round is logged and the next one runs."""
    last = time.monotonic()
    while True:
        if _due(loop, load, last):
            last = time.monotonic()
            try:
                await loop.step()
            except Exception as exc:  # a bad round must not stop the loop; the next round retries
                log.error("background loop %s failed: %s at %s", loop.name, type(exc).__name__, where(exc))
        await asyncio.sleep(loop.every)


def background(*sources: LoopSource) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan that enters the sources and runs their loops; at shutdown, loops stop before sources."""

    @contextlib.asynccontextmanager
    async def run(app: Litestar) -> AsyncIterator[None]:
        load: Load | None = app.state.get("ingest")
        async with contextlib.AsyncExitStack() as stack:
            loops = [
                loop for source in sources for loop in await stack.enter_async_context(source(app.state))
            ]
            tasks = [asyncio.create_task(supervised(loop, load), name=loop.name) for loop in loops]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    return run
