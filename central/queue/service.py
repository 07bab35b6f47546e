"""The queue's actions: issue tickets, call them, and move them along the citizen's plan.

Every action is one transaction that updates the ticket and appends its event(s), and returns the offices
whose queue changed, so the caller publishes them (central/queue/broadcast.py). A kiosk ticket is issued by
`intake` once its case is prepared (synced, or opened from the slip's QR): central keeps the number the
unit printed, unless another unit printed the same number the same day (both offline, same prefix), in which
case the later one gets a suffix ("A001-2") so every number called is unique per office and day. The ticket
follows the plan: when a counter is done with it, it joins the next counter of its route by itself. Never
logs; holds no personal data.
"""

import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import get_args

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.errors import ActionRefusedError, ForbiddenError, NotFoundError
from central.models import Case, CaseProcedure, Origin, ProcedureStatus
from central.queue.models import EventKind, Ticket, TicketEvent, TicketSource, as_utc
from central.queue.snapshot import city_day, counter_queues, day_start, procedures_here, stops, today_tickets
from protocol.plan import decode_plan
from protocol.queue import Priority, status_token

NO_SHOW_MINUTES = 10
"""A ticket that did not come when called is back in its queue after this many minutes."""
MAX_NO_SHOWS = 3
"""The third no-show ends the ticket (the citizen has left)."""
STAFF_PREFIX = "W"
"""Numbers of tickets staff issue (walk-ins, visitors without a slip): W001, W002, ..."""
INTAKE_BATCH = 200
ACTIVE = ("waiting", "called", "serving", "parked", "absent")
OFFICE_ID = re.compile(r"^[a-z0-9_-]{1,32}$")
PRIORITIES: frozenset[str] = frozenset(get_args(Priority))
FINISHED_PROCEDURES = (ProcedureStatus.DONE, ProcedureStatus.NOT_NEEDED)
Changed = set[str]
"""Offices whose queue state changed."""


class TicketNotFoundError(NotFoundError):
    """No such ticket."""

    message = "番号札が見つかりません"


@dataclass(frozen=True, slots=True)
class Desk:
    """Where a member of staff calls from: an office, a counter, a desk (window) at it."""

    office_id: str
    counter: str
    desk: str


def _event(session: Session, ticket: Ticket, kind: EventKind, at: datetime, **extra: str | None) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id or 0,
            office_id=ticket.office_id,
            counter=ticket.counter,
            kind=kind,
            at=at,
            procedures=json.dumps(procedures_here(ticket)),
            case_id=ticket.case_id,
            desk=extra.get("desk", ticket.desk),
            staff_user=extra.get("staff"),
            detail=extra.get("detail") or "",
        )
    )


