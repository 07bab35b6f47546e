"""Staff's working records: made from synced cases, from a slip's QR, or from an interview, and merged by id.

A working record (WorkCase) and its procedures (CaseProcedure) are keyed by the submission id, so a case
opened from its QR before it synced and the synced copy that arrives later are one case: the merge marks it
synced and keeps what staff did. Ingest is never touched; this reads the Case table it writes.
Never logs facts or plans.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy import Engine, Row
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from central.accounts.service import as_utc
from central.models import Case, CaseProcedure, WorkCase
from procedures.answers import MissingFacts
from procedures.planner import FACTS_ERRORS, CatalogPlanner
from protocol.facts import Facts
from protocol.plan import Plan, PlannedProcedure, decode_plan

MERGE_BATCH = 500
_case = Case.__table__  # type: ignore[attr-defined]
_work = WorkCase.__table__  # type: ignore[attr-defined]
_procedure = CaseProcedure.__table__  # type: ignore[attr-defined]


class PlanFailedError(ValueError):
    """The navigator cannot plan these facts (a question is unanswered or an answer is invalid)."""


@dataclass(frozen=True, slots=True)
class NewCase:
    """What a working record is made from, whatever its origin."""

    id: str
    office_id: str
    ticket: str
    origin: str
    created_at: datetime
    facts: Facts
    plan: Plan | None
    """None when the navigator could not plan the facts (staff then see and correct them)."""


def plan_for(planner: CatalogPlanner, facts: Facts) -> Plan:
    """The navigator's plan for these facts today (the same navigator the kiosk runs)."""
    try:
        return planner(facts)
    except MissingFacts as exc:
        raise PlanFailedError("未回答の質問があります: " + ", ".join(exc.question_ids)) from exc
    except FACTS_ERRORS as exc:
        raise PlanFailedError("回答に誤りがあります") from exc


def _procedure_row(case_id: str, item: PlannedProcedure, now: datetime) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "procedure_id": item.id,
        "name": item.name.ja,
        "department": item.department.ja,
        "counter": item.counter,
        "status": "waiting",
        "updated_at": now,
    }


def _work_row(new: NewCase, now: datetime, synced: bool) -> dict[str, Any]:
    return {
        "id": new.id,
        "office_id": new.office_id,
        "ticket": new.ticket,
        "origin": new.origin,
        "life_event": new.facts.life_event,
        "created_at": new.created_at,
        "synced_at": now if synced else None,
        "updated_at": now,
        "facts": msgspec.json.encode(new.facts).decode(),
        "plan": msgspec.json.encode(new.plan).decode(),
    }


def sync_procedures(session: Session, case_id: str, plan: Plan | None, now: datetime) -> None:
    """Add the plan's procedures that are new; procedures the plan no longer has become 'not needed'."""
    existing = {
        row.procedure_id: row
        for row in session.exec(select(CaseProcedure).where(CaseProcedure.case_id == case_id))
    }
    planned = {item.id: item for item in (plan.procedures if plan else [])}
    for procedure_id, item in planned.items():
        if procedure_id not in existing:
            session.add(CaseProcedure(**_procedure_row(case_id, item, now)))
    for procedure_id, row in existing.items():
        if procedure_id not in planned and row.status != "not_needed" and row.approved_at is None:
            row.status = "not_needed"
            row.updated_at = now
            session.add(row)


def add_work_case(session: Session, new: NewCase, now: datetime, synced: bool) -> WorkCase:
    """Insert a working record and its procedures into the caller's transaction."""
    work = WorkCase(**_work_row(new, now, synced))
    session.add(work)
    sync_procedures(session, new.id, new.plan, now)
    return work


def _from_synced(case: Row[*tuple[Any, ...]], planner: CatalogPlanner) -> NewCase:
    facts = msgspec.json.decode(case.facts, type=Facts)
    return NewCase(
        case.id,
        case.office_id,
        case.ticket,
        "sync",
        case.created_at,
        facts,
        stored_or_new_plan(planner, case.plan, facts),
    )


def stored_or_new_plan(planner: CatalogPlanner, stored: str | None, facts: Facts) -> Plan | None:
    """The plan a unit sent with the case, else the navigator's plan today (None if it cannot plan)."""
    plan = decode_plan(stored) if stored else None
    if plan is None:
        try:
            plan = plan_for(planner, facts)
        except PlanFailedError:
            return None
    return plan


class Merger:
    """Merges synced cases into working records, looking only at recent arrivals once it has caught up.

    The first round reads every case without a working record; later rounds only cases received since the
    newest one seen (less a margin for transactions that committed late), so the per-second check stays
    cheap however many cases the city keeps. QR-opened records still waiting for their sync are few and
    are checked every round. Reading, planning (cases synced without a plan) and writing are separate
    steps, so the write transaction is short and never holds SQLite's lock while ingest waits for it.
    """

    MARGIN = timedelta(minutes=5)

    def __init__(self, engine: Engine, planner: CatalogPlanner) -> None:
        self._engine = engine
        self._planner = planner
        self._seen: datetime | None = None

    def __call__(self, limit: int = MERGE_BATCH) -> int:
        """One round of at most `limit` synced cases; returns how many records it created or marked synced."""
        arrived = (
            sa.select(
                _case.c.id,
                _case.c.office_id,
                _case.c.ticket,
                _case.c.created_at,
                _case.c.received_at,
                _case.c.facts,
                _case.c.plan,
            )
            .join(_work, _work.c.id == _case.c.id, isouter=True)
            .where(_work.c.id.is_(None))
            .order_by(_case.c.received_at)
            .limit(limit)
        )
        if self._seen is not None:
            arrived = arrived.where(_case.c.received_at >= self._seen - self.MARGIN)
        waiting = (
            sa.select(_work.c.id)
            .join(_case, _case.c.id == _work.c.id)
            .where(_work.c.origin == "qr", _work.c.synced_at.is_(None))
        )
        with self._engine.connect() as conn:
            cases = list(conn.execute(arrived))
            opened = list(conn.execute(waiting).scalars())
        new = [_from_synced(case, self._planner) for case in cases]
        now = datetime.now(UTC)
        try:
            with self._engine.begin() as conn:
                if new:
                    conn.execute(sa.insert(_work), [_work_row(item, now, synced=True) for item in new])
                    rows = [_procedure_row(i.id, p, now) for i in new if i.plan for p in i.plan.procedures]
                    if rows:
                        conn.execute(sa.insert(_procedure), rows)
                if opened:
                    conn.execute(sa.update(_work).where(_work.c.id.in_(opened)).values(synced_at=now))
        except IntegrityError:  # a counter opened one of these by QR meanwhile: merge it next round
            return 0
        if len(cases) < limit:  # caught up: later rounds look only at recent arrivals
            self._seen = max([self._seen or now, *(as_utc(case.received_at) for case in cases)])
        return len(cases) + len(opened)
