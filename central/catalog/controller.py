"""`/staff/catalog`: the procedure catalog in words for supervisors and admins, and "try a household"."""

import asyncio
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Response

from central.accounts.auth import need_role
from central.accounts.service import Staff
from central.cases.views import CITY_TIME
from central.catalog.view import MAX_TRY_BYTES, TryResult, catalog_page, try_household
from central.models import Role
from central.templates import render
from central.web import StaffController


def _render(state: State, staff: Staff, tried: TryResult) -> Response[str]:
    page = catalog_page(state.staff_planner.catalog)
    status = 422 if tried.error else 200
    return render("staff/catalog.html", status, staff=staff, page=page, tried=tried, max_bytes=MAX_TRY_BYTES)


class CatalogPages(StaffController):
    """The catalog central plans with, as supervisors and admins read it (staff: 403)."""

    path = "/staff/catalog"

    @get("/", sync_to_thread=True)
    def page(
        self, state: State, staff: NamedDependency[Staff], example: FromQuery[str | None] = None
    ) -> Response[str]:
        """Every procedure and question in words; `?example=ID` puts that example in the try form."""
        need_role(staff, Role.SUPERVISOR, Role.ADMIN)
        page = catalog_page(state.staff_planner.catalog)
        chosen = example if example in page.example_facts else next(iter(page.example_facts), "")
        facts = page.example_facts.get(chosen, "")
        return _render(state, staff, TryResult(facts, datetime.now(CITY_TIME).date().isoformat(), chosen))

    @post("/try")
    async def try_it(
        self, request: Request[Any, Any, State], state: State, staff: NamedDependency[Staff]
    ) -> Response[str]:
        """Plan the posted household (nothing is stored): the plan, the open questions, or what is wrong."""
        need_role(staff, Role.SUPERVISOR, Role.ADMIN)
        form = await request.form()
        facts, today = str(form.get("facts", "")), str(form.get("today", ""))
        example = str(form.get("example", ""))
        tried = await asyncio.to_thread(try_household, state.staff_planner.catalog, facts, today, example)
        return _render(state, staff, tried)
