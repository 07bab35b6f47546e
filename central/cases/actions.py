"""What staff do to a case: move a procedure's status, approve it for core systems (one or many), return it
with a comment, reopen an approval, correct a fact.

Each action is one transaction with its access-log entry and a new version of the case
(central/cases/versions.py), and the case's status follows its procedures in it (central/cases/lifecycle.py).
Approval is a lock: an approved procedure cannot move, and a correction after approval reopens the case's
approved procedures (they must be approved again, and the approval time is the new one). Approval follows the
user's department (central/cases/approval.py) and queues the procedure's webhooks in its transaction. A
correction records who, when, before and after, then re-plans the case with the same navigator so every form
shows the new value. Never logs facts.
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.audit import log
from central.cases.approval import check_may_approve, departments_of
from central.cases.labels import field_label
from central.cases.lifecycle import follow_procedures
from central.cases.records import PlanFailedError, encoded, plan_for, sync_procedures
from central.cases.search import key_rows, write_keys
from central.cases.versions import record_version
from central.cases.views import STATUSES, CaseDetail, detail_in, load_case
from central.errors import ActionRefusedError
from central.models import Case, CaseProcedure, Correction, ProcedureStatus
from central.webhooks.outbox import enqueue
from procedures.planner import CatalogPlanner
from protocol.facts import Facts
from protocol.plan import Plan

CORRECTABLE = re.compile(r"^(applicant|household\.(\d{1,2}))\.(name|address|birth_date|sex|relation)$")
"""applicant.name, household.0.birth_date, ... (an applicant has no relation, a member no address)."""
MAX_COMMENT = 500


def _procedure(session: Session, case_id: str, procedure_id: str) -> CaseProcedure:
    row = session.get(CaseProcedure, (case_id, procedure_id))
    if row is None:
        raise ActionRefusedError("この案件にその手続はありません")
    if row.approved_at is not None:
        raise ActionRefusedError("承認済みの手続は変更できません")
    return row


def _finish(
    session: Session,
    staff: Staff,
    case: Case,
    now: datetime,
    action: str,
    detail: str,
    change: str,
    *,
    received_facts: str | None = None,
    procedure_id: str | None = None,
    comment: str = "",
) -> None:
    """The case's status, its new version and the access-log entry, then commit."""
    follow_procedures(session, case, now)
    record_version(
        session,
        case,
        staff.name,
        change,
        now,
        received_facts=received_facts or case.facts,
        procedure_id=procedure_id,
        comment=comment,
    )
    log.record(session, staff.name, action, office_id=case.office_id, case_id=case.id, detail=detail)
    session.commit()


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
        change, detail = f"{row.name}：{STATUSES[new]}", f"{procedure_id}={new}"
        _finish(session, staff, case, now, "status", detail, change, procedure_id=procedure_id)


def _approve_row(session: Session, staff: Staff, case: Case, row: CaseProcedure, now: datetime) -> None:
    row.status, row.updated_at, row.updated_by = ProcedureStatus.DONE, now, staff.name
    row.approved_at, row.approved_by = now, staff.name
    session.add(row)
    enqueue(session, case, row)


def approve(engine: Engine, staff: Staff, case_id: str, procedure_id: str) -> None:
    """Approve a procedure of the user's department: it is done, exportable, and queued for its webhooks."""
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        row = _procedure(session, case_id, procedure_id)
        if row.status == ProcedureStatus.NOT_NEEDED:
            raise ActionRefusedError("不要となった手続は承認できません")
        check_may_approve(departments_of(session, staff), row.department)
        now = datetime.now(UTC)
        _approve_row(session, staff, case, row, now)
        change = f"{row.name}：承認"
        _finish(session, staff, case, now, "approve", procedure_id, change, procedure_id=procedure_id)


