"""The scripted day (tests/kpi/scripted_day.py) written into central's tables as the queue and the staff side
store it: tickets with their status tokens, their events, cases whose plans prefill the script's field
counts, procedure rows with their approvals, and the ratings given through the rating service.
"""

import json
import random
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session

from central.kpi.ratings import Recorded, record_rating
from central.models import Case, CaseProcedure, CaseStatus, Origin, ProcedureStatus
from central.queue.models import EventKind, Ticket, TicketEvent, TicketSource
from procedures.forms import count_writing
from protocol.plan import FilledField, FilledForm, Plan
from protocol.queue import status_token
from testbed.households import citizen
from tests.kpi import scripted_day
from tests.kpi.scripted_day import CASE_DAY, DAY, NAMES, PREFILLED, RATINGS, TICKETS, at

PRIORITY = {"T2": "pregnancy"}
SPLIT_PREFILLED = {
    ("C1", "tennyu_todoke"): 20,
    ("C1", "kokuho_kanyu"): 12,
    ("C1", "jido_teate"): 8,
    ("C1", "nenkin"): 7,  # not needed: its form does not count
    ("C3", "tennyu_todoke"): 19,
    ("C3", "juminhyo"): 5,
    ("C3", "kokuho_kanyu"): 0,
}
"""How a case's prefilled fields are spread over its procedures' forms (else all on its one form)."""


def _form(procedure_id: str, prefilled: int) -> FilledForm:
    """A form with `prefilled` citizen fields filled in, one left empty, a signature and a staff field."""
    fields = [FilledField(f"f{index}", "氏名", "name", "applicant", "記入済") for index in range(prefilled)]
    fields += [
        FilledField("blank", "電話番号", "phone", "answer", None),
        FilledField("sign", "署名", "other", "signature", None),
        FilledField("staff", "受付者", "other", "staff", None),
    ]
    return FilledForm(f"{procedure_id}.form", "form", NAMES[procedure_id], procedure_id, None, fields)


def _plan(case_id: str) -> Plan:
    """A plan whose forms prefill the script's count of fields for the case's needed procedures."""
    forms = [
        _form(pid, SPLIT_PREFILLED.get((case_id, pid), PREFILLED[case_id]))
        for pid, _, _, _ in scripted_day.case_procedures(case_id)
    ]
    return Plan(
        catalog="sample_city",
        catalog_version="test",
        catalog_hash="",
        life_event="move_in",
        language="ja",
        today=CASE_DAY.get(case_id, DAY).isoformat(),
        procedures=[],
        counters=[],
        documents=[],
        forms=forms,
        writing=count_writing(forms),
    )


def _route(steps: list[scripted_day.Step], case_id: str | None) -> str:
    counters = list(dict.fromkeys(counter for _, _, counter in steps if counter))
    return json.dumps(
        [
            {"counter": counter, "procedures": list(scripted_day.procedures_at(case_id, counter))}
            for counter in counters
        ]
    )


def _add_case(session: Session, case_id: str, office_id: str, number: str) -> None:
    day = CASE_DAY.get(case_id, DAY)
    now = at("09:00", day)
    session.add(
        Case(
            id=case_id,
            office_id=office_id,
            ticket=number,
            origin=Origin.SYNC,
            status=CaseStatus.IN_PROGRESS,
            life_event="move_in",
            language="ja",
            created_at=now,
            updated_at=now,
            prepared_at=now,
            facts=msgspec.json.encode(citizen(random.Random(case_id), len(case_id))).decode(),
            plan=msgspec.json.encode(_plan(case_id)).decode(),
        )
    )
    for pid, counter, needed, approved in scripted_day.case_procedures(case_id):
        session.add(
            CaseProcedure(
                case_id=case_id,
                procedure_id=pid,
                name=NAMES[pid],
                department="",
                counter=counter,
                status=ProcedureStatus.DONE if needed else ProcedureStatus.NOT_NEEDED,
                updated_at=now,
                approved_at=at(approved, day) if approved else None,
                approved_by="honcho_boss" if approved else None,
            )
        )


def store(engine: Engine) -> dict[str, str]:
    """Write the day; returns each ticket's status token."""
    tokens: dict[str, str] = {}
    with Session(engine) as session:
        for index, (name, (office, case_id, day, steps)) in enumerate(TICKETS.items()):
            number = f"A{index + 1:03d}"
            tokens[name] = status_token(case_id or f"walk-in-{name}")
            ticket = Ticket(
                office_id=office,
                day=day,
                number=number,
                printed=number,
                token=tokens[name],
                case_id=case_id,
                source=TicketSource.KIOSK if case_id else TicketSource.STAFF,
                priority=PRIORITY.get(name),
                route=_route(steps, case_id),
                stop=0,
                counter=None,
                state="done",
                issued_at=at(steps[0][0], day),
                queued_at=at(steps[0][0], day),
                updated_at=at(steps[-1][0], day),
            )
            session.add(ticket)
            session.flush()
            assert ticket.id is not None
            for clock, kind, counter in steps:
                session.add(
                    TicketEvent(
                        ticket_id=ticket.id,
                        office_id=office,
                        counter=counter,
                        kind=EventKind(kind),
                        at=at(clock, day),
                        procedures=json.dumps(list(scripted_day.procedures_at(case_id, counter))),
                        case_id=case_id,
                        desk="1" if kind in ("called", "serving") else None,
                    )
                )
            if case_id:
                _add_case(session, case_id, office, number)
        session.commit()
    for name, score in RATINGS.items():
        assert record_rating(engine, tokens[name], score, datetime.now(UTC)) is Recorded.RECORDED
    return tokens


def add_ticket(engine: Engine, office: str, name: str) -> str:
    """A lone ticket of `office` issued now (for the rating tests); returns its status token."""
    now = datetime.now(UTC)
    token = status_token(f"rating-{name}")
    with Session(engine) as session:
        session.add(
            Ticket(
                office_id=office,
                day=now.date(),
                number=name,
                printed=name,
                token=token,
                source=TicketSource.STAFF,
                route="[]",
                state="done",
                issued_at=now,
                queued_at=now,
                updated_at=now,
            )
        )
        session.commit()
    return token
