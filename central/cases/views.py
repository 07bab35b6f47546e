"""What staff see of cases: the inbox (filtered) and one case in full, as msgspec DTOs apart from the tables.

Every function takes the logged-in `Staff` and only ever returns prepared cases of the user's offices; opening
one case writes an access-log entry in the same transaction. Never logs facts.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, cast

import msgspec
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.audit import log
from central.cases.search import newest_matching
from central.cases.versions import VersionView, versions_of
from central.city_time import city_day, city_zone
from central.errors import CaseForbiddenError, CaseNotFoundError
from central.models import Case, CaseProcedure, CaseStatus, Correction, Origin, ProcedureStatus
from protocol.facts import Facts
from protocol.plan import Plan, decode_plan

CITY_TIME = city_zone()
"""The city's time zone (MADOGUCHI_TIME_ZONE, central/city_time.py), for the slices that import it here."""
STATUSES = {
    ProcedureStatus.WAITING: "待ち",
    ProcedureStatus.IN_PROGRESS: "対応中",
    ProcedureStatus.DONE: "完了",
    ProcedureStatus.NOT_NEEDED: "不要",
    ProcedureStatus.SENT_BACK: "差戻し",
}
"""A procedure's status as staff read it."""
CASE_STATUSES = {
    CaseStatus.RECEIVED: "受付",
    CaseStatus.IN_PROGRESS: "対応中",
    CaseStatus.DONE: "完了",
    CaseStatus.APPROVED: "承認済",
}
OPEN_STATUSES = frozenset({ProcedureStatus.WAITING, ProcedureStatus.IN_PROGRESS, ProcedureStatus.SENT_BACK})
ORIGINS = {Origin.SYNC: "同期", Origin.QR: "QR", Origin.INTERVIEW: "聞き取り"}
INBOX_LIMIT = 50
"""Cases per inbox page; older ones are a page further (`before`)."""


class ProcedureState(msgspec.Struct, frozen=True):
    """One procedure of a case and where it stands."""

    id: str
    name: str
    department: str
    counter: str
    status: ProcedureStatus
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
    status: CaseStatus
    origin: Origin
    life_event: str
    created_at: datetime
    synced: bool
    applicant: str
    household: list[str]
    current_counter: str | None
    procedures: list[ProcedureState]


class CaseDetail(msgspec.Struct, frozen=True):
    """One case in full: the summary, the (corrected) facts, the plan, the corrections and the versions."""

    summary: CaseSummary
    facts: Facts
    plan: Plan | None
    corrections: list[CorrectionView]
    versions: list[VersionView]


class InboxFilter(msgspec.Struct, frozen=True):
    """Inbox filters; empty means any."""

    office: str | None = None
    counter: str | None = None
    procedure: str | None = None
    status: str | None = None
    day: date | None = None
    query: str | None = None
    """A ticket number, or the start of a name in the household (family name, given name or both)."""
    before: datetime | None = None
    """Only cases taken before this (the next page of older cases)."""


class ProcedureRow(Protocol):
    """What the staff views read of a procedure row (an ORM object or a plain row of its columns)."""

    case_id: str
    procedure_id: str
    name: str
    department: str
    counter: str
    status: ProcedureStatus
    approved_at: datetime | None
    approved_by: str | None


def _state(row: ProcedureRow) -> ProcedureState:
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
    procedures: list[str] = msgspec.field(default_factory=list)


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


def _current_counter(plan: _PlanCounters | None, procedures: Sequence[ProcedureRow]) -> str | None:
    """The first counter, in visiting order, with a procedure still open there."""
    open_counters = {row.counter for row in procedures if row.status in OPEN_STATUSES}
    for counter in sorted(plan.counters if plan else [], key=lambda item: item.order):
        if counter.id in open_counters:
            return counter.id
    return next(iter(sorted(open_counters)), None)


def _visiting_order(plan: _PlanCounters | None, procedures: Sequence[ProcedureRow]) -> list[ProcedureRow]:
    """The procedures in the plan's visiting order (counter by counter); those the plan dropped come last."""
    counters = sorted(plan.counters if plan else [], key=lambda item: item.order)
    rank = {pid: index for index, pid in enumerate(pid for counter in counters for pid in counter.procedures)}
    return sorted(procedures, key=lambda row: (rank.get(row.procedure_id, len(rank)), row.procedure_id))


