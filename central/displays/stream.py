"""Server-Sent Events from the queue hub: each state a page needs, as it changes, with a ping when idle.

Every message is a whole state (never a delta), so a page that reconnects (a network drop, central
restarted) is up to date with the first message it gets. The `id:` of a message is the office queue's `seq`;
a page drops a state older than the one it shows, except the first after it reconnects (a restarted
central may count again). The ping lets a page notice a connection that died without closing.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable

from litestar.response import ServerSentEvent, ServerSentEventMessage

from central.queue.hub import QueueHub
from protocol.queue import OfficeQueue

RETRY_MS = 2000
"""How soon a browser reconnects after the stream ends."""
PING_EVERY = 15.0
"""Seconds between pings on a quiet stream; pages reconnect after three missed pings."""
STREAM_HEADERS = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
MAX_STREAMS = 2000
"""Open streams central serves at once (TVs, phones, congestion pages): each costs a task and a socket, and
the pages are public. One past the limit gets a single message asking it to come back later."""
BUSY_RETRY_MS = 30_000


class StreamBudget:
    """How many streams are open, against a limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0

    async def admit(
        self, messages: AsyncIterator[ServerSentEventMessage]
    ) -> AsyncGenerator[ServerSentEventMessage, None]:
        """The messages, if there is room (counted from the stream's first byte to its end); else a retry."""
        if self.open >= self.limit:
            yield ServerSentEventMessage(comment="busy", retry=BUSY_RETRY_MS, data=None)
            return
        self.open += 1
        try:
            async for message in messages:
                yield message
        finally:
            self.open -= 1


STREAMS = StreamBudget(MAX_STREAMS)


def ping() -> ServerSentEventMessage:
    """An event the page's watchdog sees (a comment would not reach its script)."""
    return ServerSentEventMessage(event="ping", data="")


async def office_events(
    hub: QueueHub, office_id: str, render: Callable[[OfficeQueue], str | None]
) -> AsyncIterator[ServerSentEventMessage]:
    """Each new state of the office as `render` puts it (None: nothing to send for that state)."""
    yield ServerSentEventMessage(comment="madoguchi", retry=RETRY_MS, data=None)
    async with hub.watch(office_id) as watch:
        while True:
            try:
                state = await asyncio.wait_for(watch.next(), PING_EVERY)
            except TimeoutError:
                yield ping()
                continue
            data = render(state)
            if data is not None:
                yield ServerSentEventMessage(event="queue", id=state.seq, data=data)


def event_stream(messages: AsyncIterator[ServerSentEventMessage]) -> ServerSentEvent:
    """The HTTP response for a stream of messages, within the budget of open streams."""
    return ServerSentEvent(STREAMS.admit(messages), headers=STREAM_HEADERS)
