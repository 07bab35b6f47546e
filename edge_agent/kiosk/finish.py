"""Review, confirm, slip: everything that will be submitted and the plan are shown, each with a way to change
it; then the case is sealed into the outbox, then the slip is printed.

The submission is durable before the citizen is told it is done; a printer problem never loses it (the
slip can be printed again). Only the answers the review showed are submitted (an answer to a question that
is no longer asked is dropped). Nothing here logs personal data or the slip's QR.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import anyio
import anyio.to_thread
import msgspec
from litestar import Request, Response, get, post
from litestar.response import Redirect

from edge_agent.hardware.printer import PrinterError, Slip
from edge_agent.submission import submit
from procedures.answers import MissingFacts
from procedures.asked import AskedQuestion
from procedures.navigator import given_answers
from procedures.planner import FACTS_ERRORS
from protocol.citizen_text import ROLES, SEXES
from protocol.facts import Animal, AnswerValue, Facts
from protocol.plan import Plan
from protocol.wareki import wareki_iso

from .context import KioskContext, go
from .i18n import translations
from .session import KioskSession
from .slip import build_slip, case_qr_text


def shown_date(value: str, language: str) -> str:
    """A date as a citizen reads it: 和暦 with the Western year for Japanese, ISO otherwise."""
    if language.startswith("ja"):
        return f"{wareki_iso(value)}（{value[:4]}年）"
    return value


def shown_answer(question: AskedQuestion, value: AnswerValue, language: str) -> str:
    """An answer in words, as the citizen gave it (choices, people, grades and animals by their labels)."""
    _ = translations(language).gettext
    labels = {option.id: option.label.citizen for option in [*question.options, *question.members]}
    separator = "、" if language.startswith("ja") else ", "
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):  # grades: member → grade
        value = [
            f"{labels.get(key, key)}: {labels.get(str(grade), str(grade))}" for key, grade in value.items()
        ]
    if isinstance(value, Sequence) and not isinstance(value, str):
        words = [
            f"{labels.get(item.kind, item.kind)} {item.name}"
            if isinstance(item, Animal)
            else labels.get(str(item), str(item))
            for item in value
        ]
        return separator.join(words) if words else _("None")
    if question.type == "date" and isinstance(value, str):
        return shown_date(value, language)
    return labels.get(str(value), str(value))


def submitted_facts(
    kiosk: KioskContext, session: KioskSession
) -> tuple[Facts, list[tuple[AskedQuestion, str]]]:
    """The facts to seal (only the answers still asked) and those answers in words, in asking order."""
    facts = session.facts()
    given = given_answers(kiosk.catalog, facts, date.today())
    answers = {question.id: value for question, value in given}
    shown = [(question, shown_answer(question, value, session.language)) for question, value in given]
    return msgspec.structs.replace(facts, answers=answers), shown


@get("/review")
async def review(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Everything that will be sent (household, answers), then what will be printed: the counters in order
    (with their current wait), what each does, what to bring, writing saved."""
    session = kiosk.session(request)
    if session.ticket is not None:
        return go("/kiosk/done")
    if session.applicant is None or session.life_event is None:
        return go("/kiosk/identity")
    try:
        facts, answers = submitted_facts(kiosk, session)
        plan = kiosk.services.planner(facts)
    except MissingFacts:
        return go("/kiosk/question")
    except FACTS_ERRORS:
        return go("/kiosk/household")
    relations = kiosk.relations(session.language)
    waits = kiosk.services.queue.waits([counter.id for counter in plan.counters])
    return kiosk.page(
        "review.html.jinja",
        session.language,
        session=session,
        plan=plan,
        answers=answers,
        relations=relations,
        sexes=SEXES,
        roles=ROLES,
        head=session.person_name(facts.head_id),
        shown_date=shown_date,
        waits=waits,
    )


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
    issued = datetime.now(kiosk.settings.zone)
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
        facts, _ = submitted_facts(kiosk, session)
        session.ticket, session.slip, session.printed = await seal_and_print(kiosk, facts, session.token)
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