def summary_of(case: Case, procedures: Sequence[ProcedureRow]) -> CaseSummary:
    """The inbox row of a case, its procedures in visiting order."""
    people = _people.decode(case.facts)
    plan = _plan_counters.decode(case.plan)
    return CaseSummary(
        id=case.id,
        office_id=case.office_id,
        ticket=case.ticket,
        status=case.status,
        origin=case.origin,
        life_event=case.life_event,
        created_at=case.created_at,
        synced=case.received_at is not None,
        applicant=people.applicant.name,
        household=[member.name for member in people.household],
        current_counter=_current_counter(plan, procedures),
        procedures=[_state(row) for row in _visiting_order(plan, procedures)],
    )


def procedures_of(session: Session, ids: list[str]) -> dict[str, list[ProcedureRow]]:
    """The procedure rows of these cases, by case id (plain rows: no ORM objects to build for a page)."""
    grouped: dict[str, list[ProcedureRow]] = {case_id: [] for case_id in ids}
    table = CaseProcedure.__table__  # type: ignore[attr-defined]
    query = sa.select(table).where(table.c.case_id.in_(ids)).order_by(table.c.counter, table.c.procedure_id)
    for row in session.connection().execute(query):
        grouped[row.case_id].append(cast(ProcedureRow, row))
    return grouped


def inbox(engine: Engine, staff: Staff, wanted: InboxFilter, *, logged: bool = True) -> list[CaseSummary]:
    """The newest cases of the user's offices that match the filter; the view is access-logged per office
    unless `logged` is False (the live rows htmx polls every few seconds, under a logged page view)."""
    offices = staff.offices & {wanted.office} if wanted.office else staff.offices
    start, end = city_day(wanted.day) if wanted.day is not None else (None, None)
    if wanted.before is not None:
        end = min(end, wanted.before) if end else wanted.before
    query = select(Case).where(col(Case.prepared_at).is_not(None))
    if start is not None:
        query = query.where(col(Case.created_at) >= start)
    if end is not None:
        query = query.where(col(Case.created_at) < end)
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
        with_procedure = select(CaseProcedure.case_id).where(*conditions)
        query = query.where(col(Case.id).in_(with_procedure))
    query = query.order_by(col(Case.created_at).desc()).limit(INBOX_LIMIT)
    with Session(engine) as session:
        if wanted.query:  # the key table picks the cases: then only those are read
            hits = newest_matching(session.connection(), wanted.query, offices, start, end)
            query = query.where(col(Case.id).in_(hits))
        else:
            query = query.where(col(Case.office_id).in_(offices))
        cases = list(session.exec(query))
        procedures = procedures_of(session, [case.id for case in cases])
        summaries = [summary_of(case, procedures[case.id]) for case in cases]
        if logged:
            for office in sorted(offices):
                log.record(session, staff.name, "inbox", office_id=office, detail=f"{len(cases)} cases")
            session.commit()
    return summaries


def load_case(session: Session, staff: Staff, case_id: str) -> Case:
    """A prepared case the user may see; raises CaseNotFoundError or CaseForbiddenError."""
    case = session.get(Case, case_id)
    if case is None or case.prepared_at is None:
        raise CaseNotFoundError
    if not staff.may_see(case.office_id):
        raise CaseForbiddenError
    return case


def detail_in(session: Session, case: Case) -> CaseDetail:
    """The full view of a case, read inside the caller's session."""
    procedures = procedures_of(session, [case.id])[case.id]
    corrections = session.exec(
        select(Correction).where(Correction.case_id == case.id).order_by(col(Correction.id))
    )
    return CaseDetail(
        summary=summary_of(case, procedures),
        facts=msgspec.json.decode(case.facts, type=Facts),
        plan=decode_plan(case.plan),
        corrections=[
            CorrectionView(item.field, item.before, item.after, item.gaiji, item.user_name, item.at)
            for item in corrections
        ],
        versions=versions_of(session, case.id),
    )


def case_detail(engine: Engine, staff: Staff, case_id: str, action: str = "view") -> CaseDetail:
    """Open one case (logged as `action`: view, print, ...)."""
    with Session(engine) as session:
        case = load_case(session, staff, case_id)
        detail = detail_in(session, case)
        log.record(session, staff.name, action, office_id=case.office_id, case_id=case.id)
        session.commit()
    return detail
