"""Staff pages: the inbox (live via htmx), the case page, counter work by QR, and the JSON case API.

Thin: parse, call a service in a worker thread, render or redirect. Every handler depends on `staff`, so
none answers anonymously, and unsafe methods need the session's CSRF token (central/web.py).
"""

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

import msgspec
from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Response

from central.accounts.service import Staff
from central.cases import actions
from central.cases.answers import answers_by_procedure
from central.cases.approval import approvable_departments
from central.cases.counter import open_by_qr
from central.cases.labels import SEXES, StaffLabels, office_names
from central.cases.versions import return_comments
from central.cases.views import (
    CASE_STATUSES,
    INBOX_LIMIT,
    ORIGINS,
    STATUSES,
    CaseDetail,
    CaseSummary,
    InboxFilter,
    case_detail,
    inbox,
)
from central.city_time import as_utc, city_today
from central.models import ProcedureStatus
from central.templates import render
from central.web import StaffController


class StatusForm(msgspec.Struct):
    """New status of a procedure."""

    status: str


class CorrectionForm(msgspec.Struct):
    """A correction: the field (e.g. applicant.name), the new value, and the 外字 flag."""

    field: str
    value: str
    gaiji: str = ""


class ReturnForm(msgspec.Struct):
    """Why a procedure goes back to the counter."""

    comment: str


class BulkApproveForm(msgspec.Struct):
    """The cases ticked in the inbox."""

    case_id: list[str] | str = msgspec.field(default_factory=list)

    def ids(self) -> list[str]:
        """The ticked case ids (one tick arrives as a plain string)."""
        return [self.case_id] if isinstance(self.case_id, str) else self.case_id


class QrForm(msgspec.Struct):
    """The text of a slip's QR, as a USB scanner types it or the camera reads it."""

    qr: str


def inbox_filter(
    office: FromQuery[str | None] = None,
    counter: FromQuery[str | None] = None,
    procedure: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    day: Annotated[str | None, QueryParameter(description="city calendar day, YYYY-MM-DD")] = None,
    q: Annotated[str | None, QueryParameter(description="a ticket number or the start of a name")] = None,
    before: Annotated[
        str | None, QueryParameter(description="ISO 8601: only cases taken before (the next page)")
    ] = None,
) -> InboxFilter:
    """The inbox filter from the query; empty fields (as an HTML form sends them) mean any."""
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError as exc:
        raise ValidationException("受付日の形式が正しくありません（YYYY-MM-DD）") from exc
    if q is not None and len(q) > 100:
        raise ValidationException("検索語が長すぎます")
    try:
        older = datetime.fromisoformat(before) if before else None
    except ValueError as exc:
        raise ValidationException("before の形式が正しくありません（ISO 8601）") from exc
    older = as_utc(older) if older else None
    wanted = (office or None, counter or None, procedure or None, status or None, chosen, q or None, older)
    return InboxFilter(*wanted)


def older_query(wanted: InboxFilter, cases: list[CaseSummary]) -> str:
    """The query string of the next inbox page: the same filters, cases taken before the last one shown."""
    fields = {
        "office": wanted.office,
        "counter": wanted.counter,
        "procedure": wanted.procedure,
        "status": wanted.status,
        "day": wanted.day.isoformat() if wanted.day else None,
        "q": wanted.query,
        "before": as_utc(cases[-1].created_at).isoformat() if cases else None,
    }
    return urlencode({key: value for key, value in fields.items() if value})


def staff_labels(state: State) -> StaffLabels:
    """The labels for the city's catalog and offices."""
    return StaffLabels(state.staff_planner.catalog, office_names(state.settings.data_dir))


FILTER_DEPENDENCY = {"wanted": Provide(inbox_filter, sync_to_thread=False)}


