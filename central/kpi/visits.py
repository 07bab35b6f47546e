"""One ticket's events folded into its counter visits: how long it waited and was served at each counter.

A visit starts when the ticket joins a counter's queue (issued, moved, transferred) and ends when that
counter is done with it (done_at_counter), hands it on (transferred, moved) or the ticket ends. Between
events the ticket is in one state, and the time in it counts as:
    waiting, called, parked → wait (the citizen waits for the office);
    serving               → service;
    absent (no_show until returned), between counters (done_at_counter until moved), ended → neither.
So a no-show's time away is not wait, and a recall adds nothing but its call. Pure: never reads a clock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from central.kpi.records import TicketEvent

State = Literal["waiting", "called", "absent", "parked", "serving", "between", "ended"]
WAIT_STATES: frozenset[State] = frozenset({"waiting", "called", "parked"})
_STATE_AFTER: dict[str, State] = {
    "issued": "waiting",
    "moved": "waiting",
    "transferred": "waiting",
    "returned": "waiting",
    "called": "called",
    "recalled": "called",
    "no_show": "absent",
    "parked": "parked",
    "serving": "serving",
    "done_at_counter": "between",
    "ended": "ended",
}
_FINISHING = frozenset({"done_at_counter", "ended"})
"""Events that end the current visit and name its procedures."""
_OPENING = frozenset({"issued", "moved", "transferred"})
"""Events that start a visit at the event's counter."""


@dataclass
class Visit:
    """The ticket's time at one counter."""

    counter: str
    wait: timedelta = timedelta()
    service: timedelta = timedelta()
    served: bool = False
    finished_at: datetime | None = None
    """When the counter was done with the ticket or let it go; None while it is there."""
    procedures: set[str] = field(default_factory=set)
    """Procedure ids the visit's events named."""


@dataclass
class TicketHistory:
    """A ticket from its issue: its visits in order, no-shows, transfers, and its last `done_at_counter`."""

    ticket_id: str
    office_id: str
    case_id: str | None
    issued_at: datetime
    visits: list[Visit] = field(default_factory=list)
    no_shows: int = 0
    transfers: int = 0
    last_done: datetime | None = None


def _elapsed(history: TicketHistory, state: State, since: datetime, now: datetime) -> None:
    """Add the time spent in `state` to the current visit."""
    if not history.visits or history.visits[-1].finished_at is not None:
        return
    visit = history.visits[-1]
    if state in WAIT_STATES:
        visit.wait += now - since
    elif state == "serving":
        visit.service += now - since


def _apply(history: TicketHistory, event: TicketEvent) -> None:
    """Close and open visits and count what the event means (the time before it is already added).

    An event's procedures are those at its counter: a finishing event's belong to the visit it ends, any
    other's to the visit the ticket is in after it (for a transfer or a move, the new counter's)."""
    current = history.visits[-1] if history.visits and history.visits[-1].finished_at is None else None
    if current is not None and (event.kind in _FINISHING or event.kind in _OPENING):
        if event.kind in _FINISHING:
            current.procedures.update(event.procedures)
        current.finished_at = event.at
        current = None
    if event.kind in _OPENING and event.counter is not None:
        current = Visit(event.counter)
        history.visits.append(current)
    if event.kind not in _FINISHING and current is not None:
        current.procedures.update(event.procedures)
    if event.kind == "serving" and current is not None:
        current.served = True
    elif event.kind == "no_show":
        history.no_shows += 1
    elif event.kind == "transferred":
        history.transfers += 1
    elif event.kind == "done_at_counter":
        history.last_done = event.at


def fold(events: Iterable[TicketEvent]) -> TicketHistory | None:
    """The history of one ticket from its events (sorted here by time, ties in the given order); None
    without an `issued` event. Events before the issue are ignored."""
    ordered = sorted(events, key=lambda event: event.at)
    start = next((index for index, event in enumerate(ordered) if event.kind == "issued"), None)
    if start is None:
        return None
    first = ordered[start]
    history = TicketHistory(first.ticket_id, first.office_id, first.case_id, first.at)
    state: State = "waiting"
    since = first.at
    for event in ordered[start:]:
        _elapsed(history, state, since, event.at)
        _apply(history, event)
        state, since = _STATE_AFTER.get(event.kind, state), event.at  # priority changes no state
        if history.case_id is None and event.case_id is not None:
            history.case_id = event.case_id
    return history
