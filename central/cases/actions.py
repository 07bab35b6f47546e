"""What staff do to a case: move a procedure's status, approve it for core systems, correct a fact.

Each action is one transaction with its access-log entry, and the case's status follows its procedures in it
(central/cases/lifecycle.py); approval also queues the procedure's webhooks in that transaction, so an
approved procedure is delivered exactly once per endpoint. A correction records who, when, before and after,
then re-plans the case with the same navigator so every form shows the new value. Never logs facts.
"""

import re
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session

from central.accounts.service import Staff
from central.audit import log
from central.cases.lifecycle import follow_procedures
from central.cases.records import PlanFailedError, encoded, plan_for, sync_procedures
from central.cases.views import CaseDetail, detail_in, load_case
from central.errors import ActionRefusedError
from central.models import Case, CaseProcedure, Correction, ProcedureStatus
from central.webhooks.outbox import enqueue
from procedures.planner import CatalogPlanner
from protocol.facts import Facts
from protocol.plan import Plan

CORRECTABLE = re.compile(r"^(applicant|household\.(\d{1,2}))\.(name|address|birth_date|sex|relation)$")
"""applicant.name, household.0.birth_date, ... (an applicant has no relation, a member no address)."""


def _procedure(session: Session, case_id: str, procedure_id: str) -> CaseProcedure:
    row = session.get(CaseProcedure, (case_id, procedure_id))
    if row is None:
        raise ActionRefusedError("この案件にその手続はありません")
    if row.approved_at is not None:
        raise ActionRefusedError("承認済みの手続は変更できません")
    return row


def set_status(engine: Engine, staff: Staff, case_id: str, procedure_id: str, status: str) -> None:
    """Move a procedure to waiting, in progress, done, not needed or sent back."""
    try:
        new = ProcedureStatus(status)
    except ValueError:
        raise ActionRefusedError("不明な状態です") from None
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        row = _procedure(session, case_id, procedure_id)
        now = datetime.now(UTC)
        row.status, row.updated_at, row.updated_by = new, now, staff.name
        session.add(row)
        follow_procedures(session, case, now)
        log.record(
            session,
            staff.name,
            "status",
            office_id=case.office_id,
            case_id=case_id,
            detail=f"{procedure_id}={new}",
        )
        session.commit()


def approve(engine: Engine, staff: Staff, case_id: str, procedure_id: str) -> None:
    """Approve a procedure: it is done, exportable, and queued for its webhooks."""
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        row = _procedure(session, case_id, procedure_id)
        if row.status == ProcedureStatus.NOT_NEEDED:
            raise ActionRefusedError("不要となった手続は承認できません")
        now = datetime.now(UTC)
        row.status, row.updated_at, row.updated_by = ProcedureStatus.DONE, now, staff.name
        row.approved_at, row.approved_by = now, staff.name
        session.add(row)
        follow_procedures(session, case, now)
        log.record(
            session,
            staff.name,
            "approve",
            office_id=case.office_id,
            case_id=case_id,
            detail=procedure_id,
        )
        enqueue(session, case, row)
        session.commit()


def _corrected(facts: Facts, field: str, value: str) -> tuple[Facts, str]:
    """The facts with one field replaced, and the value it had; raises ActionRefusedError for a bad field."""
    match = CORRECTABLE.match(field)
    if match is None:
        raise ActionRefusedError("訂正できない項目です")
    raw: dict[str, Any] = msgspec.to_builtins(facts)
    index, attribute = match.group(2), match.group(3)
    if index is None:
        person = raw["applicant"]
    elif int(index) < len(raw["household"]):
        person = raw["household"][int(index)]
    else:
        raise ActionRefusedError("その世帯員はいません")
    if attribute not in person:
        raise ActionRefusedError("訂正できない項目です")
    before = str(person[attribute])
    person[attribute] = value
    try:
        return msgspec.convert(raw, Facts), before
    except msgspec.ValidationError as exc:
        raise ActionRefusedError("値の形式が正しくありません") from exc


def correct(
    engine: Engine,
    planner: CatalogPlanner,
    staff: Staff,
    case_id: str,
    field: str,
    value: str,
    gaiji: bool,
) -> CaseDetail:
    """Correct one fact (or flag it for 外字 handling), record it, and re-plan the case."""
    value = value.strip()
    if not value:
        raise ActionRefusedError("値が空です")
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        facts, before = _corrected(msgspec.json.decode(case.facts, type=Facts), field, value)
        try:
            plan = plan_for(planner, facts)
        except PlanFailedError as exc:
            raise ActionRefusedError(str(exc)) from exc
        now = datetime.now(UTC)
        _apply(session, case, facts, plan, now)
        session.add(
            Correction(
                case_id=case_id,
                field=field,
                before=before,
                after=value,
                gaiji=gaiji,
                user_name=staff.name,
                at=now,
            )
        )
        log.record(
            session,
            staff.name,
            "correct",
            office_id=case.office_id,
            case_id=case_id,
            detail=field,
        )
        session.commit()
        return detail_in(session, case)


def _apply(session: Session, case: Case, facts: Facts, plan: Plan, now: datetime) -> None:
    case.facts, case.plan = encoded(facts), encoded(plan)
    sync_procedures(session, case.id, plan, now)
    follow_procedures(session, case, now)