class CasePages(StaffController):
    """`/staff/...`: HTML for people."""

    path = "/staff"

    @get("/", sync_to_thread=True, dependencies=FILTER_DEPENDENCY)
    def inbox_page(
        self,
        state: State,
        staff: NamedDependency[Staff],
        wanted: NamedDependency[InboxFilter],
        approved: Annotated[int | None, QueryParameter(description="procedures just bulk-approved")] = None,
    ) -> Response[str]:
        """The inbox with its filters, search, the export link and bulk approval."""
        cases = inbox(state.engine, state.staff_planner.catalog, staff, wanted)
        return render(
            "staff/inbox.html",
            staff=staff,
            cases=cases,
            wanted=wanted,
            statuses=STATUSES,
            origins=ORIGINS,
            labels=staff_labels(state),
            approved=approved,
            today=city_today().isoformat(),
            page_size=INBOX_LIMIT,
            older_query=older_query(wanted, cases),
        )

    @get("/inbox/rows", sync_to_thread=True, dependencies=FILTER_DEPENDENCY)
    def inbox_rows(
        self, state: State, staff: NamedDependency[Staff], wanted: NamedDependency[InboxFilter]
    ) -> Response[str]:
        """The inbox's rows alone: htmx polls this for live updates."""
        cases = inbox(state.engine, state.staff_planner.catalog, staff, wanted, logged=False)
        return render(
            "staff/inbox_rows.html",
            cases=cases,
            statuses=STATUSES,
            origins=ORIGINS,
            labels=staff_labels(state),
        )

    @get("/cases/{case_id:str}", sync_to_thread=True)
    def case_page(self, state: State, staff: NamedDependency[Staff], case_id: FromPath[str]) -> Response[str]:
        """One case: household, every answer by procedure, procedures in visiting order with their status,
        corrections and versions."""
        detail = case_detail(state.engine, staff, case_id)
        labels = staff_labels(state)
        procedures = detail.summary.procedures
        sent_back = {p.id for p in procedures if p.status == ProcedureStatus.SENT_BACK}
        mine = approvable_departments(state.engine, staff, {p.department for p in procedures})
        return render(
            "staff/case.html",
            staff=staff,
            case=detail,
            statuses=STATUSES,
            case_statuses=CASE_STATUSES,
            origins=ORIGINS,
            labels=labels,
            answers=answers_by_procedure(labels, detail.facts, detail.plan),
            versions=detail.versions,
            returns=return_comments(detail.versions, sent_back),
            departments=list(dict.fromkeys(p.department for p in procedures)),
            approvable=mine,
            may_reopen=bool(mine),
            sexes=SEXES,
            relations={key: value.label["ja"] for key, value in labels.catalog.relations.items()},
        )

    @post("/cases/{case_id:str}/procedures/{procedure_id:str}/status", sync_to_thread=True)
    def set_status(
        self,
        state: State,
        staff: NamedDependency[Staff],
        case_id: FromPath[str],
        procedure_id: FromPath[str],
        data: URLEncodedBody[StatusForm],
    ) -> Redirect:
        """Move a procedure to another status."""
        actions.set_status(state.engine, staff, case_id, procedure_id, data.status)
        return Redirect(f"/staff/cases/{case_id}", status_code=303)

    @post(
        "/cases/{case_id:str}/procedures/{procedure_id:str}/approve",
        sync_to_thread=True,
    )
    def approve(
        self, state: State, staff: NamedDependency[Staff], case_id: FromPath[str], procedure_id: FromPath[str]
    ) -> Redirect:
        """Approve a procedure for the core systems."""
        actions.approve(state.engine, staff, case_id, procedure_id)
        return Redirect(f"/staff/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:str}/procedures/{procedure_id:str}/return", sync_to_thread=True)
    def return_procedure(
        self,
        state: State,
        staff: NamedDependency[Staff],
        case_id: FromPath[str],
        procedure_id: FromPath[str],
        data: URLEncodedBody[ReturnForm],
    ) -> Redirect:
        """Return a procedure to the counter with a comment."""
        actions.return_procedure(state.engine, staff, case_id, procedure_id, data.comment)
        return Redirect(f"/staff/cases/{case_id}", status_code=303)

    @post("/cases/{case_id:str}/procedures/{procedure_id:str}/reopen", sync_to_thread=True)
    def reopen(
        self, state: State, staff: NamedDependency[Staff], case_id: FromPath[str], procedure_id: FromPath[str]
    ) -> Redirect:
        """Take back an approval."""
        actions.reopen(state.engine, staff, case_id, procedure_id)
        return Redirect(f"/staff/cases/{case_id}", status_code=303)

    @post("/approve", sync_to_thread=True)
    def approve_many(
        self, state: State, staff: NamedDependency[Staff], data: URLEncodedBody[BulkApproveForm]
    ) -> Redirect:
        """Approve every open procedure of the user's departments in the ticked cases."""
        if not data.ids():
            raise ValidationException("承認する案件を選んでください")
        count = actions.approve_many(state.engine, staff, data.ids())
        return Redirect(f"/staff/?approved={count}", status_code=303)

    @post("/cases/{case_id:str}/corrections", sync_to_thread=True)
    def correct(
        self,
        state: State,
        staff: NamedDependency[Staff],
        case_id: FromPath[str],
        data: URLEncodedBody[CorrectionForm],
    ) -> Redirect:
        """Correct one fact, or flag it for 外字 handling."""
        actions.correct(
            state.engine,
            state.staff_planner,
            staff,
            case_id,
            data.field,
            data.value,
            bool(data.gaiji),
        )
        return Redirect(f"/staff/cases/{case_id}", status_code=303)

    @get("/counter", sync_to_thread=False)
    def counter_page(self, staff: NamedDependency[Staff]) -> Response[str]:
        """Scan a slip: the QR field takes a USB scanner's typing, or the browser camera fills it."""
        return render("staff/counter.html", staff=staff)

    @post("/counter", sync_to_thread=True)
    def open_qr(self, state: State, staff: NamedDependency[Staff], data: URLEncodedBody[QrForm]) -> Redirect:
        """Open the case on a slip, recording it if it has not synced yet."""
        case_id = open_by_qr(state.engine, state.counter_keys, state.staff_planner, staff, data.qr)
        return Redirect(f"/staff/cases/{case_id}", status_code=303)


class CaseApi(StaffController):
    """`/api/staff/cases`: the same cases as JSON, for scripts and RPA."""

    path = "/api/staff/cases"

    @get("/", sync_to_thread=True, dependencies=FILTER_DEPENDENCY)
    def list_cases(
        self, state: State, staff: NamedDependency[Staff], wanted: NamedDependency[InboxFilter]
    ) -> list[CaseSummary]:
        """The inbox as JSON (newest first, 50 at a time; `before` pages to older ones)."""
        return inbox(state.engine, state.staff_planner.catalog, staff, wanted)

    @get("/{case_id:str}", sync_to_thread=True)
    def get_case(self, state: State, staff: NamedDependency[Staff], case_id: FromPath[str]) -> CaseDetail:
        """One case in full (logged as a view)."""
        return case_detail(state.engine, staff, case_id)
