"""Screens before the questions: language, life event, how to identify, typed entry, the household.

Every screen has a way back; "start over" and the idle timeout wipe the session. Typed data stays in the
in-memory session only and is never logged.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

import anyio.to_thread
import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from litestar.response import Redirect

from protocol.citizen_text import EVENTS, ROLES, SEXES
from protocol.date_entry import posted_date
from protocol.facts import LifeEvent, Member, Person, Sex

from .context import COOKIE, START, KioskContext, go
from .household_role import ask_members_again, next_step
from .i18n import LANGUAGES, N_
from .session import KioskSession

MAX_HOUSEHOLD = 12


@get("/", sync_to_thread=False)
def languages(kiosk: KioskContext) -> Response[str]:
    """The start screen: choose a language (each button names its language in itself)."""
    return kiosk.page("languages.html.jinja", "ja", idle=False)


async def field(request: Request[Any, Any, Any], name: str) -> str:
    """One field of the posted form, stripped ("" when absent)."""
    return str((await request.form()).get(name, "")).strip()


@post("/start")
async def start(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Start a fresh session in the chosen language (any previous one is wiped)."""
    language = await field(request, "language")
    kiosk.sessions.end(request.cookies.get(COOKIE))
    session = kiosk.sessions.start(language if language in LANGUAGES else "ja")
    redirect = go("/kiosk/event")
    redirect.cookies.append(
        Cookie(key=COOKIE, value=session.token, path="/kiosk", httponly=True, samesite="strict")
    )
    return redirect


