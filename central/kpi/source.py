"""Read one period's KPI records from the database: the queue's events, the cases' procedures and plans,
and the ratings, for the tickets an office issued on the period's city days.

Reads only; ids, times, counts and procedure names; never a fact. The prefilled-field count of a case is
the navigator's own count (procedures/forms.py `count_writing`) over the forms of the procedures the case
still needs, so a procedure staff marked not needed does not count.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.kpi.models import Rating
from central.kpi.records import CaseProcedureRecord, CaseRecord, KpiInputs, RatingRecord, TicketEvent
from central.models import Case, CaseProcedure, ProcedureStatus
from central.queue.models import Ticket, as_utc
from central.queue.models import TicketEvent as EventRow
from procedures.forms import count_writing
from protocol.plan import decode_plan

CHUNK = 500
"""Ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits."""
T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _event(row: EventRow) -> TicketEvent:
    return TicketEvent(
        ticket_id=str(row.ticket_id),
        office_id=row.office_id,
        kind=row.kind.value,  # the same names (tests/kpi/test_source.py checks)
        at=as_utc(row.at),
        counter=row.counter,
        case_id=row.case_id,
        procedures=tuple(json.loads(row.procedures)),
    )


def _prefilled(case: Case, needed: set[str] | None) -> int:
    """Citizen-written fields the case's plan prefilled, on the forms of the procedures still needed."""
    plan = decode_plan(case.plan)
    if plan is None:
        return 0
    forms = plan.forms if needed is None else [form for form in plan.forms if form.procedure in needed]
    return count_writing(forms).saved.total


def _cases(session: Session, case_ids: Sequence[str]) -> tuple[list[CaseProcedureRecord], list[CaseRecord]]:
    procedures: list[CaseProcedureRecord] = []
    cases: list[CaseRecord] = []
    for chunk in _chunks(case_ids):
        rows = session.exec(select(CaseProcedure).where(col(CaseProcedure.case_id).in_(chunk))).all()
        needed: dict[str, set[str]] = {}
        for row in rows:
            is_needed = row.status != ProcedureStatus.NOT_NEEDED
            procedures.append(
                CaseProcedureRecord(
                    case_id=row.case_id,
                    procedure_id=row.procedure_id,
                    name=row.name,
                    counter=row.counter,
                    needed=is_needed,
                    approved_at=as_utc(row.approved_at) if row.approved_at else None,
                )
            )
            if is_needed:
                needed.setdefault(row.case_id, set()).add(row.procedure_id)
            else:
                needed.setdefault(row.case_id, set())
        for case in session.exec(select(Case).where(col(Case.id).in_(chunk))):
            cases.append(CaseRecord(case.id, _prefilled(case, needed.get(case.id))))
    return procedures, cases


def load_inputs(engine: Engine, offices: Iterable[str], first: date, last: date) -> KpiInputs:
    """The records of every ticket the offices issued from `first` to `last` (city days, inclusive)."""
    with Session(engine) as session:
        ticket_ids = list(
            session.exec(
                select(Ticket.id).where(
                    col(Ticket.office_id).in_(list(offices)), Ticket.day >= first, Ticket.day <= last
                )
            )
        )
        events: list[TicketEvent] = []
        ratings: list[RatingRecord] = []
        for chunk in _chunks(ticket_ids):
            query = select(EventRow).where(col(EventRow.ticket_id).in_(chunk)).order_by(col(EventRow.id))
            events += [_event(row) for row in session.exec(query)]
            scores = session.exec(select(Rating).where(col(Rating.ticket_id).in_(chunk)))
            ratings += [RatingRecord(str(rating.ticket_id), rating.score) for rating in scores]
        case_ids = sorted({event.case_id for event in events if event.case_id is not None})
        procedures, cases = _cases(session, case_ids)
    return KpiInputs(events=events, procedures=procedures, cases=cases, ratings=ratings)
