"""What the queue tests share: the office's state as the broker holds it, tickets and events as stored."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, col, select

from central.db import make_engine
from central.queue.models import Ticket, TicketEvent
from protocol import topics
from protocol.queue import OfficeQueue, decode_queue
from tests.spine.helpers import wait_until
from tests.staff.support import StaffCentral

OFFICES = ("calls", "route", "moves", "refusals", "screen")
"""One office per test, so a test sees only its own tickets whichever worker runs it and in what order."""


async def _retained(central: StaffCentral, office: str) -> OfficeQueue | None:
    async with central.broker.client(f"test-queue-{office}") as client:
        await client.subscribe(topics.office_queue(office), qos=1)
        try:
            async with asyncio.timeout(2):
                async for message in client.messages:
                    return decode_queue(bytes(message.payload))
        except TimeoutError:
            return None
    return None


def retained(central: StaffCentral, office: str) -> OfficeQueue | None:
    """The office's queue state retained on its topic (None if none)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _retained(central, office)).result()


def published_after(central: StaffCentral, office: str, seq: int) -> OfficeQueue:
    """Wait until the retained state is newer than `seq` (the action that follows it is published)."""
    return published_where(central, office, lambda state: state.seq > seq)


def published_where(central: StaffCentral, office: str, wanted: Callable[[OfficeQueue], bool]) -> OfficeQueue:
    """Wait until the retained state is one that `wanted` accepts."""
    found: list[OfficeQueue] = []

    def accepted() -> bool:
        state = retained(central, office)
        if state is not None and wanted(state):
            found.append(state)
            return True
        return False

    wait_until(
        accepted,
        timeout=30,
        what=f"a queue state of {office} as wanted",
        state=lambda: retained(central, office),
    )
    return found[-1]


def counter(state: OfficeQueue, counter_id: str) -> tuple[int, list[str]]:
    """(waiting, next numbers) of one counter in a published state."""
    found = next(item for item in state.counters if item.counter == counter_id)
    return found.waiting, found.next


def tickets(central: StaffCentral, office: str) -> dict[str, Ticket]:
    """The office's tickets by number, as stored."""
    engine = make_engine(f"sqlite:///{central.data_dir / 'central.db'}")
    with Session(engine) as session:
        rows = {
            ticket.number: ticket for ticket in session.exec(select(Ticket).where(Ticket.office_id == office))
        }
    engine.dispose()
    return rows


def events(central: StaffCentral, ticket_id: int) -> list[str]:
    """A ticket's event kinds, oldest first."""
    engine = make_engine(f"sqlite:///{central.data_dir / 'central.db'}")
    with Session(engine) as session:
        kinds = [
            str(event.kind)
            for event in session.exec(
                select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
            )
        ]
    engine.dispose()
    return kinds
