"""Mount the kiosk on the counter unit's local app: its screens under /kiosk/, static files, session sweeping.

Start-up order: the kiosk is built around already-started services (outbox, link, planner) and the
profile's hardware; the sweeper wipes idle sessions every second even if no request arrives, and stops the
camera of a scan screen that was wiped or went away. The kiosk must never serve anything to another
machine's citizens: the unit's API listens on loopback by default.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import anyio.to_thread
from litestar import Litestar, Request, Response, Router, get
from litestar.di import Provide
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.submission import EdgeServices
from procedures.catalog import Catalog
from protocol import date_entry

from . import admin, card, finish, household_role, keyboard, questions, start
from .context import START, KioskContext, SessionGone
from .settings import KioskSettings

STATIC = Path(__file__).resolve().parent / "static"
SWEEP_SECONDS = 1.0
SCREENS = [
    *start.HANDLERS,
    *household_role.HANDLERS,
    *card.HANDLERS,
    *questions.HANDLERS,
    *finish.HANDLERS,
    *keyboard.HANDLERS,
]
SCREENS += admin.HANDLERS

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def _to_start(request: Request[Any, Any, Any], _: SessionGone) -> Response[Any]:
    if request.headers.get("hx-request"):
        return Response("", status_code=200, headers={"HX-Redirect": START})
    return Redirect(START, status_code=303)


@get("/", sync_to_thread=False, include_in_schema=False)
def root() -> Redirect:
    """The unit's home page is the kiosk."""
    return Redirect(START)


@get("/kiosk/health", sync_to_thread=False)
def kiosk_health(kiosk: KioskContext) -> dict[str, int]:
    """How many citizen sessions are live (no personal data): zero once every session is wiped."""
    kiosk.sessions.sweep()
    return {"sessions": len(kiosk.sessions)}


class Kiosk:
    """The citizen kiosk of one counter unit."""

    def __init__(
        self,
        services: EdgeServices,
        catalog: Catalog,
        hardware: CounterUnitHardware,
        settings: KioskSettings,
    ) -> None:
        self.context = KioskContext(services, catalog, hardware, settings)

    def mount(self) -> tuple[Sequence[ControllerRouterHandler], Sequence[Lifespan]]:
        """Route handlers and lifespan hooks for `create_edge_app`."""
        context = self.context
        screens = Router(
            path="/kiosk",
            route_handlers=[*SCREENS],
            exception_handlers={SessionGone: _to_start},
            include_in_schema=False,
        )
        static = create_static_files_router(
            path="/kiosk/static", directories=[STATIC, date_entry.STATIC], include_in_schema=False
        )
        dependencies = {"kiosk": Provide(lambda: context, sync_to_thread=False)}
        handlers = Router(
            path="/", route_handlers=[root, kiosk_health, screens, static], dependencies=dependencies
        )
        return [handlers], [self._sweeper]

    @contextlib.asynccontextmanager
    async def _sweeper(self, _: Litestar) -> AsyncIterator[None]:
        context = self.context

        async def sweep() -> None:
            while True:
                await asyncio.sleep(SWEEP_SECONDS)
                context.sessions.sweep()
                context.admin_sessions.sweep()
                if context.scanner.watching:
                    await anyio.to_thread.run_sync(context.scanner.sweep, context.sessions.__contains__)

        task = asyncio.create_task(sweep(), name="kiosk-sweeper")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await anyio.to_thread.run_sync(context.scanner.close)
