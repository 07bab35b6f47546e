"""What the KPI computation reads, as small typed records apart from any table.

The queue's timed ticket events, the cases' procedures with their approvals, the handwriting each case's
forms avoided and the citizens' ratings: `central/kpi/source.py` reads them from the database, the tests
write them by hand. Ticket numbers, ids and times only: never a name or a fact.
"""

from datetime import datetime
from typing import Literal

import msgspec

EventKind = Literal[
    "issued",
    "called",
    "recalled",
    "no_show",
    "returned",
    "parked",
    "transferred",
    "serving",
    "done_at_counter",
    "moved",
    "priority",
    "ended",
]
"""issued: the ticket joins its first counter's queue; called/recalled: called to a desk; no_show: not there
when called (away until `returned` puts it back in the queue); parked: set aside by staff; serving: at the
desk; done_at_counter: that counter's procedures finished; moved: joins the next counter of its route;
transferred: sent to another counter (`counter` is where it goes); priority: staff gave (or took back)
priority, which changes nothing measured here; ended: out of the queue. The same names as
the queue's `ticket_event.kind` (central/queue/models.py)."""


class TicketEvent(msgspec.Struct, frozen=True):
    """One timed event of one ticket; `at` is timezone-aware (UTC as stored)."""

    ticket_id: str
    office_id: str
    kind: EventKind
    at: datetime
    counter: str | None = None
    """The counter the ticket is at after the event (for `transferred` and `moved`: where it goes)."""
    case_id: str | None = None
    """The case the ticket belongs to; None for a walk-in ticket without a case."""
    procedures: tuple[str, ...] = ()
    """The procedure ids at the event's counter; empty when it names none."""


class CaseProcedureRecord(msgspec.Struct, frozen=True):
    """One procedure of a case as the staff side recorded it: its counter, whether it was needed, and when
    staff approved it for the core systems (the end of the after-work)."""

    case_id: str
    procedure_id: str
    name: str
    counter: str
    needed: bool
    approved_at: datetime | None


class CaseRecord(msgspec.Struct, frozen=True):
    """What the KPIs need of a case besides its procedures: the form fields its plan prefilled."""

    case_id: str
    fields_prefilled: int


class RatingRecord(msgspec.Struct, frozen=True):
    """One citizen's satisfaction score (1-10) for one ticket."""

    ticket_id: str
    score: int


class KpiInputs(msgspec.Struct, frozen=True):
    """Everything one computation reads: the events of every ticket issued in the period, with the cases,
    procedures and ratings of those tickets."""

    events: list[TicketEvent]
    procedures: list[CaseProcedureRecord] = []
    cases: list[CaseRecord] = []
    ratings: list[RatingRecord] = []
