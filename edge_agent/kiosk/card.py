"""Identification screens: My Number Card with an on-screen PIN pad, or a pre-entry QR at the camera.

The card's PIN tries are read first, and the kiosk refuses to try when only one is left. The PIN goes
straight to the card reader and is never kept, logged or echoed back into a page.
"""

import contextlib
from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.response import Redirect

from edge_agent.hardware.card.errors import (
    CardError,
    CardRemovedError,
    InvalidPinFormatError,
    LastTryRefusedError,
    NoCardError,
    NoReaderError,
    PinBlockedError,
    WrongPinError,
)

from .context import KioskContext, go
from .i18n import N_
from .scanner import CameraError, open_preentry

_CARD_MESSAGES: tuple[tuple[type[CardError], str], ...] = (
    (NoReaderError, N_("The card reader is not working. Please ask the staff.")),
    (NoCardError, N_("Please insert your My Number Card.")),
    (CardRemovedError, N_("The card was taken out. Please insert it again.")),
    (InvalidPinFormatError, N_("The PIN has 4 digits.")),
    (CardError, N_("This card cannot be read here. Please ask the staff.")),
)
HX_REDIRECT = "HX-Redirect"


def _message(error: CardError) -> str:
    return next(message for kind, message in _CARD_MESSAGES if isinstance(error, kind))


def _refusal(kiosk: KioskContext, language: str, error: CardError) -> Response[str]:
    """Blocked, or one try left: no PIN is tried; the citizen types or goes to a counter."""
    blocked = isinstance(error, PinBlockedError)
    return kiosk.page("card_refused.html.jinja", language, blocked=blocked)


@get("/card")
async def card(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """ "Insert your card" until a card is in the reader, then the PIN pad with the tries left."""
    session = kiosk.session(request)
    reader = kiosk.hardware.card_reader
    if await anyio.to_thread.run_sync(reader.state) != "present":
        return kiosk.page("card_insert.html.jinja", session.language)
    try:
        tries = await anyio.to_thread.run_sync(reader.tries_left)
    except PinBlockedError as error:
        return _refusal(kiosk, session.language, error)
    except CardError as error:
        return kiosk.page("card_insert.html.jinja", session.language, error=_message(error))
    if tries <= 1:
        return _refusal(kiosk, session.language, LastTryRefusedError())
    return kiosk.page("card_pin.html.jinja", session.language, tries=tries, error=None)


@get("/card/wait")
async def card_wait(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """Polled by the "insert your card" screen: tells htmx to reload once a card is in."""
    kiosk.session(request, touch=False)
    if await anyio.to_thread.run_sync(kiosk.hardware.card_reader.state) == "present":
        return Response("", status_code=200, headers={HX_REDIRECT: "/kiosk/card"})
    return Response("", status_code=204)


@post("/card")
async def read_card(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Verify the PIN and read the basic four facts into the session."""
    session = kiosk.session(request)
    pin = str((await request.form()).get("pin", ""))
    try:
        person = await anyio.to_thread.run_sync(kiosk.hardware.card_reader.read_basic_four, pin)
    except WrongPinError as error:
        if error.tries_left <= 1:
            return _refusal(kiosk, session.language, LastTryRefusedError())
        page = "card_pin.html.jinja"
        error_text = N_("The PIN is not correct.")
        return kiosk.page(page, session.language, status=422, tries=error.tries_left, error=error_text)
    except (LastTryRefusedError, PinBlockedError) as error:
        return _refusal(kiosk, session.language, error)
    except InvalidPinFormatError as error:
        page = "card_pin.html.jinja"
        return kiosk.page(page, session.language, status=422, tries=None, error=_message(error))
    except CardError as error:
        return kiosk.page("card_insert.html.jinja", session.language, status=422, error=_message(error))
    session.applicant = person
    session.card_read = True
    return go("/kiosk/household")


@get("/scan")
async def scan(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """ "Hold your pre-entry QR code up to the camera": starts the camera; the page polls /scan/poll."""
    session = kiosk.session(request)
    with contextlib.suppress(CameraError):  # the first poll says so
        await anyio.to_thread.run_sync(kiosk.scanner.start, session.token)
    return kiosk.page("scan.html.jinja", session.language)


@get("/scan/poll")
async def scan_poll(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """Look at a few camera frames; on a pre-entry QR, prefill the session, stop the camera, move on."""
    session = kiosk.session(request, touch=False)
    _ = kiosk.translate(session.language)
    try:
        payloads = await anyio.to_thread.run_sync(kiosk.scanner.poll, session.token)
    except CameraError:
        return Response(_("The camera is not working. Please ask the staff."), media_type="text/plain")
    if not payloads:
        return Response("", status_code=204)
    facts = open_preentry(payloads, kiosk.services.identity.counter)
    if facts is None:
        return Response(_("This QR code is not a pre-entry code."), media_type="text/plain")
    await anyio.to_thread.run_sync(kiosk.scanner.stop, session.token)
    session.prefill(facts)
    return Response("", status_code=200, headers={HX_REDIRECT: "/kiosk/review"})  # check, then confirm


HANDLERS = [card, card_wait, read_card, scan, scan_poll]
