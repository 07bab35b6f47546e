"""The staff call screen, one per counter (`/staff/queue/{counter}`): call, recall, no-show, park, transfer,
serve out of order, end service, and issue walk-in tickets.

Thin: parse, run the action in a worker thread, publish the office's new queue state (hub and retained
topic), then redirect back to the screen (htmx swaps the panel it polls). Every handler needs a logged-in
user; posts need the session's CSRF token.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import anyio.to_thread
import msgspec
from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery, PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Response
from sqlmodel import Session

from central.accounts.service import Staff
from central.errors import NotFoundError
from central.queue import service
from central.queue.broadcast import Broadcaster
from central.queue.models import Ticket, as_utc
from central.queue.service import Desk
from central.queue.snapshot import CITY_TIME, counter_queues, place, today_tickets
from central.templates import render
from central.web import StaffController

TicketId = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
"""A ticket's row id: bounded to what the database stores, so a huge number is a 400, not a 500."""
CounterId = Annotated[str, PathParameter(max_length=64)]

PRIORITY_LABELS = {
    "pregnancy": "妊娠中",
    "disability": "障がい",
    "elderly": "高齢",
    "infant": "乳幼児連れ",
    "other": "その他",
}
STATE_LABELS = {
    "waiting": "待ち",
    "called": "呼出中",
    "serving": "対応中",
    "parked": "保留",
    "absent": "不在",
    "done": "終了",
}


class DeskForm(msgspec.Struct):
    """Where the action is taken: office and desk (the counter is in the path)."""

    office: str
    desk: str = "1"


class TicketForm(msgspec.Struct):
    """An action on one ticket from the call screen of `counter`."""

    office: str
    counter: str
    desk: str = "1"
    to_counter: str = ""
    to_office: str = ""
    priority: str = ""


class IssueForm(msgspec.Struct):
    """A walk-in ticket: the office, the counters in order (comma separated ids), an optional priority."""

    office: str
    counters: str
    desk: str = "1"
    priority: str = ""


@dataclass(frozen=True, slots=True)
class Screen:
    """What the call screen shows for one desk."""

    office: str
    counter: str
    counter_name: str
    desk: str
    mine: list[Ticket]
    waiting: list[Ticket]
    set_aside: list[Ticket]


def _office(staff: Staff, office: str | None) -> str:
    chosen = office or min(staff.offices, default="")
    if not chosen or not staff.may_see(chosen):
        raise NotFoundError("庁舎が見つかりません")
    return chosen


def _screen(broadcaster: Broadcaster, desk: Desk) -> Screen:
    names = {counter.id: counter.ja for counter in broadcaster.counters}
    if desk.counter not in names:
        raise NotFoundError("窓口が見つかりません")
    now = datetime.now(UTC)
    with Session(broadcaster.engine) as session:
        tickets = today_tickets(session, desk.office_id, now)
        queue = counter_queues(tickets).get(desk.counter)
        here = [ticket for ticket in tickets if ticket.counter == desk.counter]
        session.expunge_all()
    return Screen(
        office=desk.office_id,
        counter=desk.counter,
        counter_name=names[desk.counter],
        desk=desk.desk,
        mine=[t for t in here if t.state in ("called", "serving") and t.desk == desk.desk],
        waiting=queue.waiting if queue else [],
        set_aside=sorted((t for t in here if t.state in ("parked", "absent")), key=place),
    )


def _context(state: State, staff: Staff, screen: Screen) -> dict[str, Any]:
    broadcaster: Broadcaster = state.queue
    return {
        "staff": staff,
        "screen": screen,
        "counters": broadcaster.counters,
        "priorities": PRIORITY_LABELS,
        "states": STATE_LABELS,
        "clock": _clock,
    }


def _clock(moment: datetime) -> str:
    """HH:MM in the city's time."""
    return as_utc(moment).astimezone(CITY_TIME).strftime("%H:%M")


def _back(office: str, counter: str, desk: str) -> Redirect:
    return Redirect(f"/staff/queue/{counter}?office={office}&desk={desk}", status_code=303)


DeskQuery = Annotated[str, QueryParameter(description="desk (window) number or label", max_length=8)]


