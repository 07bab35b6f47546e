"""Central's background loops: a failing round is logged without its message and the loop goes on; a loop
that yields to ingest waits while ingest is busy, at most `max_defer` seconds a round."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import pytest

from central.background import Load, Loop, supervised

PERSONAL = "山田　太郎"


class Ingest:
    """Stands where IngestWorkers does: busy or not, as the test says."""

    def __init__(self, busy: bool) -> None:
        self.busy = busy


class Rounds:
    """A loop's step that notes when each round ran (and fails every round if asked to)."""

    def __init__(self, fail: bool = False) -> None:
        self.at: list[float] = []
        self._fail = fail
        self._wanted = 0
        self._reached = asyncio.Event()

    async def step(self) -> None:
        self.at.append(time.monotonic())
        if len(self.at) >= self._wanted:
            self._reached.set()
        if self._fail:
            raise ValueError(f"{PERSONAL}, 1-2-3 Chuo")  # what an error's message may quote

    async def reach(self, count: int) -> None:
        """Wait (at most 10 s) until `count` rounds have run."""
        self._wanted = count
        self._reached.clear()
        if len(self.at) < count:
            async with asyncio.timeout(10):
                await self._reached.wait()


@contextlib.asynccontextmanager
async def running(loop: Loop, load: Load | None = None) -> AsyncIterator[None]:
    task = asyncio.create_task(supervised(loop, load))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_failing_round_is_logged_without_its_message_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds = Rounds(fail=True)
    with caplog.at_level(logging.ERROR, logger="central.background"):
        async with running(Loop("probe", 0.01, rounds.step)):
            await rounds.reach(3)
    logged = [record for record in caplog.records if record.name == "central.background"]
    assert len(logged) >= 2
    for record in logged:
        text = record.getMessage()
        assert "probe" in text
        assert "ValueError" in text
        assert "test_background.py" in text, "where it was raised"
        assert PERSONAL not in text
        assert record.exc_info is None, "no traceback text"


async def test_a_loop_that_yields_waits_while_ingest_is_busy() -> None:
    rounds = Rounds()
    ingest = Ingest(busy=True)
    max_defer = 0.3
    started = time.monotonic()
    async with running(Loop("yielding", 0.01, rounds.step, max_defer), ingest):
        await rounds.reach(2)
        assert rounds.at[0] - started >= max_defer, "the first round waited for ingest"
        assert rounds.at[1] - rounds.at[0] >= max_defer, "and so did the next"
        ingest.busy = False
        await rounds.reach(20)  # no longer deferred: a round every 10 ms
