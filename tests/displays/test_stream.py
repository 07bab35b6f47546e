"""The public event streams' budget: past it, a browser is told to come back later; a closed stream frees
its place."""

import asyncio
from collections.abc import AsyncIterator

from litestar.response import ServerSentEventMessage

from central.displays.stream import BUSY_RETRY_MS, StreamBudget, ping


async def test_a_stream_past_the_budget_is_told_to_come_back_later() -> None:
    budget = StreamBudget(limit=1)

    async def forever() -> AsyncIterator[ServerSentEventMessage]:
        while True:
            yield ping()
            await asyncio.sleep(0)

    first = budget.admit(forever())
    assert (await anext(first)).event == "ping"
    assert budget.open == 1
    refused = [message async for message in budget.admit(forever())]
    assert [(message.comment, message.retry) for message in refused] == [("busy", BUSY_RETRY_MS)]
    await first.aclose()
    assert budget.open == 0
