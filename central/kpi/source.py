"""Read one period's KPI records from the database: the queue's events, the cases' procedures and plans,
and the ratings, for the tickets an office issued on the period's city days.

Reads only; ids, times, counts and procedure names; never a fact. The prefilled-field count of a case is
the navigator's own count (procedures/forms.py `count_writing`) over the forms of the procedures the case
still needs, so a procedure staff marked not needed does not count.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TypeVar

import msgspec
from sqlalchemy import Engine
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from central.kpi.models import Rating
from central.kpi.records import CaseProcedureRecord, CaseRecord, KpiInputs, RatingRecord, TicketEvent
from central.models import Case, CaseProcedure, ProcedureStatus
from central.queue.models import Ticket, as_utc
from central.queue.models import TicketEvent as EventRow
from procedures.forms import count_writing
from protocol.plan import FilledForm

CHUNK = 500
"""Ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits."""
T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


_procedure_ids = msgspec.json.Decoder(tuple[str, ...])


def _events(session: Session, ticket_ids: Sequence[int]) -> list[TicketEvent]:
    """The tickets' events, read as columns rather than ORM objects (a busy quarter is ~100,000 events)."""
    query = (
        columns(
            col(EventRow.ticket_id),
            col(EventRow.office_id),
            col(EventRow.kind),
            col(EventRow.at),
            col(EventRow.counter),
            col(EventRow.case_id),
            col(EventRow.procedures),
        )
        .where(col(EventRow.ticket_id).in_(ticket_ids))
        .order_by(col(EventRow.id))
    )
    return [
        TicketEvent(
            ticket_id=str(ticket_id),
            office_id=office_id,
            kind=kind.value,  # the same names (tests/kpi/test_source.py checks)
            at=as_utc(at),
            counter=counter,
            case_id=case_id,
            procedures=_procedure_ids.decode(procedures),
        )
        for ticket_id, office_id, kind, at, counter, case_id, procedures in session.execute(query)
    ]


class _PlanForms(msgspec.Struct):
    """The one part of a stored plan the KPIs read (msgspec skips the rest without building it)."""

    forms: list[FilledForm]


_plan_forms = msgspec.json.Decoder(_PlanForms | None)


def _prefilled(plan_json: str, needed: set[str] | None) -> int:
    """Citizen-written fields the case's plan prefilled, on the forms of the procedures still needed."""
    plan = _plan_forms.decode(plan_json)
    if plan is None:
        return 0
    forms = plan.forms if needed is None else [form for form in plan.forms if form.procedure in needed]
    return count_writing(forms).saved.total


def _cases(session: Session, case_ids: Sequence[str]) -> tuple[list[CaseProcedureRecord], list[CaseRecord]]:
    procedures: list[CaseProcedureRecord] = []
    cases: list[CaseRecord] = []
    for chunk in _chunks(case_ids):
        rows = session.execute(
            columns(
                col(CaseProcedure.case_id),
                col(CaseProcedure.procedure_id),
                col(CaseProcedure.name),
                col(CaseProcedure.counter),
                col(CaseProcedure.status),
                col(CaseProcedure.approved_at),
            ).where(col(CaseProcedure.case_id).in_(chunk))
        )
        needed: dict[str, set[str]] = {}
        for case_id, procedure_id, name, counter, status, approved_at in rows:
            is_needed = status != ProcedureStatus.NOT_NEEDED
            procedures.append(
                CaseProcedureRecord(
                    case_id=case_id,
                    procedure_id=procedure_id,
                    name=name,
                    counter=counter,
                    needed=is_needed,
                    approved_at=as_utc(approved_at) if approved_at else None,
                )
            )
            needed.setdefault(case_id, set()).update([procedure_id] if is_needed else [])
        for case_id, plan_json in session.exec(select(Case.id, Case.plan).where(col(Case.id).in_(chunk))):
            cases.append(CaseRecord(case_id, _prefilled(plan_json, needed.get(case_id))))
    return procedures, cases


def load_inputs(engine: Engine, offices: Iterable[str], first: date, last: date) -> KpiInputs:
    """The records of every ticket the offices issued from `first` to `last` (city days, inclusive)."""
    with Session(engine) as session:
        issued = select(col(Ticket.id)).where(
            col(Ticket.office_id).in_(list(offices)), Ticket.day >= first, Ticket.day <= last
        )
        ticket_ids = [ticket_id for ticket_id in session.exec(issued) if ticket_id is not None]
        events: list[TicketEvent] = []
        ratings: list[RatingRecord] = []
        for chunk in _chunks(ticket_ids):
            events += _events(session, chunk)
            scores = session.exec(
                select(Rating.ticket_id, Rating.score).where(col(Rating.ticket_id).in_(chunk))
            )
            ratings += [RatingRecord(str(ticket_id), score) for ticket_id, score in scores]
        case_ids = sorted({event.case_id for event in events if event.case_id is not None})
        procedures, cases = _cases(session, case_ids)
    return KpiInputs(events=events, procedures=procedures, cases=cases, ratings=ratings)