@post(["/finish", "/timeout"])
async def finish(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Wipe the session ("finish", "start over", or the page's idle timer) and show the language screen."""
    token = request.cookies.get(COOKIE)
    kiosk.sessions.end(token)
    await anyio.to_thread.run_sync(kiosk.scanner.stop, token)
    redirect = go(START)
    redirect.delete_cookie(COOKIE, path="/kiosk")
    return redirect


@get("/event", sync_to_thread=False)
def event(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """Which life event brings the citizen here."""
    session = kiosk.session(request)
    return kiosk.page("event.html.jinja", session.language, events=EVENTS)


@post("/event")
async def choose_event(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Record the life event and go on to identification."""
    session = kiosk.session(request)
    life_event = await field(request, "life_event")
    if life_event not in get_args(LifeEvent):
        return go("/kiosk/event")
    session.life_event = life_event  # type: ignore[assignment]  # checked against LifeEvent above
    return go("/kiosk/identity")


@get("/identity")
async def identity(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """Card, pre-entry QR or typed entry (coming back from the scan screen stops the camera)."""
    session = kiosk.session(request)
    await anyio.to_thread.run_sync(kiosk.scanner.stop, session.token)
    return kiosk.page("identity.html.jinja", session.language)


def _person_problem(name: str, birth_date: str, sex: str) -> str | None:
    if not name.strip():
        return N_("Please enter the name.")
    try:
        if date.fromisoformat(birth_date) > date.today():
            return N_("Please enter the date of birth.")
    except ValueError:
        return N_("Please enter the date of birth.")
    if sex not in SEXES:
        return N_("Please choose the sex.")
    return None


def _posted(form: Mapping[str, object], keys: tuple[str, ...]) -> dict[str, str]:
    """The person form's fields, stripped; the birth date put together from its parts."""
    values = {key: str(form.get(key, "")).strip() for key in keys}
    values["birth_date"] = posted_date(form, "birth_date")
    return values


@get("/typed", sync_to_thread=False)
def typed(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str]:
    """Type the basic four facts when there is no card and no pre-entry QR (prefilled when changing them)."""
    session = kiosk.session(request)
    person = session.applicant if session.applicant is not None and not session.card_read else None
    values = msgspec.structs.asdict(person) if person is not None else {}
    return kiosk.page("typed.html.jinja", session.language, sexes=SEXES, error=None, values=values)


@post("/typed")
async def save_typed(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Check and keep the typed applicant."""
    session = kiosk.session(request)
    values = _posted(await request.form(), ("name", "address", "sex"))
    problem = _person_problem(values["name"], values["birth_date"], values["sex"]) or (
        None if values["address"] else N_("Please enter the address.")
    )
    if problem:
        page = "typed.html.jinja"
        return kiosk.page(page, session.language, status=422, sexes=SEXES, error=problem, values=values)
    sex: Sex = values["sex"]  # type: ignore[assignment]  # checked against SEXES
    session.applicant = Person(values["name"], values["address"], values["birth_date"], sex)
    session.card_read = False
    return go("/kiosk/household")


@get("/household", sync_to_thread=False)
def household(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Who the case is about besides the applicant; members can be added and removed."""
    session = kiosk.session(request)
    if session.applicant is None:
        return go("/kiosk/identity")
    relations = kiosk.relations(session.language)
    facts = session.facts() if session.life_event is not None else None
    heads = (
        [] if facts is None else [(person, session.person_name(person)) for person in facts.head_candidates]
    )
    return kiosk.page(
        "household.html.jinja",
        session.language,
        session=session,
        relations=relations,
        sexes=SEXES,
        roles=ROLES,
        heads=heads,
        head=facts.head_id if facts is not None and facts.head_candidates else "",
        next_step=next_step(session),
    )


@post("/household/remove")
async def remove_member(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Take a member off the household (answers about members are asked again)."""
    session = kiosk.session(request)
    index = await field(request, "index")
    if index.isdigit() and int(index) < len(session.household):
        del session.household[int(index)]
        session.head = ""  # the ids after it moved up: the default again
        session.forget_answers()
    return go("/kiosk/household")


def _member_index(session: KioskSession, posted: str) -> int | None:
    """The household row being changed, or None when a member is added."""
    return int(posted) if posted.isdecimal() and int(posted) < len(session.household) else None


@get("/household/add", sync_to_thread=False)
def add_member_form(
    request: Request[Any, Any, Any], kiosk: KioskContext, index: FromQuery[str] = ""
) -> Response[str]:
    """One member: name, relation, birth date, sex (prefilled when changing a member)."""
    session = kiosk.session(request)
    row = _member_index(session, index)
    values = msgspec.structs.asdict(session.household[row]) if row is not None else {}
    return _member_page(kiosk, session.language, error=None, values=values, index=row)


def _member_page(
    kiosk: KioskContext, language: str, *, error: str | None, values: dict[str, str], index: int | None
) -> Response[str]:
    relations = kiosk.relations(language)
    return kiosk.page(
        "member.html.jinja",
        language,
        status=422 if error else 200,
        relations=relations,
        sexes=SEXES,
        error=error,
        values=values,
        index=index,
    )


@post("/household/add")
async def add_member(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Check and add a member, or change the one being edited."""
    session = kiosk.session(request)
    form = await request.form()
    values = _posted(form, ("name", "relation", "sex"))
    row = _member_index(session, str(form.get("index", "")))
    problem = _person_problem(values["name"], values["birth_date"], values["sex"]) or (
        None if values["relation"] in kiosk.catalog.relations else N_("Please choose the relation.")
    )
    if problem or (row is None and len(session.household) >= MAX_HOUSEHOLD):
        error = problem or N_("Please ask the staff.")
        return _member_page(kiosk, session.language, error=error, values=values, index=row)
    sex: Sex = values["sex"]  # type: ignore[assignment]  # checked against SEXES
    member = Member(values["name"], values["relation"], values["birth_date"], sex)
    if row is None:
        session.household.append(member)
        session.forget_answers()
        return go("/kiosk/household")
    session.household[row] = member
    ask_members_again(kiosk, session)  # the change may change who they offer
    return go("/kiosk/review")


HANDLERS = [languages, start, finish, event, choose_event, identity, typed, save_typed]
HANDLERS += [household, remove_member, add_member_form, add_member]
