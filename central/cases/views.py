"""What staff see of cases: the inbox (filtered) and one case in full, as msgspec DTOs apart from the tables.

Every function takes the logged-in `Staff` and only ever returns cases of the user's offices; opening one
case writes an access-log entry in the same transaction. Never logs facts.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.audit import log
from central.models import CaseProcedure, Correction, WorkCase
from protocol.facts import Facts
from protocol.plan import Plan, decode_plan

CITY_TIME = ZoneInfo("Asia/Tokyo")
"""Dates in filters are the city's calendar days."""
STATUSES = {
    "waiting": "待ち",
    "in_progress": "対応中",
    "done": "完了",
    "not_needed": "不要",
    "sent_back": "差戻し",
}
OPEN_STATUSES = frozenset({"waiting", "in_progress", "sent_back"})
ORIGINS = {"sync": "同期", "qr": "QR", "interview": "聞き取り"}
INBOX_LIMIT = 200


class CaseNotFoundError(LookupError):
    """No such case."""


class CaseForbiddenError(PermissionError):
    """The case belongs to an office the user does not work at."""


class ProcedureState(msgspec.Struct, frozen=True):
    """One procedure of a case and where it stands."""

    id: str
    name: str
    department: str
    counter: str
    status: str
    approved_at: datetime | None
    approved_by: str | None


class CorrectionView(msgspec.Struct, frozen=True):
    """One recorded correction."""

    field: str
    before: str
    after: str
    gaiji: bool
    user: str
    at: datetime


class CaseSummary(msgspec.Struct, frozen=True):
    """A row of the inbox."""

    id: str
    office_id: str
    ticket: str
    origin: str
    life_event: str
    created_at: datetime
    synced: bool
    applicant: str
    household: list[str]
    current_counter: str | None
    procedures: list[ProcedureState]


class CaseDetail(msgspec.Struct, frozen=True):
    """One case in full: the summary, the (corrected) facts, the plan and the corrections."""

    summary: CaseSummary
    facts: Facts
    plan: Plan | None
    corrections: list[CorrectionView]


class InboxFilter(msgspec.Struct, frozen=True):
    """Inbox filters; empty means any."""

    office: str | None = None
    counter: str | None = None
    procedure: str | None = None
    status: str | None = None
    day: date | None = None


def _state(row: CaseProcedure) -> ProcedureState:
    return ProcedureState(
        row.procedure_id,
        row.name,
        row.department,
        row.counter,
        row.status,
        row.approved_at,
        row.approved_by,
    )


class _Counter(msgspec.Struct, frozen=True):
    id: str
    order: int


class _PlanCounters(msgspec.Struct, frozen=True):
    """Only what the inbox reads of a plan (decoding skips the rest)."""

    counters: list[_Counter] = msgspec.field(default_factory=list)


class _Name(msgspec.Struct, frozen=True):
    name: str


class _People(msgspec.Struct, frozen=True):
    """Only what the inbox reads of the facts."""

    applicant: _Name
    household: list[_Name] = msgspec.field(default_factory=list)


_plan_counters = msgspec.json.Decoder(_PlanCounters | None)
_people = msgspec.json.Decoder(_People)


def _current_counter(plan: _PlanCounters | None, procedures: list[CaseProcedure]) -> str | None:
    """The first counter, in visiting order, with a procedure still open there."""
    open_counters = {row.counter for row in procedures if row.status in OPEN_STATUSES}
    for counter in sorted(plan.counters if plan else [], key=lambda item: item.order):
        if counter.id in open_counters:
            return counter.id
    return next(iter(sorted(open_counters)), None)


def summary_of(work: WorkCase, procedures: list[CaseProcedure]) -> CaseSummary:
    """The inbox row of a working record."""
    people = _people.decode(work.facts)
    return CaseSummary(
        id=work.id,
        office_id=work.office_id,
        ticket=work.ticket,
        origin=work.origin,
        life_event=work.life_event,
        created_at=work.created_at,
        synced=work.synced_at is not None,
        applicant=people.applicant.name,
        household=[member.name for member in people.household],
        current_counter=_current_counter(_plan_counters.decode(work.plan), procedures),
        procedures=[_state(row) for row in procedures],
    )


def _procedures_of(session: Session, ids: list[str]) -> dict[str, list[CaseProcedure]]:
    grouped: dict[str, list[CaseProcedure]] = {case_id: [] for case_id in ids}
    query = (
        select(CaseProcedure).where(col(CaseProcedure.case_id).in_(ids)).order_by(col(CaseProcedure.counter))
    )
    for row in session.exec(query):
        grouped[row.case_id].append(row)
    return grouped


def inbox(engine: Engine, staff: Staff, wanted: InboxFilter) -> list[CaseSummary]:
    """The newest cases of the user's offices that match the filter."""
    offices = staff.offices & {wanted.office} if wanted.office else staff.offices
    query = select(WorkCase).where(col(WorkCase.office_id).in_(offices))
    if wanted.day is not None:
        start = datetime.combine(wanted.day, time(), CITY_TIME)
        query = query.where(
            col(WorkCase.created_at) >= start,
            col(WorkCase.created_at) < start + timedelta(days=1),
        )
    conditions = [
        getattr(CaseProcedure, name) == value
        for name, value in (
            ("counter", wanted.counter),
            ("procedure_id", wanted.procedure),
            ("status", wanted.status),
        )
        if value
    ]
    if conditions:
        matching = select(CaseProcedure.case_id).where(*conditions)
        query = query.where(col(WorkCase.id).in_(matching))
    query = query.order_by(col(WorkCase.created_at).desc()).limit(INBOX_LIMIT)
    with Session(engine) as session:
        works = list(session.exec(query))
        procedures = _procedures_of(session, [work.id for work in works])
    return [summary_of(work, procedures[work.id]) for work in works]


def load_work(session: Session, staff: Staff, case_id: str) -> WorkCase:
    """A working record the user may see; raises CaseNotFoundError or CaseForbiddenError."""
    work = session.get(WorkCase, case_id)
    if work is None:
        raise CaseNotFoundError(case_id)
    if not staff.may_see(work.office_id):
        raise CaseForbiddenError(case_id)
    return work


def detail_in(session: Session, work: WorkCase) -> CaseDetail:
    """The full view of a working record, read inside the caller's session."""
    procedures = _procedures_of(session, [work.id])[work.id]
    corrections = session.exec(
        select(Correction).where(Correction.case_id == work.id).order_by(col(Correction.id))
    )
    return CaseDetail(
        summary=summary_of(work, procedures),
        facts=msgspec.json.decode(work.facts, type=Facts),
        plan=decode_plan(work.plan),
        corrections=[
            CorrectionView(item.field, item.before, item.after, item.gaiji, item.user_name, item.at)
            for item in corrections
        ],
    )


def case_detail(engine: Engine, staff: Staff, case_id: str, action: str = "view") -> CaseDetail:
    """Open one case (logged as `action`: view, print, ...)."""
    with Session(engine) as session:
        work = load_work(session, staff, case_id)
        detail = detail_in(session, work)
        log.record(session, staff.name, action, office_id=work.office_id, case_id=work.id)
        session.commit()
    return detail
