"""An office's queue read from the database: the `OfficeQueue` displays show and each ticket's place in it.

Everything comes from `ticket` and `ticket_event`, so any central process computes the same state, and
`seq` is the office's newest event id: it grows with every change and survives a restart. Only today's
tickets (the city's day) are in a queue. No personal data: numbers, counters, desks and times.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from central.city_time import city_zone
from central.queue.estimates import OPEN_DESK_MINUTES, WINDOW, Estimator, Step, minutes, visits
from central.queue.models import EventKind, Ticket, TicketEvent, as_utc
from protocol.queue import MAX_CALLS, MAX_NEXT, Call, CounterState, OfficeQueue

CITY_TIME = city_zone()  # the one setting: MADOGUCHI_TIME_ZONE
HISTORY_DAYS = 14
"""How far back the estimates look for visits."""
IN_QUEUE = ("waiting",)
AT_DESK = ("called", "serving")


@dataclass(frozen=True, slots=True)
class CounterName:
    """A counter as displays name it."""

    id: str
    ja: str
    en: str


def city_day(moment: datetime) -> date:
    """The city's calendar day of a moment."""
    return as_utc(moment).astimezone(CITY_TIME).date()


def day_start(moment: datetime) -> datetime:
    """The start of the city's day of a moment, in UTC (as times are stored: SQLite compares them as text)."""
    return datetime.combine(city_day(moment), datetime.min.time(), CITY_TIME).astimezone(UTC)


def city_iso(moment: datetime) -> str:
    """ISO 8601 with the city's offset."""
    return as_utc(moment).astimezone(CITY_TIME).isoformat(timespec="seconds")


def stops(ticket: Ticket) -> list[dict[str, object]]:
    """The ticket's route: [{"counter": id, "procedures": [ids]}] in visiting order."""
    route: list[dict[str, object]] = json.loads(ticket.route)
    return route


def procedures_here(ticket: Ticket) -> list[str]:
    """The procedures of the ticket's current stop."""
    route = stops(ticket)
    if ticket.stop >= len(route):
        return []
    return [str(item) for item in route[ticket.stop]["procedures"]]  # type: ignore[attr-defined]


def place(ticket: Ticket) -> tuple[int, datetime, int]:
    """Order within a counter's queue: priority tickets first, then by when they joined it."""
    return (0 if ticket.priority else 1, as_utc(ticket.queued_at), ticket.id or 0)


def today_tickets(session: Session, office_id: str, now: datetime) -> list[Ticket]:
    """The office's tickets of today that are still in a queue or at a desk."""
    query = select(Ticket).where(
        Ticket.office_id == office_id,
        Ticket.day == city_day(now),
        col(Ticket.state).in_((*IN_QUEUE, *AT_DESK, "parked", "absent")),
    )
    return list(session.exec(query))


def estimator(session: Session, office_id: str, now: datetime) -> tuple[Estimator, dict[str, int]]:
    """The office's estimator from its recent visits, and each counter's open desks now."""
    since = now - timedelta(days=HISTORY_DAYS)
    query = (
        select(TicketEvent)
        .where(
            TicketEvent.office_id == office_id,
            col(TicketEvent.kind).in_((EventKind.CALLED, EventKind.DONE_AT_COUNTER)),
            col(TicketEvent.at) >= since,
        )
        .order_by(col(TicketEvent.at).desc())
        .limit(WINDOW * 40)
    )
    events = list(session.exec(query))
    steps = [
        Step(
            event.ticket_id, event.counter, event.kind, as_utc(event.at), tuple(json.loads(event.procedures))
        )
        for event in events
    ]
    recent = now - timedelta(minutes=OPEN_DESK_MINUTES)
    desks: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.counter and event.desk and as_utc(event.at) >= recent:
            desks[event.counter].add(event.desk)
    return Estimator.of(visits(steps)), {counter: len(names) for counter, names in desks.items()}


def seq_of(session: Session, office_id: str) -> int:
    """The office's newest event id (0 before any)."""
    newest = session.exec(select(func.max(TicketEvent.id)).where(TicketEvent.office_id == office_id)).one()
    return int(newest or 0)


@dataclass(frozen=True, slots=True)
class CounterQueue:
    """One counter's tickets now: the queue in calling order, and who is at a desk."""

    waiting: list[Ticket]
    at_desk: list[Ticket]

    def ahead_of(self, ticket: Ticket | None) -> list[Ticket]:
        """The tickets called before this one (everyone, for a ticket that would join now)."""
        if ticket is None:
            return self.waiting
        return [other for other in self.waiting if place(other) < place(ticket)]


def counter_queues(tickets: list[Ticket]) -> dict[str, CounterQueue]:
    """Tickets grouped by counter, each queue sorted in calling order."""
    grouped: dict[str, CounterQueue] = defaultdict(lambda: CounterQueue([], []))
    for ticket in tickets:
        if ticket.counter is None:
            continue
        if ticket.state in IN_QUEUE:
            grouped[ticket.counter].waiting.append(ticket)
        elif ticket.state in AT_DESK:
            grouped[ticket.counter].at_desk.append(ticket)
    for queue in grouped.values():
        queue.waiting.sort(key=place)
    return grouped


def wait_of(
    model: Estimator,
    desks: dict[str, int],
    counter: str,
    queue: CounterQueue,
    ticket: Ticket | None,
    now: datetime,
) -> int | None:
    """Expected minutes until a ticket (or one joining now) is called at the counter."""
    busy = len(queue.at_desk)
    seconds = model.wait_seconds(
        counter,
        [procedures_here(other) for other in queue.ahead_of(ticket)],
        [
            (procedures_here(other), (now - as_utc(other.called_at or now)).total_seconds())
            for other in queue.at_desk
        ],
        open_desks=max(desks.get(counter, 0), busy, 1),
    )
    return minutes(seconds)


def latest_calls(session: Session, office_id: str, now: datetime) -> list[Call]:
    """Today's latest calls at the office, newest first."""
    start = day_start(now)
    query = (
        select(TicketEvent, Ticket.number)
        .join(Ticket, col(Ticket.id) == TicketEvent.ticket_id)
        .where(
            TicketEvent.office_id == office_id,
            col(TicketEvent.kind).in_((EventKind.CALLED, EventKind.RECALLED)),
            col(TicketEvent.at) >= start,
        )
        .order_by(col(TicketEvent.id).desc())
        .limit(MAX_CALLS)
    )
    return [
        Call(
            call_id=str(event.id),
            ticket=number,
            counter=event.counter or "",
            desk=event.desk or "",
            at=city_iso(event.at),
            recall=event.kind == EventKind.RECALLED,
        )
        for event, number in session.exec(query)
    ]


def office_queue(session: Session, office_id: str, counters: list[CounterName], now: datetime) -> OfficeQueue:
    """The office's queue now, every catalog counter included (an empty one shows 0 waiting)."""
    queues = counter_queues(today_tickets(session, office_id, now))
    model, desks = estimator(session, office_id, now)
    states = []
    for counter in counters:
        queue = queues.get(counter.id, CounterQueue([], []))
        states.append(
            CounterState(
                counter=counter.id,
                name_ja=counter.ja,
                name_en=counter.en,
                waiting=len(queue.waiting),
                next=[ticket.number for ticket in queue.waiting[:MAX_NEXT]],
                wait_minutes=wait_of(model, desks, counter.id, queue, None, now),
                open_desks=desks.get(counter.id, 0),
            )
        )
    return OfficeQueue(
        office_id=office_id,
        seq=seq_of(session, office_id),
        at=city_iso(now),
        calls=latest_calls(session, office_id, now),
        counters=states,
    )