class QueuePages(StaffController):
    """`/staff/queue/...`: the call screens."""

    path = "/staff/queue"

    @get("/", sync_to_thread=False)
    def choose(self, state: State, staff: NamedDependency[Staff]) -> Response[str]:
        """Pick a counter and a desk."""
        broadcaster: Broadcaster = state.queue
        return render("staff/queue_choose.html", staff=staff, counters=broadcaster.counters)

    @get("/{counter:str}", sync_to_thread=True)
    def screen(
        self,
        state: State,
        staff: NamedDependency[Staff],
        counter: CounterId,
        office: FromQuery[str | None] = None,
        desk: DeskQuery = "1",
    ) -> Response[str]:
        """The call screen of one desk."""
        found = _screen(state.queue, Desk(_office(staff, office), counter, desk))
        return render("staff/queue.html", **_context(state, staff, found))

    @get("/{counter:str}/panel", sync_to_thread=True)
    def panel(
        self,
        state: State,
        staff: NamedDependency[Staff],
        counter: CounterId,
        office: FromQuery[str | None] = None,
        desk: DeskQuery = "1",
    ) -> Response[str]:
        """The screen's live part alone: htmx polls it."""
        found = _screen(state.queue, Desk(_office(staff, office), counter, desk))
        return render("staff/queue_panel.html", **_context(state, staff, found))

    @post("/{counter:str}/next")
    async def next_ticket(
        self,
        state: State,
        staff: NamedDependency[Staff],
        counter: CounterId,
        data: URLEncodedBody[DeskForm],
    ) -> Redirect:
        """Call the next ticket to this desk."""
        desk = Desk(_office(staff, data.office), counter, data.desk)
        await anyio.to_thread.run_sync(service.call_next, state.engine, staff, desk, datetime.now(UTC))
        await state.queue.changed({desk.office_id})
        return _back(desk.office_id, counter, desk.desk)

    @post("/{counter:str}/issue")
    async def issue(
        self,
        state: State,
        staff: NamedDependency[Staff],
        counter: CounterId,
        data: URLEncodedBody[IssueForm],
    ) -> Redirect:
        """Issue a walk-in ticket (staff choose its counters and priority)."""
        office = _office(staff, data.office)
        broadcaster: Broadcaster = state.queue
        counters = [item.strip() for item in data.counters.split(",") if item.strip()]
        await anyio.to_thread.run_sync(
            service.issue,
            state.engine,
            staff,
            office,
            counters,
            data.priority or None,
            datetime.now(UTC),
            broadcaster.counter_ids,
        )
        await broadcaster.changed({office})
        return _back(office, counter, data.desk)

    @post("/tickets/{ticket_id:int}/transfer")
    async def transfer(
        self,
        state: State,
        staff: NamedDependency[Staff],
        ticket_id: TicketId,
        data: URLEncodedBody[TicketForm],
    ) -> Redirect:
        """Send a ticket to another counter, or another office's counter."""
        broadcaster: Broadcaster = state.queue
        to = Desk(data.to_office or data.office, data.to_counter, "")
        changed = await anyio.to_thread.run_sync(
            service.transfer, state.engine, staff, ticket_id, to, datetime.now(UTC), broadcaster.counter_ids
        )
        await broadcaster.changed(changed)
        return _back(data.office, data.counter, data.desk)

    @post("/tickets/{ticket_id:int}/priority")
    async def priority(
        self,
        state: State,
        staff: NamedDependency[Staff],
        ticket_id: TicketId,
        data: URLEncodedBody[TicketForm],
    ) -> Redirect:
        """Give a waiting ticket priority (優先受付), or take it back (empty reason)."""
        changed = await anyio.to_thread.run_sync(
            service.set_priority, state.engine, staff, ticket_id, data.priority or None, datetime.now(UTC)
        )
        await state.queue.changed(changed)
        return _back(data.office, data.counter, data.desk)

    @post("/tickets/{ticket_id:int}/{action:str}")
    async def act(
        self,
        state: State,
        staff: NamedDependency[Staff],
        ticket_id: TicketId,
        action: Annotated[str, PathParameter(max_length=32)],
        data: URLEncodedBody[TicketForm],
    ) -> Redirect:
        """call (out of order), recall, no_show, park, return, serve, finish (done here), end."""
        desk = Desk(_office(staff, data.office), data.counter, data.desk)
        changed = await anyio.to_thread.run_sync(
            service.act, state.engine, staff, ticket_id, action, desk, datetime.now(UTC)
        )
        await state.queue.changed(changed)
        return _back(desk.office_id, desk.counter, desk.desk)
