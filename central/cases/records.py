"""Recording and preparing cases for staff: the plan in place and one procedure row per planned procedure.

A case opened from a slip's QR or recorded in an interview is prepared as it is recorded; a synced case is
prepared later, off the ingest path (central/cases/prepare.py, and a counter's QR scan when it comes first).
Every row is keyed by the submission id, so the QR-opened case and its envelope, synced later, are one case.
Planning (25-90 ms of CEL) never happens inside a write transaction. Never logs facts or plans.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from sqlmodel import Session, select

from central.cases.search import key_rows, write_keys
from central.models import Case, CaseProcedure, Origin, ProcedureStatus
from procedures.answers import MissingFacts
from procedures.planner import FACTS_ERRORS, CatalogPlanner
from protocol.facts import Facts
from protocol.plan import Plan, PlannedProcedure, decode_plan


class PlanFailedError(ValueError):
    """The navigator cannot plan these facts (a question is unanswered or an answer is invalid)."""


@dataclass(frozen=True, slots=True)
class NewCase:
    """What a case opened at a counter (QR) or in an interview is recorded from."""

    id: str
    office_id: str
    ticket: str
    origin: Origin
    created_at: datetime
    facts: Facts
    plan: Plan | None
    """None when the navigator could not plan the facts (staff then see and correct them)."""
    device_id: str | None = None
    """The unit that printed the slip; None for an interview."""


def plan_for(planner: CatalogPlanner, facts: Facts) -> Plan:
    """The navigator's plan for these facts today (the same navigator the kiosk runs)."""
    try:
        return planner(facts)
    except MissingFacts as exc:
        raise PlanFailedError("未回答の質問があります: " + ", ".join(exc.question_ids)) from exc
    except FACTS_ERRORS as exc:
        raise PlanFailedError("回答に誤りがあります") from exc


def stored_or_new_plan(planner: CatalogPlanner, stored: str | None, facts: Facts) -> Plan | None:
    """The plan a unit sent with the case, else the navigator's plan today (None if it cannot plan)."""
    plan = decode_plan(stored) if stored else None
    if plan is None:
        try:
            plan = plan_for(planner, facts)
        except PlanFailedError:
            return None
    return plan


def procedure_row(case_id: str, item: PlannedProcedure, now: datetime) -> dict[str, Any]:
    """A new procedure row of a case, waiting."""
    return {
        "case_id": case_id,
        "procedure_id": item.id,
        "name": item.name.ja,
        "department": item.department.ja,
        "counter": item.counter,
        "status": ProcedureStatus.WAITING,
        "updated_at": now,
    }


def encoded(value: Facts | Plan | None) -> str:
    """Facts or a plan as the case row stores them (JSON text; null for no plan)."""
    return msgspec.json.encode(value).decode()


def sync_procedures(session: Session, case_id: str, plan: Plan | None, now: datetime) -> None:
    """Add the plan's procedures that are new; procedures the plan no longer has become 'not needed'."""
    existing = {
        row.procedure_id: row
        for row in session.exec(select(CaseProcedure).where(CaseProcedure.case_id == case_id))
    }
    planned = {item.id: item for item in (plan.procedures if plan else [])}
    for procedure_id, item in planned.items():
        if procedure_id not in existing:
            session.add(CaseProcedure(**procedure_row(case_id, item, now)))
    for procedure_id, row in existing.items():
        if (
            procedure_id not in planned
            and row.status != ProcedureStatus.NOT_NEEDED
            and row.approved_at is None
        ):
            row.status = ProcedureStatus.NOT_NEEDED
            row.updated_at = now
            session.add(row)


def add_case(session: Session, new: NewCase, now: datetime) -> Case:
    """Insert a prepared case and its procedures into the caller's transaction."""
    case = Case(
        id=new.id,
        office_id=new.office_id,
        ticket=new.ticket,
        origin=new.origin,
        life_event=new.facts.life_event,
        language=new.facts.language,
        created_at=new.created_at,
        updated_at=now,
        prepared_at=now,
        facts=encoded(new.facts),
        plan=encoded(new.plan),
        device_id=new.device_id,
    )
    session.add(case)
    sync_procedures(session, new.id, new.plan, now)
    write_keys(session.connection(), key_rows(new, new.facts), [new.id])
    return case


def prepare_synced(session: Session, case: Case, planner: CatalogPlanner, now: datetime) -> None:
    """Prepare one synced case now, in the caller's transaction (its QR came before the background step)."""
    facts = msgspec.json.decode(case.facts, type=Facts)
    plan = stored_or_new_plan(planner, case.plan, facts)
    case.plan, case.prepared_at, case.updated_at = encoded(plan), now, now
    session.add(case)
    sync_procedures(session, case.id, plan, now)
    write_keys(session.connection(), key_rows(case, facts), [case.id])