def approve_many(engine: Engine, staff: Staff, case_ids: Iterable[str]) -> int:
    """Approve, in one transaction, every open procedure of the user's departments in these cases (the
    user's offices only); returns how many were approved."""
    approved = 0
    with Session(engine) as session:
        departments = departments_of(session, staff)
        now = datetime.now(UTC)
        for case_id in sorted(set(case_ids)):
            case = load_case(session, staff, case_id)
            rows = session.exec(
                select(CaseProcedure).where(
                    CaseProcedure.case_id == case_id,
                    col(CaseProcedure.approved_at).is_(None),
                    CaseProcedure.status != ProcedureStatus.NOT_NEEDED,
                )
            ).all()
            mine = [row for row in rows if departments is None or row.department in departments]
            for row in mine:
                _approve_row(session, staff, case, row, now)
            if mine:
                follow_procedures(session, case, now)
                change = "一括承認：" + "、".join(row.name for row in mine)
                record_version(session, case, staff.name, change, now, received_facts=case.facts)
                ids = ",".join(row.procedure_id for row in mine)
                log.record(
                    session, staff.name, "approve", office_id=case.office_id, case_id=case_id, detail=ids
                )
                approved += len(mine)
        session.commit()
    return approved


def return_procedure(engine: Engine, staff: Staff, case_id: str, procedure_id: str, comment: str) -> None:
    """Return a procedure to the counter with a comment saying what to fix (status 差戻し)."""
    comment = comment.strip()
    if not comment:
        raise ActionRefusedError("差戻しの理由を入力してください")
    if len(comment) > MAX_COMMENT:
        raise ActionRefusedError(f"差戻しの理由は{MAX_COMMENT}文字以内にしてください")
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        row = _procedure(session, case_id, procedure_id)
        check_may_approve(departments_of(session, staff), row.department)
        now = datetime.now(UTC)
        row.status, row.updated_at, row.updated_by = ProcedureStatus.SENT_BACK, now, staff.name
        session.add(row)
        _finish(
            session,
            staff,
            case,
            now,
            "return",
            procedure_id,
            f"{row.name}：差戻し",
            procedure_id=procedure_id,
            comment=comment,
        )


def _reopen_row(row: CaseProcedure, staff: Staff, now: datetime) -> None:
    row.status, row.updated_at, row.updated_by = ProcedureStatus.IN_PROGRESS, now, staff.name
    row.approved_at, row.approved_by = None, None


def reopen(engine: Engine, staff: Staff, case_id: str, procedure_id: str) -> None:
    """Take back an approval (the procedure is in progress again and must be approved again)."""
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        row = session.get(CaseProcedure, (case_id, procedure_id))
        if row is None or row.approved_at is None:
            raise ActionRefusedError("承認されていない手続です")
        check_may_approve(departments_of(session, staff), row.department)
        now = datetime.now(UTC)
        _reopen_row(row, staff, now)
        session.add(row)
        change = f"{row.name}：承認を取り消し"
        _finish(session, staff, case, now, "reopen", procedure_id, change, procedure_id=procedure_id)


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
    """Correct one fact (or flag it for 外字 handling), record it, re-plan the case, and reopen its approved
    procedures (the approved record changed)."""
    value = value.strip()
    if not value:
        raise ActionRefusedError("値が空です")
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        received = case.facts
        facts, before = _corrected(msgspec.json.decode(case.facts, type=Facts), field, value)
        try:
            plan = plan_for(planner, facts)
        except PlanFailedError as exc:
            raise ActionRefusedError(str(exc)) from exc
        now = datetime.now(UTC)
        reopened = _apply(session, staff, case, facts, plan, now)
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
        change = f"{field_label(field)}を訂正"
        change += f"（承認を取り消し：{'、'.join(reopened)}）" if reopened else ""
        _finish(session, staff, case, now, "correct", field, change, received_facts=received)
        return detail_in(session, case)


def _apply(session: Session, staff: Staff, case: Case, facts: Facts, plan: Plan, now: datetime) -> list[str]:
    """Store the corrected facts and plan; reopen approved procedures; returns their names."""
    case.facts, case.plan = encoded(facts), encoded(plan)
    sync_procedures(session, case.id, plan, now)
    write_keys(session.connection(), key_rows(case, facts), [case.id])
    approved = session.exec(
        select(CaseProcedure).where(
            CaseProcedure.case_id == case.id, col(CaseProcedure.approved_at).is_not(None)
        )
    ).all()
    for row in approved:
        _reopen_row(row, staff, now)
        session.add(row)
    return [row.name for row in approved]
