"""The dead-letter view: deliveries that did not go through, and re-sending them (supervisors, admins)."""

from typing import Annotated

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Redirect, Response

from central.accounts.auth import need_role
from central.accounts.service import Staff
from central.models import Role
from central.templates import render
from central.web import StaffController
from central.webhooks.endpoints import DeliveryView, requeue, undelivered

MAX_ID = 2**63 - 1
"""Database integers are 64-bit; larger ids are refused before they reach the driver."""


class WebhookController(StaffController):
    """`/staff/webhooks` (HTML) and `/api/staff/webhooks` (JSON)."""

    path = "/"

    @get("/api/staff/webhooks", sync_to_thread=True)
    def failing(self, state: State, staff: NamedDependency[Staff]) -> list[DeliveryView]:
        """Dead deliveries and pending ones that failed at least once."""
        need_role(staff, Role.SUPERVISOR, Role.ADMIN)
        return undelivered(state.engine, staff.offices)

    @get("/staff/webhooks", sync_to_thread=True)
    def failing_page(self, state: State, staff: NamedDependency[Staff]) -> Response[str]:
        """The same as a page, with a re-send button on dead ones."""
        need_role(staff, Role.SUPERVISOR, Role.ADMIN)
        return render("staff/webhooks.html", staff=staff, deliveries=undelivered(state.engine, staff.offices))

    @post("/staff/webhooks/{delivery_id:int}/resend", sync_to_thread=True)
    def resend(
        self,
        state: State,
        staff: NamedDependency[Staff],
        delivery_id: Annotated[int, PathParameter(ge=1, le=MAX_ID)],
    ) -> Redirect:
        """Queue a dead delivery again."""
        need_role(staff, Role.SUPERVISOR, Role.ADMIN)
        if not requeue(state.engine, staff, delivery_id):
            raise NotFoundException("再送できる配信がありません")
        return Redirect("/staff/webhooks", status_code=303)
