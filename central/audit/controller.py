"""The access log for supervisors: `/staff/access-log` (HTML) and `/api/staff/access-log` (JSON)."""

from datetime import datetime

import msgspec
from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Response
from sqlalchemy import Engine

from central.accounts.auth import need_role
from central.accounts.service import Staff
from central.audit import log
from central.models import Role
from central.templates import render
from central.web import StaffController


class AccessView(msgspec.Struct, frozen=True):
    """One access-log entry."""

    at: datetime
    user: str
    action: str
    office_id: str | None
    case_id: str | None
    detail: str


def _entries(engine: Engine, staff: NamedDependency[Staff], case_id: str | None) -> list[AccessView]:
    need_role(staff, Role.SUPERVISOR, Role.ADMIN)
    return [
        AccessView(
            entry.at,
            entry.user_name,
            entry.action,
            entry.office_id,
            entry.case_id,
            entry.detail,
        )
        for entry in log.entries(engine, staff.offices, case_id)
    ]


class AccessLogController(StaffController):
    """Read the access log of the user's offices (supervisors and admins only)."""

    path = "/"

    @get("/api/staff/access-log", sync_to_thread=True)
    def access_log(
        self, state: State, staff: NamedDependency[Staff], case_id: FromQuery[str | None] = None
    ) -> list[AccessView]:
        """Newest first, at most 500 entries."""
        return _entries(state.engine, staff, case_id)

    @get("/staff/access-log", sync_to_thread=True)
    def access_log_page(
        self, state: State, staff: NamedDependency[Staff], case_id: FromQuery[str | None] = None
    ) -> Response[str]:
        """The same as a page."""
        return render(
            "staff/access_log.html",
            staff=staff,
            entries=_entries(state.engine, staff, case_id),
        )
