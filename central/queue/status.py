"""One ticket's status for the citizen's phone (`/t/{token}`): its place, expected wait and next counters.

Looked up by the ticket's opaque token (protocol/queue.py `status_token`), never by its number, which is
guessable. The answer holds numbers, counter ids and minutes only: no name, no case.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from central.queue.models import Ticket
from central.queue.snapshot import (
    CounterQueue,
    counter_queues,
    estimator,
    seq_of,
    stops,
    today_tickets,
    wait_of,
)
from protocol.queue import STATUS_TOKEN_CHARS, TicketState, TicketStatus

_STATES: dict[str, TicketState] = {
    state: state for state in ("waiting", "called", "serving", "moving", "parked", "absent", "done")
}


def ticket_status(engine: Engine, token: str, now: datetime | None = None) -> TicketStatus | None:
    """The status of the ticket with this token; None for an unknown token (the page answers 404)."""
    if len(token) != STATUS_TOKEN_CHARS or not token.isalnum():
        return None
    moment = now or datetime.now(UTC)
    with Session(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.token == token)).first()
        if ticket is None:
            return None
        route = [str(stop["counter"]) for stop in stops(ticket)]
        ahead = wait = None
        if ticket.state == "waiting" and ticket.counter is not None:
            queue = counter_queues(today_tickets(session, ticket.office_id, moment)).get(
                ticket.counter, CounterQueue([], [])
            )
            ahead = len(queue.ahead_of(ticket))
            model, desks = estimator(session, ticket.office_id, moment)
            wait = wait_of(model, desks, ticket.counter, queue, ticket, moment)
        return TicketStatus(
            ticket=ticket.number,
            office_id=ticket.office_id,
            state=_STATES.get(ticket.state, "done"),
            counter=ticket.counter,
            desk=ticket.desk if ticket.state in ("called", "serving") else None,
            ahead=ahead,
            wait_minutes=wait,
            next_counters=route[ticket.stop + 1 :] if ticket.counter is not None else [],
            seq=seq_of(session, ticket.office_id),
        )
