"""The queue's tables: one row per ticket (where it stands now) and one per event (what happened, when).

`ticket` is the current state, rewritten by every action; `ticket_event` is append-only history, the source of
KPIs (stay, wait and service time per counter and procedure) and of wait estimates. Events carry their own
columns (office, counter, procedures, case, desk, staff user) so a KPI query never needs the ticket row.
Times are UTC (SQLite hands them back naive: read them through `as_utc`). Numbers, counters and procedure ids
only: no name, no facts.
"""

import enum
from datetime import UTC, date, datetime

from sqlalchemy import Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from central.models import stored_as_value


class EventKind(enum.StrEnum):
    """What happened to a ticket."""

    ISSUED = "issued"
    """Issued by a unit (synced or opened from its QR) or by staff."""
    CALLED = "called"
    RECALLED = "recalled"
    NO_SHOW = "no_show"
    """Called, did not come (skipped): back in the queue after a while."""
    RETURNED = "returned"
    """Back in its counter's queue, after a no-show or a park."""
    PARKED = "parked"
    TRANSFERRED = "transferred"
    """Sent to another counter or office; `detail` says where from."""
    SERVING = "serving"
    DONE_AT_COUNTER = "done_at_counter"
    MOVED = "moved"
    """Joined the next counter of its route by itself."""
    PRIORITY = "priority"
    """Staff gave (or took back) priority; `detail` is the reason (protocol.queue.Priority) or empty."""
    ENDED = "ended"
    """Out of the queue: every counter done, ended by staff, or absent too often (`detail`)."""


class TicketSource(enum.StrEnum):
    """Who issued a ticket."""

    KIOSK = "kiosk"
    STAFF = "staff"


def utc_column(*, index: bool = False, nullable: bool = False) -> Column:  # type: ignore[type-arg]
    """A timezone-aware timestamp column (PostgreSQL keeps the zone; SQLite stores UTC text)."""
    return Column(DateTime(timezone=True), index=index, nullable=nullable)


def as_utc(moment: datetime) -> datetime:
    """A stored time, aware: SQLite returns naive datetimes, and everything here is stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Ticket(SQLModel, table=True):
    """A queue ticket and where it stands: its route (the plan's counters in visiting order) and its stop.

    `number` is what displays call; it is unique per office and city day. `printed` is what the slip says:
    the same, unless two units printed the same number offline and central gave the later one a suffix.
    """

    __tablename__ = "ticket"
    __table_args__ = (UniqueConstraint("office_id", "day", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    office_id: str = Field(index=True)
    day: date = Field(index=True, description="the city's calendar day of issue")
    number: str
    printed: str
    token: str = Field(unique=True, description="opaque token of the citizen's status page /t/{token}")
    case_id: str | None = Field(default=None, unique=True)
    source: TicketSource = Field(sa_type=stored_as_value(TicketSource))
    device_id: str | None = None
    priority: str | None = Field(default=None, description="protocol.queue.Priority; None: none")
    route: str = Field(
        sa_column=Column(Text, nullable=False),
        description='JSON [{"counter": id, "procedures": [ids]}] in visiting order',
    )
    stop: int = Field(default=0, description="index in route of the current counter")
    counter: str | None = Field(default=None, index=True, description="route[stop]; None once ended")
    state: str = Field(index=True, description="protocol.queue.TicketState")
    desk: str | None = None
    issued_at: datetime = Field(sa_column=utc_column())
    queued_at: datetime = Field(sa_column=utc_column(), description="its place in the current queue")
    called_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True), description="its latest call (at a desk now)"
    )
    back_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    no_shows: int = 0
    updated_at: datetime = Field(sa_column=utc_column())


class TicketEvent(SQLModel, table=True):
    """One thing that happened to a ticket, with its time: the queue's history for KPIs and estimates."""

    __tablename__ = "ticket_event"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(index=True)
    office_id: str = Field(index=True)
    counter: str | None = Field(default=None, index=True)
    kind: EventKind = Field(index=True, sa_type=stored_as_value(EventKind))
    at: datetime = Field(sa_column=utc_column(index=True))
    procedures: str = Field(default="[]", description="JSON list of the procedure ids at `counter`")
    case_id: str | None = Field(default=None, index=True)
    desk: str | None = None
    staff_user: str | None = None
    detail: str = ""
