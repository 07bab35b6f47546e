"""After every change: the office's new queue state to the in-process hub, then retained on its MQTT topic.

The hub gets it at once (browser displays, status pages); the broker gets it from one forwarding task that
holds only the newest state per office, so a broker outage never slows a call and, once the broker is back,
each office's latest state is published (retained) and nothing older. The queue's background loop issues
kiosk tickets, returns no-shows and moves tickets whose counter is done, then publishes what changed.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime

from litestar.datastructures import State
from sqlalchemy import Engine
from sqlmodel import Session, select

from central.background import Loop
from central.fleet.publisher import CentralPublisher, PublishFailed
from central.queue import service
from central.queue.hub import QueueHub
from central.queue.models import Ticket
from central.queue.snapshot import CounterName, city_day, office_queue
from procedures.catalog import Catalog
from protocol import topics
from protocol.queue import OfficeQueue, encode_queue

log = logging.getLogger(__name__)
QUEUE_INTERVAL = 1.0
"""Seconds between rounds of the queue's loop: a synced ticket is in its queue within about this long."""
FORWARD_RETRY = 2.0


def counter_names(catalog: Catalog) -> list[CounterName]:
    """The catalog's counters in visiting order, as displays name them."""
    ordered = sorted(catalog.counters.values(), key=lambda counter: counter.order)
    return [CounterName(c.id, c.name.get("ja", c.id), c.name.get("en", c.id)) for c in ordered]


class Broadcaster:
    """Publishes offices' queue states; lives in central's main process (`state.queue`)."""

    def __init__(
        self, engine: Engine, hub: QueueHub, catalog: Catalog, publisher: CentralPublisher | None
    ) -> None:
        self.engine = engine
        self.hub = hub
        self.counters = counter_names(catalog)
        self._publisher = publisher
        self._pending: dict[str, OfficeQueue] = {}
        self._wake = asyncio.Event()

    @property
    def counter_ids(self) -> list[str]:
        """The catalog's counter ids."""
        return [counter.id for counter in self.counters]

    def snapshot(self, office_id: str, now: datetime | None = None) -> OfficeQueue:
        """The office's queue state now, from the database."""
        with Session(self.engine) as session:
            return office_queue(session, office_id, self.counters, now or datetime.now(UTC))

    async def changed(self, offices: Iterable[str]) -> None:
        """Publish these offices' new states: the hub now, the broker as soon as it takes them."""
        for office_id in sorted(set(offices)):
            state = await asyncio.to_thread(self.snapshot, office_id)
            self.hub.publish(state)
            if self._publisher is not None:
                self._pending[office_id] = state
                self._wake.set()

    async def forward(self) -> None:
        """Forward pending states to the broker, retained, until cancelled; a failure is retried."""
        publisher = self._publisher
        if publisher is None:
            return
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                office_id, state = next(iter(self._pending.items()))
                try:
                    await publisher.publish(topics.office_queue(office_id), encode_queue(state), retain=True)
                except PublishFailed as exc:  # kept pending: sent again, unless a newer state replaces it
                    log.warning("queue state of %s not published: %s", office_id, type(exc).__name__)
                    await asyncio.sleep(FORWARD_RETRY)
                    continue
                if self._pending.get(office_id) is state:  # a newer state that came meanwhile stays
                    del self._pending[office_id]

    def offices_today(self) -> set[str]:
        """Offices with tickets today (whose state central publishes at start-up)."""
        now = datetime.now(UTC)
        with Session(self.engine) as session:
            return set(session.exec(select(Ticket.office_id).where(Ticket.day == city_day(now))).all())

    async def round(self) -> None:
        """One round of the queue's loop: issue, return, advance, then publish what changed."""
        now = datetime.now(UTC)
        changed = await asyncio.to_thread(service.intake, self.engine, now)
        changed |= await asyncio.to_thread(service.return_absent, self.engine, now)
        changed |= await asyncio.to_thread(service.advance_finished, self.engine, now)
        await self.changed(changed)


@contextlib.asynccontextmanager
async def queue_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The queue slice's loops; also makes `state.queue` and publishes every active office once."""
    broadcaster = Broadcaster(
        state.engine, state.queue_hub, state.staff_planner.catalog, state.get("publisher")
    )
    state.queue = broadcaster
    await broadcaster.changed(await asyncio.to_thread(broadcaster.offices_today))
    yield [
        Loop("queue", QUEUE_INTERVAL, broadcaster.round),
        Loop("queue forwarding", FORWARD_RETRY, broadcaster.forward),
    ]
