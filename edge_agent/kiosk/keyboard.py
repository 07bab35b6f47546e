"""The on-screen keyboard's server side: kana→kanji candidates, and "continue" on the idle warning.

Both answer only a live session on this unit; what is typed is never logged or kept.
"""

from typing import Any

import anyio.to_thread
from litestar import Request, post

from .context import KioskContext


@post("/convert")
async def convert(request: Request[Any, Any, Any], kiosk: KioskContext) -> dict[str, Any]:
    """Kanji candidates for the kana typed since the last conversion (a live session only)."""
    kiosk.session(request)
    reading = str((await request.form()).get("reading", ""))
    length, candidates = await anyio.to_thread.run_sync(kiosk.converter.convert, reading)
    return {"length": length, "candidates": candidates}


@post("/touch", status_code=204, sync_to_thread=False)
def touch(request: Request[Any, Any, Any], kiosk: KioskContext) -> None:
    """ "Continue" on the idle warning: the citizen is still here, so the session lives on."""
    kiosk.session(request)


HANDLERS = [convert, touch]
