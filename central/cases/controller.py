"""Staff pages: the inbox (live via htmx), the case page, counter work by QR, and the JSON case API.

Thin: parse, call a service in a worker thread, render or redirect. Every handler depends on `staff`, so
none answers anonymously, and unsafe methods need the session's CSRF token (central/web.py).
"""

from datetime import date
from typing import Annotated

import msgspec
from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Response

from central.accounts.service import Staff
from central.cases import actions
from central.cases.counter import open_by_qr
from central.cases.views import (
    CASE_STATUSES,
    ORIGINS,
    STATUSES,
    CaseDetail,
    CaseSummary,
    InboxFilter,
    case_detail,
    inbox,
)
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


class QrForm(msgspec.Struct):
    """The text of a slip's QR, as a USB scanner types it or the camera reads it."""

    qr: str


def inbox_filter(
    office: FromQuery[str | None] = None,
    counter: FromQuery[str | None] = None,
    procedure: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    day: Annotated[
        str | None, QueryParameter(description="city calendar day, YYYY-MM-DD (Asia/Tokyo)")
    ] = None,
) -> InboxFilter:
    """The inbox filter from the query; empty fields (as an HTML form sends them) mean any."""
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError as exc:
        raise ValidationException("受付日の形式が正しくありません（YYYY-MM-DD）") from exc
    return InboxFilter(office or None, counter or None, procedure or None, status or None, chosen)


FILTER_DEPENDENCY = {"wanted": Provide(inbox_filter, sync_to_thread=False)}


class CasePages(StaffController):
    """`/staff/...`: HTML for people."""

    path = "/staff"

    @get("/", sync_to_thread=True, dependencies=FILTER_DEPENDENCY)
    def inbox_page(
        self, state: State, staff: NamedDependency[Staff], wanted: NamedDependency[InboxFilter]
    ) -> Response[str]:
        """The inbox with its filters."""
        cases = inbox(state.engine, staff, wanted)
        return render(
            "staff/inbox.html",
            staff=staff,
            cases=cases,
            wanted=wanted,
            statuses=STATUSES,
            origins=ORIGINS,
        )

    @get("/inbox/rows", sync_to_thread=True, dependencies=FILTER_DEPENDENCY)
    def inbox_rows(
        self, state: State, staff: NamedDependency[Staff], wanted: NamedDependency[InboxFilter]
    ) -> Response[str]:
        """The inbox's rows alone: htmx polls this for live updates."""
        cases = inbox(state.engine, staff, wanted, logged=False)
        return render("staff/inbox_rows.html", cases=cases, statuses=STATUSES, origins=ORIGINS)

    @get("/cases/{case_id:str}", sync_to_thread=True)
    def case_page(self, state: State, staff: NamedDependency[Staff], case_id: FromPath[str]) -> Response[str]:
        """One case: household, plan, procedures with their status, corrections."""
        detail = case_detail(state.engine, staff, case_id)
        return render(
            "staff/case.html",
            staff=staff,
            case=detail,
            statuses=STATUSES,
            case_statuses=CASE_STATUSES,
            origins=ORIGINS,
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
        """The inbox as JSON (newest first, at most 200)."""
        return inbox(state.engine, staff, wanted)

    @get("/{case_id:str}", sync_to_thread=True)
    def get_case(self, state: State, staff: NamedDependency[Staff], case_id: FromPath[str]) -> CaseDetail:
        """One case in full (logged as a view)."""
        return case_detail(state.engine, staff, case_id)
