"""Central's app under uvicorn with a loopback hook that puts queue states into its hub, and a bare SSE
broadcast: what the display tests and `bench/displays` run as a child process.

    python -m testbed.queue_central --data-dir DIR --listen 127.0.0.1:PORT          # central + the hook
    python -m testbed.queue_central --data-dir DIR --listen 127.0.0.1:PORT --bare   # the baseline

The hook (`POST /testbed/queue`, an `OfficeQueue` as JSON) stands in for the queue service's calls, so a
test drives the display as the counters will; the product never imports it. The bare broadcast sends each
posted body, unchanged, to every client of `GET /events`, and does nothing else: the bench's baseline.
"""

import argparse
import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import uvicorn
from litestar import Litestar, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import ValidationException
from litestar.response import ServerSentEvent, ServerSentEventMessage

from central.app import create_app
from central.cli import SHUTDOWN_GRACE
from central.queue.hub import QueueHub
from central.settings import Settings
from protocol.queue import decode_queue


@post("/testbed/queue", status_code=204)
async def publish_queue(request: Request[object, object, State], state: State) -> None:
    """Publish an office's queue state, as the queue service does after a call."""
    hub: QueueHub = state.queue_hub
    try:
        queue = decode_queue(await request.body())
    except msgspec.MsgspecError as exc:
        raise ValidationException(str(exc)) from exc
    hub.publish(queue)


class _Broadcast:
    """Every client's mailbox; a post goes to all of them."""

    def __init__(self) -> None:
        self.clients: set[asyncio.Queue[bytes]] = set()

    async def follow(self) -> AsyncIterator[ServerSentEventMessage]:
        mailbox: asyncio.Queue[bytes] = asyncio.Queue()
        self.clients.add(mailbox)
        try:
            while True:
                yield ServerSentEventMessage(event="queue", data=(await mailbox.get()).decode())
        finally:
            self.clients.discard(mailbox)


def bare_app() -> Litestar:
    """The baseline: one broadcast, two routes, the same server and SSE response as central."""
    broadcast = _Broadcast()

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @post("/publish", status_code=204)
    async def publish(request: Request[object, object, State]) -> None:
        body = await request.body()
        for mailbox in broadcast.clients:
            mailbox.put_nowait(body)

    @get("/events", sync_to_thread=False)
    def events() -> ServerSentEvent:
        return ServerSentEvent(broadcast.follow())

    return Litestar(route_handlers=[health, publish, events])


def main() -> None:
    """Serve central with the hook, or the bare broadcast."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--listen", default="127.0.0.1:8000")
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    host, _, port = args.listen.rpartition(":")
    if args.bare:
        app = bare_app()
    else:
        settings = Settings(data_dir=args.data_dir, db_url=f"sqlite:///{args.data_dir / 'central.db'}")
        app = create_app(settings)
        app.register(publish_queue)
    uvicorn.run(app, host=host, port=int(port), log_level="warning", timeout_graceful_shutdown=SHUTDOWN_GRACE)


if __name__ == "__main__":
    main()
