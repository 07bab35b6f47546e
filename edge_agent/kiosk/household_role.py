"""Who the applicant is to the household (member, relative living elsewhere, agent), the household's address
when the applicant lives elsewhere, and its head (世帯主): three small posts from the household screen.

The defaults need no tap: the card holder (or whoever typed their details) lives in the household at their
own address and is its head. Choosing another role asks for the household's address on its own screen;
the head is offered only when there is a choice. Values stay in the in-memory session; nothing is logged.
"""

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from procedures.posted import ROLES, household_gaps
from protocol.facts import MAX_ADDRESS

from .context import KioskContext, go
from .i18n import N_
from .session import KioskSession

MEMBER_TYPES = frozenset({"member", "members"})
ADDRESS_MISSING = N_("Please enter the household's address.")


def ask_members_again(kiosk: KioskContext, session: KioskSession) -> None:
    """The people changed: questions that offer them are asked again, with the earlier answer preselected."""
    about_members = [key for key in session.answers if kiosk.catalog.question_by_id[key].type in MEMBER_TYPES]
    for key in about_members:
        session.drafts[key] = session.answers.pop(key)


def next_step(session: KioskSession) -> str:
    """Where "next" from the household screen goes: the household's address while it is missing, the
    household itself while nobody is in it, else the questions."""
    if session.applicant is None or session.life_event is None:
        return "/kiosk/identity"
    gaps = household_gaps(session.applicant_role, session.household_address, len(session.household))
    if "household_address" in gaps:
        return "/kiosk/household/address"
    return "/kiosk/household" if gaps else "/kiosk/question"


@post("/household/role")
async def choose_role(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Record who the applicant is to the household; someone living elsewhere is asked its address next."""
    session = kiosk.session(request)
    role = str((await request.form()).get("role", ""))
    chosen = next((item for item in ROLES if item == role), None)
    if chosen is not None and chosen != session.applicant_role:
        session.applicant_role = chosen
        ask_members_again(kiosk, session)  # the applicant joins or leaves the people they offer
    if session.applicant_role != "member" and not session.household_address:
        return go("/kiosk/household/address")
    return go("/kiosk/household")


@get("/household/address", sync_to_thread=False)
def household_address(
    request: Request[Any, Any, Any], kiosk: KioskContext, returning: FromQuery[str] = ""
) -> Response[str]:
    """The household's address (prefilled when changing it), typed on the on-screen keyboard."""
    session = kiosk.session(request)
    return _address_page(kiosk, session, session.household_address, error=None, returning=returning)


def _address_page(
    kiosk: KioskContext, session: KioskSession, value: str, *, error: str | None, returning: str
) -> Response[str]:
    return kiosk.page(
        "household_address.html.jinja",
        session.language,
        status=422 if error else 200,
        value=value,
        error=error,
        returning="review" if returning == "review" else "",
        step=2,
    )


@post("/household/address")
async def save_household_address(
    request: Request[Any, Any, Any], kiosk: KioskContext
) -> Response[str] | Redirect:
    """Check and keep the household's address, then back to the household (or the review)."""
    session = kiosk.session(request)
    form = await request.form()
    value = str(form.get("address", "")).strip()
    returning = str(form.get("returning", ""))
    if not value or len(value) > MAX_ADDRESS:
        return _address_page(kiosk, session, value, error=ADDRESS_MISSING, returning=returning)
    session.household_address = value
    return go("/kiosk/review" if returning == "review" else "/kiosk/household")


@post("/household/head")
async def choose_head(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Record the head of household (one of the candidates; anything else leaves the default)."""
    session = kiosk.session(request)
    head = str((await request.form()).get("head", ""))
    if session.applicant is not None and session.life_event is not None:
        session.head = head if head in session.facts().head_candidates else ""
    return go("/kiosk/household")


HANDLERS = [choose_role, household_address, save_household_address, choose_head]