def _free_number(session: Session, office_id: str, day: object, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`, ... whichever is free in the office that day."""
    taken = set(
        session.exec(
            select(Ticket.number).where(
                Ticket.office_id == office_id, Ticket.day == day, col(Ticket.number).startswith(wanted)
            )
        )
    )
    if wanted not in taken:
        return wanted
    suffix = 2
    while f"{wanted}-{suffix}" in taken:
        suffix += 1
    return f"{wanted}-{suffix}"


def _route_of(plan_json: str) -> list[dict[str, object]]:
    plan = decode_plan(plan_json)
    if plan is None:
        return []
    return [{"counter": stop.id, "procedures": list(stop.procedures)} for stop in plan.visiting_order()]


def _new_ticket(
    session: Session,
    *,
    office_id: str,
    printed: str,
    token: str,
    route: list[dict[str, object]],
    source: TicketSource,
    issued_at: datetime,
    now: datetime,
    case_id: str | None = None,
    device_id: str | None = None,
    priority: str | None = None,
    staff: str | None = None,
) -> Ticket:
    day = city_day(issued_at)
    number = _free_number(session, office_id, day, printed)
    ticket = Ticket(
        office_id=office_id,
        day=day,
        number=number,
        printed=printed,
        token=token,
        case_id=case_id,
        source=source,
        device_id=device_id,
        priority=priority,
        route=json.dumps(route),
        counter=str(route[0]["counter"]),
        state="waiting",
        issued_at=issued_at,
        queued_at=issued_at,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    detail = f"printed {printed}" if number != printed else ""
    _event(session, ticket, EventKind.ISSUED, issued_at, staff=staff, detail=detail)
    return ticket


def intake(engine: Engine, now: datetime) -> Changed:
    """Issue the tickets of today's prepared kiosk cases that have none yet (synced or opened by QR)."""
    start = day_start(now)
    query = (
        select(Case)
        .outerjoin(Ticket, col(Ticket.case_id) == Case.id)
        .where(
            col(Ticket.id).is_(None),
            col(Case.prepared_at).is_not(None),
            col(Case.origin).in_((Origin.SYNC, Origin.QR)),
            Case.plan != "null",
            col(Case.created_at) >= start,
        )
        .order_by(col(Case.created_at))
        .limit(INTAKE_BATCH)
    )
    changed: Changed = set()
    with Session(engine) as session:
        for case in session.exec(query).all():
            route = _route_of(case.plan)
            if not route:
                continue
            _new_ticket(
                session,
                office_id=case.office_id,
                printed=case.ticket,
                token=status_token(case.id),
                route=route,
                source=TicketSource.KIOSK,
                issued_at=as_utc(case.created_at),
                now=now,
                case_id=case.id,
                device_id=case.device_id,
            )
            changed.add(case.office_id)
        try:
            session.commit()
        except IntegrityError:  # another process issued one of these meanwhile: the next round takes the rest
            return set()
    return changed


def issue(
    engine: Engine,
    staff: Staff,
    office_id: str,
    counters: list[str],
    priority: str | None,
    now: datetime,
    known: Iterable[str],
) -> Ticket:
    """A ticket staff issue for a walk-in (or a visitor whose slip is lost) at these counters, in order;
    `known` are the catalog's counter ids."""
    _may_work_at(staff, office_id)
    if not counters or not set(counters) <= set(known):
        raise ActionRefusedError("窓口を選んでください")
    if priority is not None and priority not in PRIORITIES:
        raise ActionRefusedError("優先受付の理由が正しくありません")
    with Session(engine) as session:
        issued_today = session.exec(
            select(Ticket.id).where(
                Ticket.office_id == office_id,
                Ticket.day == city_day(now),
                Ticket.source == TicketSource.STAFF,
            )
        ).all()
        ticket = _new_ticket(
            session,
            office_id=office_id,
            printed=f"{STAFF_PREFIX}{len(issued_today) + 1:03d}",
            token=_random_token(),
            route=[{"counter": counter, "procedures": []} for counter in counters],
            source=TicketSource.STAFF,
            issued_at=now,
            now=now,
            priority=priority,
            staff=staff.name,
        )
        session.commit()
        session.refresh(ticket)
        return ticket


def _random_token() -> str:
    """A staff-issued ticket's token: the same shape as a kiosk ticket's, from 128 random bits."""
    return status_token(secrets.token_hex(16))


def _may_work_at(staff: Staff, office_id: str) -> None:
    if not staff.may_see(office_id):
        raise ForbiddenError("他の庁舎の窓口は操作できません")


def _ticket(session: Session, staff: Staff, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFoundError
    _may_work_at(staff, ticket.office_id)
    return ticket


def _require(ticket: Ticket, *states: str) -> None:
    if ticket.state not in states:
        raise ActionRefusedError(f"{ticket.number} はこの操作ができる状態ではありません（{ticket.state}）")


def _desk_free(session: Session, desk: Desk) -> None:
    busy = session.exec(
        select(Ticket.number).where(
            Ticket.office_id == desk.office_id,
            Ticket.counter == desk.counter,
            Ticket.desk == desk.desk,
            col(Ticket.state).in_(("called", "serving")),
        )
    ).first()
    if busy is not None:
        raise ActionRefusedError(
            f"この窓口は {busy} を対応中です。終了・不在・保留のどれかを先にしてください"
        )


def _call(
    session: Session, ticket: Ticket, desk: Desk, staff: Staff, now: datetime, detail: str = ""
) -> None:
    ticket.state, ticket.desk, ticket.back_at, ticket.updated_at = "called", desk.desk, None, now
    ticket.called_at = now
    session.add(ticket)
    _event(session, ticket, EventKind.CALLED, now, staff=staff.name, detail=detail)


def call_next(engine: Engine, staff: Staff, desk: Desk, now: datetime) -> Ticket:
    """Call the first ticket of the counter's queue (priority tickets first) to this desk."""
    _may_work_at(staff, desk.office_id)
    with Session(engine) as session:
        _desk_free(session, desk)
        queue = counter_queues(today_tickets(session, desk.office_id, now)).get(desk.counter)
        if queue is None or not queue.waiting:
            raise ActionRefusedError("待っている番号はありません")
        ticket = queue.waiting[0]
        _call(session, ticket, desk, staff, now)
        session.commit()
        session.refresh(ticket)
        return ticket


def act(engine: Engine, staff: Staff, ticket_id: int, action: str, desk: Desk, now: datetime) -> Changed:
    """One call-screen action on one ticket; see ACTIONS."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFoundError("その操作はありません")
    with Session(engine) as session:
        ticket = _ticket(session, staff, ticket_id)
        before = ticket.office_id
        handler(session, ticket, staff, desk, now)
        ticket.updated_at = now
        session.add(ticket)
        session.commit()
        return {before, ticket.office_id}


def _call_out_of_order(session: Session, ticket: Ticket, staff: Staff, desk: Desk, now: datetime) -> None:
    _require(ticket, "waiting", "parked", "absent")
    if ticket.counter != desk.counter or ticket.office_id != desk.office_id:
        raise ActionRefusedError(f"{ticket.number} はこの窓口の番号ではありません（転送してください）")
    _desk_free(session, desk)
    _call(session, ticket, desk, staff, now, detail="out_of_order")


def _recall(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, "called")
    _event(session, ticket, EventKind.RECALLED, now, staff=staff.name)


def _no_show(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, "called")
    ticket.no_shows += 1
    _event(session, ticket, EventKind.NO_SHOW, now, staff=staff.name)
    ticket.desk = None
    if ticket.no_shows >= MAX_NO_SHOWS:
        _end(session, ticket, now, staff.name, "no_show")
        return
    ticket.state, ticket.back_at = "absent", now + timedelta(minutes=NO_SHOW_MINUTES)


def _park(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, "waiting", "called", "serving")
    _event(session, ticket, EventKind.PARKED, now, staff=staff.name)
    ticket.state, ticket.desk = "parked", None


def _return(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, "parked", "absent")
    _back_in_queue(session, ticket, now, staff.name)


def _back_in_queue(session: Session, ticket: Ticket, now: datetime, staff: str | None) -> None:
    """Back in its counter's queue at its old place (it joined the queue at `queued_at`)."""
    ticket.state, ticket.back_at, ticket.desk = "waiting", None, None
    _event(session, ticket, EventKind.RETURNED, now, staff=staff, desk=None)


def _serve(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, "called")
    ticket.state = "serving"
    _event(session, ticket, EventKind.SERVING, now, staff=staff.name)


def _finish(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, "called", "serving")
    done_at_counter(session, ticket, now, staff.name)


def done_at_counter(session: Session, ticket: Ticket, now: datetime, staff: str | None) -> None:
    """The counter is done with the ticket: it joins the next counter of its route, or ends."""
    _event(session, ticket, EventKind.DONE_AT_COUNTER, now, staff=staff)
    route = stops(ticket)
    if ticket.stop + 1 >= len(route):
        _end(session, ticket, now, staff, "done")
        return
    previous = ticket.counter
    ticket.stop += 1
    ticket.counter = str(route[ticket.stop]["counter"])
    ticket.state, ticket.desk, ticket.queued_at, ticket.updated_at = "waiting", None, now, now
    _event(session, ticket, EventKind.MOVED, now, staff=staff, desk=None, detail=f"from {previous}")


def _end(session: Session, ticket: Ticket, now: datetime, staff: str | None, why: str) -> None:
    _event(session, ticket, EventKind.ENDED, now, staff=staff, detail=why)
    ticket.state, ticket.desk, ticket.back_at, ticket.counter = "done", None, None, None


def _end_by_staff(session: Session, ticket: Ticket, staff: Staff, _desk: Desk, now: datetime) -> None:
    _require(ticket, *ACTIVE)
    _end(session, ticket, now, staff.name, "staff")


def transfer(
    engine: Engine, staff: Staff, ticket_id: int, to: Desk, now: datetime, known: Iterable[str]
) -> Changed:
    """Send a ticket to another counter (and office): it waits there, keeping its place in time.

    `to.desk` is ignored; `known` are the catalog's counter ids.
    """
    if to.counter not in set(known):
        raise ActionRefusedError("転送先の窓口がありません")
    if not OFFICE_ID.match(to.office_id):
        raise ActionRefusedError("転送先の庁舎が正しくありません")
    with Session(engine) as session:
        ticket = _ticket(session, staff, ticket_id)
        _require(ticket, *ACTIVE)
        before = ticket.office_id
        if (to.office_id, to.counter) == (before, ticket.counter):
            raise ActionRefusedError("転送先が今の窓口と同じです")
        detail = f"from {before}/{ticket.counter}"
        if to.office_id != before:
            ticket.number = _free_number(session, to.office_id, ticket.day, ticket.number)
        route = stops(ticket)
        route[ticket.stop] = {**route[ticket.stop], "counter": to.counter}
        ticket.route, ticket.office_id, ticket.counter = json.dumps(route), to.office_id, to.counter
        ticket.state, ticket.desk, ticket.back_at, ticket.updated_at = "waiting", None, None, now
        session.add(ticket)
        _event(session, ticket, EventKind.TRANSFERRED, now, staff=staff.name, desk=None, detail=detail)
        session.commit()
        return {before, to.office_id}


def set_priority(
    engine: Engine, staff: Staff, ticket_id: int, priority: str | None, now: datetime
) -> Changed:
    """Give a ticket priority (a kiosk ticket of a pregnant or elderly citizen), or take it back."""
    if priority is not None and priority not in PRIORITIES:
        raise ActionRefusedError("優先受付の理由が正しくありません")
    with Session(engine) as session:
        ticket = _ticket(session, staff, ticket_id)
        _require(ticket, *ACTIVE)
        ticket.priority, ticket.updated_at = priority, now
        session.add(ticket)
        _event(session, ticket, EventKind.PRIORITY, now, staff=staff.name, detail=priority or "")
        session.commit()
        return {ticket.office_id}


def return_absent(engine: Engine, now: datetime) -> Changed:
    """Put no-show tickets whose wait is over back in their queues."""
    with Session(engine) as session:
        due = session.exec(select(Ticket).where(Ticket.state == "absent", col(Ticket.back_at) <= now)).all()
        for ticket in due:
            _back_in_queue(session, ticket, now, None)
            ticket.updated_at = now
            session.add(ticket)
        session.commit()
        return {ticket.office_id for ticket in due}


def advance_finished(engine: Engine, now: datetime) -> Changed:
    """Tickets at a desk whose case has every procedure of that counter done: on to the next counter.

    This is how a ticket follows the plan when staff work the case page and never press 終了 on the call
    screen.
    """
    with Session(engine) as session:
        at_desk = session.exec(
            select(Ticket).where(
                col(Ticket.state).in_(("called", "serving")), col(Ticket.case_id).is_not(None)
            )
        ).all()
        changed: Changed = set()
        for ticket in at_desk:
            statuses = session.exec(
                select(CaseProcedure.status).where(
                    CaseProcedure.case_id == ticket.case_id, CaseProcedure.counter == ticket.counter
                )
            ).all()
            if statuses and all(status in FINISHED_PROCEDURES for status in statuses):
                done_at_counter(session, ticket, now, None)
                ticket.updated_at = now
                session.add(ticket)
                changed.add(ticket.office_id)
        session.commit()
        return changed


Handler = Callable[[Session, Ticket, Staff, Desk, datetime], None]
ACTIONS: dict[str, Handler] = {
    "call": _call_out_of_order,
    "recall": _recall,
    "no_show": _no_show,
    "park": _park,
    "return": _return,
    "serve": _serve,
    "finish": _finish,
    "end": _end_by_staff,
}
"""The call screen's actions on one ticket (transfer has its own function: it needs a destination)."""
