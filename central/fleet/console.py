"""The fleet console (admins only): every unit's health and alerts, refreshed live, and its remote commands.

`/staff/fleet` is the page; its table reloads `/staff/fleet/rows` every few seconds (htmx), so a unit going
offline or running out of paper shows up without a reload. `/api/staff/fleet` gives the same as JSON for
monitoring scripts. A command asked for here is queued and signed by central's fleet loop as it leaves.
"""

from typing import Annotated

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, URLEncodedBody
from litestar.response import Redirect, Response
from msgspec import Struct

from central.accounts.auth import need_role
from central.accounts.service import Staff
from central.fleet.channel import queue_command
from central.fleet.health import FleetView, fleet_view
from central.models import Role
from central.templates import render
from central.web import StaffController
from protocol.config import CommandName

COMMAND_NAMES: dict[str, str] = {
    "print_test_slip": "テスト印刷",
    "reload": "再読み込み",
    "rotate_identity": "証明書の更新",
    "wipe_local_data": "端末データの消去",
}


class CommandForm(Struct, forbid_unknown_fields=True):
    """The command picked for a unit (and the CSRF token every staff form carries)."""

    name: CommandName
    csrf_token: str = ""


class FleetConsole(StaffController):
    """`/staff/fleet` (HTML) and `/api/staff/fleet` (JSON), for admins."""

    path = "/"

    @get("/api/staff/fleet", sync_to_thread=True)
    def fleet(self, state: State, staff: NamedDependency[Staff]) -> FleetView:
        """Every unit with its state and alerts, and the latest rollout."""
        need_role(staff, Role.ADMIN)
        return fleet_view(state.engine)

    @get("/staff/fleet", sync_to_thread=True)
    def page(self, state: State, staff: NamedDependency[Staff]) -> Response[str]:
        """The console."""
        need_role(staff, Role.ADMIN)
        return render("staff/fleet.html", staff=staff, fleet=fleet_view(state.engine), commands=COMMAND_NAMES)

    @get("/staff/fleet/rows", sync_to_thread=True)
    def rows(self, state: State, staff: NamedDependency[Staff]) -> Response[str]:
        """The table's rows and the rollout line, for the page's polling."""
        need_role(staff, Role.ADMIN)
        return render(
            "staff/fleet_rows.html", staff=staff, fleet=fleet_view(state.engine), commands=COMMAND_NAMES
        )

    @post("/staff/fleet/{device_id:str}/commands", sync_to_thread=True)
    def command(
        self,
        state: State,
        staff: NamedDependency[Staff],
        device_id: Annotated[str, PathParameter(max_length=64)],
        data: URLEncodedBody[CommandForm],
    ) -> Redirect:
        """Queue a command for a unit; central signs and sends it within seconds."""
        need_role(staff, Role.ADMIN)
        try:
            queue_command(state.engine, device_id, data.name, staff.name)
        except KeyError as exc:
            raise NotFoundException("その端末は登録されていないか、失効しています") from exc
        return Redirect("/staff/fleet", status_code=303)
