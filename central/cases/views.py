"""What staff see of cases: the inbox (filtered) and one case in full, as msgspec DTOs apart from the tables.

Every function takes the logged-in `Staff` and only ever returns prepared cases of the user's offices; opening
one case writes an access-log entry in the same transaction. Never logs facts.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, cast

import msgspec
import sqlalchemy as sa
from sqlalchemy import ColumnElement, Connection, Engine
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.audit import log
from central.cases.search import newest_matching
from central.cases.versions import VersionView, versions_of
from central.city_time import city_day, city_zone
from central.db import json_text, unindexed
from central.errors import CaseForbiddenError, CaseNotFoundError
from central.models import Case, CaseProcedure, CaseStatus, Correction, Origin, ProcedureStatus
from procedures.catalog import Catalog
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
FEW_MATCHES = 2000
"""Procedure filters matching at most this many procedures look their cases up; more, and the page walks
the newest cases."""


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
    """Only what a summary reads of a plan (decoding skips the rest)."""

    counters: list[_Counter] = msgspec.field(default_factory=list)


class _Name(msgspec.Struct, frozen=True):
    name: str


class _People(msgspec.Struct, frozen=True):
    """Only what a summary reads of the facts."""

    applicant: _Name
    household: list[_Name] = msgspec.field(default_factory=list)


_plan_counters = msgspec.json.Decoder(_PlanCounters | None)
_people = msgspec.json.Decoder(_People)
_names = msgspec.json.Decoder(list[_Name] | None)
_case = Case.__table__  # type: ignore[attr-defined]
_procedure = CaseProcedure.__table__  # type: ignore[attr-defined]
_INBOX_COLUMNS = (
    _case.c.id,
    _case.c.office_id,
    _case.c.ticket,
    _case.c.status,
    _case.c.origin,
    _case.c.life_event,
    _case.c.created_at,
    _case.c.received_at,
    json_text(_case.c.facts, "applicant", "name").label("applicant"),
    json_text(_case.c.facts, "household").label("household"),
)
"""What an inbox row shows of a case: its columns and, of the facts, only the names, taken out by the
database. The plan (kilobytes of JSON) is not read at all: the catalog gives the visiting order."""
_PROCEDURE_COLUMNS = (
    _procedure.c.case_id,
    _procedure.c.procedure_id,
    _procedure.c.name,
    _procedure.c.department,
    _procedure.c.counter,
    _procedure.c.status,
    _procedure.c.approved_at,
    _procedure.c.approved_by,
)


class Listed(Protocol):
    """What a summary reads of a case row (a Case, or a plain row of the inbox's columns)."""

    id: str
    office_id: str
    ticket: str
    status: CaseStatus
    origin: Origin
    life_event: str
    created_at: datetime
    received_at: datetime | None


class Visits(msgspec.Struct, frozen=True):
    """A visiting order: the counters in the order they are visited, and each procedure's place."""

    counters: list[str]
    rank: dict[str, int]

    @classmethod
    def of_plan(cls, counters: list[_Counter]) -> "Visits":
        """The order a case's plan gives (the case page)."""
        ordered = sorted(counters, key=lambda item: item.order)
        procedures = (pid for counter in ordered for pid in counter.procedures)
        return cls([counter.id for counter in ordered], {pid: index for index, pid in enumerate(procedures)})

    @classmethod
    def of_catalog(cls, catalog: Catalog) -> "Visits":
        """The order the navigator plans with (counters by their order, each counter's procedures in
        catalog order): the inbox's, with no plan to read. The same as a case's own plan unless the
        catalog changed since it was planned."""
        ordered = sorted(catalog.counters.values(), key=lambda counter: (counter.order, counter.id))
        procedures = (
            item.procedure.id
            for counter in ordered
            for item in catalog.procedures
            if item.procedure.counter == counter.id
        )
        return cls([counter.id for counter in ordered], {pid: index for index, pid in enumerate(procedures)})


def _current_counter(visits: Visits, procedures: Sequence[ProcedureRow]) -> str | None:
    """The first counter, in visiting order, with a procedure still open there."""
    open_counters = {row.counter for row in procedures if row.status in OPEN_STATUSES}
    for counter in visits.counters:
        if counter in open_counters:
            return counter
    return next(iter(sorted(open_counters)), None)


def _visiting_order(visits: Visits, procedures: Sequence[ProcedureRow]) -> list[ProcedureRow]:
    """The procedures in visiting order (counter by counter); those the order lacks come last."""
    last = len(visits.rank)
    return sorted(procedures, key=lambda row: (visits.rank.get(row.procedure_id, last), row.procedure_id))


def _summary(
    case: Listed,
    people: list[str],
    visits: Visits,
    procedures: Sequence[ProcedureRow],
) -> CaseSummary:
    """The inbox row of a case (`people`: the applicant's name, then the household's), its procedures in
    visiting order."""
    return CaseSummary(
        id=case.id,
        office_id=case.office_id,
        ticket=case.ticket,
        status=case.status,
        origin=case.origin,
        life_event=case.life_event,
        created_at=case.created_at,
        synced=case.received_at is not None,
        applicant=people[0],
        household=people[1:],
        current_counter=_current_counter(visits, procedures),
        procedures=[_state(row) for row in _visiting_order(visits, procedures)],
    )


def summary_of(case: Case, procedures: Sequence[ProcedureRow]) -> CaseSummary:
    """The summary of a case read in full (the case page), in its own plan's visiting order."""
    people = _people.decode(case.facts)
    plan = _plan_counters.decode(case.plan)
    names = [people.applicant.name, *(member.name for member in people.household)]
    return _summary(case, names, Visits.of_plan(plan.counters if plan else []), procedures)


def procedures_of(session: Session, ids: list[str]) -> dict[str, list[ProcedureRow]]:
    """The procedure rows of these cases, by case id (plain rows of the columns shown: no ORM objects to
    build for a page)."""
    grouped: dict[str, list[ProcedureRow]] = {case_id: [] for case_id in ids}
    query = (
        sa.select(*_PROCEDURE_COLUMNS)
        .where(_procedure.c.case_id.in_(ids))
        .order_by(_procedure.c.counter, _procedure.c.procedure_id)
    )
    for row in session.connection().execute(query):
        grouped[row.case_id].append(cast(ProcedureRow, row))
    return grouped


def _newest(
    conn: Connection,
    ids: list[str],
    offices: frozenset[str],
    time_taken: list[ColumnElement[bool]],
    procedure: list[tuple[str, str]],
) -> list[str]:
    """Of these few cases (a search's or a filter's), the ids of the newest page of the user's offices'
    prepared cases taken in the time range with a procedure matching the filter. Reads no JSON and has no
    order to keep, so the database looks each case up by its key (an office's index would walk every case
    of the office when the ids are few)."""
    query = sa.select(_case.c.id, _case.c.office_id, _case.c.created_at).where(
        _case.c.id.in_(ids), _case.c.prepared_at.is_not(None), *time_taken
    )
    if procedure:
        query = query.where(_matching_procedure(procedure))
    rows = [row for row in conn.execute(query) if row.office_id in offices]
    rows.sort(key=lambda row: row.created_at, reverse=True)
    return [row.id for row in rows[:INBOX_LIMIT]]


def _matching_procedure(wanted: list[tuple[str, str]]) -> ColumnElement[bool]:
    """The case has a procedure with these column values: a probe of the case's own procedure rows by its
    key, never a column's own index (which for a common value holds most of the table)."""
    matches = [unindexed(_procedure.c[name]) == value for name, value in wanted]
    return sa.exists().where(_procedure.c.case_id == _case.c.id, *matches)


def inbox(
    engine: Engine, catalog: Catalog, staff: Staff, wanted: InboxFilter, *, logged: bool = True
) -> list[CaseSummary]:
    """The newest cases of the user's offices that match the filter, procedures in the catalog's visiting
    order; the view is access-logged per office, in the same transaction, unless `logged` is False (the live
    rows htmx polls every few seconds, under a logged page view).

    A search's keys, or procedure filters few procedures match (open work at a counter), pick the
    candidate cases through an index, and only those are looked up; otherwise the page walks the offices'
    newest cases (`ix_case_inbox`) and stops at the first page that matches."""
    offices = staff.offices & {wanted.office} if wanted.office else staff.offices
    start, end = city_day(wanted.day) if wanted.day is not None else (None, None)
    if wanted.before is not None:
        end = min(end, wanted.before) if end else wanted.before
    time_taken = [_case.c.created_at >= start] if start is not None else []
    time_taken += [_case.c.created_at < end] if end is not None else []
    procedure = [
        (name, value)
        for name, value in (
            ("counter", wanted.counter),
            ("procedure_id", wanted.procedure),
            ("status", wanted.status),
        )
        if value
    ]
    query = sa.select(*_INBOX_COLUMNS).order_by(_case.c.created_at.desc()).limit(INBOX_LIMIT)
    with Session(engine) as session:
        conn = session.connection()
        candidates: list[str] | None = None
        if wanted.query:
            candidates = newest_matching(conn, wanted.query, offices, start, end)
        elif procedure:
            conditions = [_procedure.c[name] == value for name, value in procedure]
            few = sa.select(_procedure.c.case_id).where(*conditions).limit(FEW_MATCHES + 1)
            found = list(conn.execute(few).scalars())  # rows, not cases: no DISTINCT to read them all
            candidates = list(dict.fromkeys(found)) if len(found) <= FEW_MATCHES else None
        if candidates is not None:
            query = query.where(_case.c.id.in_(_newest(conn, candidates, offices, time_taken, procedure)))
        else:
            query = query.where(_case.c.office_id.in_(offices), _case.c.prepared_at.is_not(None), *time_taken)
            if procedure:
                query = query.where(_matching_procedure(procedure))
        rows = list(conn.execute(query))
        procedures = procedures_of(session, [row.id for row in rows])
        visits = Visits.of_catalog(catalog)
        summaries = [
            _summary(
                row,
                [row.applicant, *(member.name for member in _names.decode(row.household or "null") or [])],
                visits,
                procedures[row.id],
            )
            for row in rows
        ]
        if logged:
            subjects = [(office, None) for office in sorted(offices)]
            log.record_each(session, staff.name, "inbox", subjects, detail=f"{len(rows)} cases")
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
