"""The kiosk's admin menu behind a PIN: unit and hardware health, a test slip, and closing the menu.

The admin PIN is compared in constant time and never logged; after repeated wrong PINs the menu locks for a
while. The menu shows no citizen data (only counts and hardware states) and the test slip holds none.
"""

from typing import Any

import anyio.to_thread
import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect

from edge_agent.hardware.printer import CounterStop, Slip

from .context import START, KioskContext, go
from .finish import print_slip
from .i18n import N_
from .start import field

ADMIN_COOKIE = "kiosk-admin"
TEST_SLIP = Slip(
    office="TEST",
    ticket="T-000",
    language="ja",
    stops=[CounterStop(name="テスト印刷 / Test print", floor="1F", procedures=["漢字 ABC 123"])],
    documents=["なし / none"],
    qr_text="MADOGUCHI TEST",
)


@get("/admin", sync_to_thread=False)
def admin_pin(kiosk: KioskContext) -> Response[str]:
    """The admin PIN pad (always Japanese: it is for staff)."""
    return kiosk.page("admin_pin.html.jinja", "ja", idle=False, error=None)


@post("/admin")
async def admin_login(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Open the admin menu with the right PIN."""
    pin = await field(request, "pin")
    if kiosk.admin_lock.locked():
        error = N_("Too many wrong PINs. Try again later.")
        return kiosk.page("admin_pin.html.jinja", "ja", status=403, idle=False, error=error)
    success = kiosk.settings.admin_pin_matches(pin)
    kiosk.admin_lock.record(success)
    if not success:
        error = N_("The PIN is not correct.")
        return kiosk.page("admin_pin.html.jinja", "ja", status=403, idle=False, error=error)
    session = kiosk.admin_sessions.start("ja")
    redirect = go("/kiosk/admin/menu")
    cookie = Cookie(
        key=ADMIN_COOKIE, value=session.token, path="/kiosk/admin", httponly=True, samesite="strict"
    )
    redirect.cookies.append(cookie)
    return redirect


def _admin(request: Request[Any, Any, Any], kiosk: KioskContext) -> bool:
    return kiosk.admin_sessions.get(request.cookies.get(ADMIN_COOKIE)) is not None


@get("/admin/menu")
async def admin_menu(
    request: Request[Any, Any, Any], kiosk: KioskContext, test_print: FromQuery[str] = ""
) -> Response[str] | Redirect:
    """Health of the unit and its hardware (no citizen data)."""
    if not _admin(request, kiosk):
        return go("/kiosk/admin")
    services = kiosk.services
    hardware = msgspec.to_builtins(await anyio.to_thread.run_sync(kiosk.hardware.health))
    unit = {
        "device_id": services.identity.device_id,
        "office_id": services.identity.office_id,
        "broker_connected": services.link.connected.is_set(),
        "outbox_depth": services.outbox.depth(),
        "kiosk_sessions": len(kiosk.sessions),
    }
    settings = {"idle_seconds": kiosk.settings.idle_seconds}
    page = "admin_menu.html.jinja"
    return kiosk.page(
        page, "ja", idle=False, unit=unit, hardware=hardware, settings=settings, test_print=test_print
    )


@post("/admin/test-print")
async def admin_test_print(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Print a test slip without any personal data."""
    if not _admin(request, kiosk):
        return go("/kiosk/admin")
    printed = await print_slip(kiosk, TEST_SLIP)
    return go(f"/kiosk/admin/menu?test_print={'ok' if printed else 'failed'}")


@post("/admin/close", sync_to_thread=False)
def admin_close(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Leave the admin menu."""
    kiosk.admin_sessions.end(request.cookies.get(ADMIN_COOKIE))
    redirect = go(START)
    redirect.delete_cookie(ADMIN_COOKIE, path="/kiosk/admin")
    return redirect


HANDLERS = [admin_pin, admin_login, admin_menu, admin_test_print, admin_close]
