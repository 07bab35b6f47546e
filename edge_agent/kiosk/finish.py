"""Review, confirm, slip: the plan is shown, then sealed into the outbox, then the slip is printed.

The submission is durable before the citizen is told it is done; a printer problem never loses it (the
slip can be printed again). Nothing here logs personal data or the slip's QR.
"""

from datetime import datetime
from typing import Any

import anyio
import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.response import Redirect

from edge_agent.hardware.printer import PrinterError, Slip
from edge_agent.submission import submit
from procedures.answers import MissingFacts
from procedures.planner import FACTS_ERRORS
from protocol.facts import Facts
from protocol.plan import Plan

from .context import KioskContext, go
from .slip import build_slip, case_qr_text


@get("/review")
async def review(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """What will be printed: the counters in order (with their current wait), what each does, what to bring,
    writing saved."""
    session = kiosk.session(request)
    if session.ticket is not None:
        return go("/kiosk/done")
    if session.applicant is None or session.life_event is None:
        return go("/kiosk/identity")
    try:
        plan = kiosk.services.planner(session.facts())
    except MissingFacts:
        return go("/kiosk/question")
    except FACTS_ERRORS:
        return go("/kiosk/household")
    waits = kiosk.services.queue.waits([counter.id for counter in plan.counters])
    return kiosk.page("review.html.jinja", session.language, session=session, plan=plan, waits=waits)


def office_name(kiosk: KioskContext, plan: Plan) -> str:
    """City and office as printed at the top of the slip (Japanese)."""
    offices = [counter.office.ja for counter in plan.counters]
    return " ".join([kiosk.catalog.meta.city["ja"], *offices[:1]])


async def print_slip(kiosk: KioskContext, slip: Slip) -> bool:
    """Print a slip; False (and nothing printed) when the printer cannot."""
    try:
        await anyio.to_thread.run_sync(kiosk.hardware.print_slip, slip)
    except PrinterError:
        return False
    if (folder := kiosk.settings.slip_previews) is not None:
        preview = await anyio.to_thread.run_sync(kiosk.hardware.printer.preview_png, slip)
        await anyio.Path(folder / f"slip-{slip.ticket}.png").write_bytes(preview)
    return True


async def seal_and_print(kiosk: KioskContext, facts: Facts, key: str | None) -> tuple[str, Slip, bool]:
    """Confirm: seal the case into the outbox (durable first), then print its slip; (ticket, slip, printed).

    Raises MissingFacts or one of FACTS_ERRORS, like the API, when the facts are incomplete.
    """
    created = await submit(kiosk.services, facts, key=key)
    issued = datetime.now().astimezone()
    identity = kiosk.services.identity
    qr_text = await anyio.to_thread.run_sync(case_qr_text, identity, created, facts, issued.isoformat())
    slip = build_slip(
        office=office_name(kiosk, created.plan),
        created=created,
        language=facts.language,
        qr_text=qr_text,
        issued=issued,
        status_base=kiosk.settings.status_base or identity.central_url,
    )
    return created.ticket, slip, await print_slip(kiosk, slip)


@post("/confirm")
async def confirm(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Seal and print; a second tap changes nothing (the session's token is the idempotency key)."""
    session = kiosk.session(request)
    if session.ticket is not None:
        return go("/kiosk/done")
    try:
        session.ticket, session.slip, session.printed = await seal_and_print(
            kiosk, session.facts(), session.token
        )
    except (MissingFacts, *FACTS_ERRORS):
        return go("/kiosk/question")
    return go("/kiosk/done")


@get("/done", sync_to_thread=False)
def done(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """The queue number, and either "take your slip" or "the printer needs staff" with a retry."""
    session = kiosk.session(request)
    if session.ticket is None:
        return go("/kiosk/review")
    return kiosk.page("done.html.jinja", session.language, ticket=session.ticket, printed=session.printed)


@post("/reprint")
async def reprint(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Try the same slip again (after staff fixed the printer)."""
    session = kiosk.session(request)
    if session.slip is not None:
        session.printed = await print_slip(kiosk, session.slip)
    return go("/kiosk/done")


HANDLERS = [review, confirm, done, reprint]
