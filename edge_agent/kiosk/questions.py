"""The questionnaire: one catalog question per screen, in the navigator's order; "back" and "change" show
the earlier answer again.

The navigator decides what to ask (`next_questions`) and checks every answer (`check_answer`), so the kiosk
never guesses. A date far from today is questioned once before it is kept, and the applicant whose My
Number Card was just read is not asked whether they have one. Answers live only in the in-memory session.
"""

from datetime import date
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromQuery
from litestar.response import Redirect

from procedures.answers import InvalidAnswerError, check_answer
from procedures.asked import AskedQuestion, posted_answer
from procedures.navigator import next_questions
from procedures.people import APPLICANT_ID
from procedures.posted import ANIMAL_ROWS, animals_from, grades_from
from protocol.date_entry import posted_date
from protocol.facts import AnswerValue

from .context import KioskContext, go
from .household_role import next_step
from .i18n import N_
from .session import KioskSession

CARD_HOLDERS = "card_members"
"""The catalog's "who has a My Number Card" question: an applicant whose card was just read has one."""
FUTURE_DAYS = 31
PAST_DAYS = 366
"""A date answer further from today than this is questioned once ("is this date right?")."""
ANIMAL_ROWS_FIELDS = ("animal_kind", "animal_name", "animal_registration")


def _value(question: AskedQuestion, form: FormMultiDict) -> AnswerValue:
    """The raw answer from the form: a date from its era, year, month and day; grades and animals from their
    rows; the rest as `posted_answer` reads it. Raises InvalidAnswerError for an animal row without a name."""
    if question.type == "date":
        return posted_date(form, "value")
    if question.type == "grades":
        return grades_from("grade.", ((str(key), str(value)) for key, value in form.multi_items()))
    if question.type == "animals":
        rows = [[str(item) for item in form.getall(name, [])] for name in ANIMAL_ROWS_FIELDS]
        return animals_from(question.id, *rows)
    return posted_answer(question.type, [str(item) for item in form.getall("value", [])])


def _asked(kiosk: KioskContext, session: KioskSession) -> list[AskedQuestion]:
    if session.applicant is None or session.life_event is None:
        return []
    return next_questions(kiosk.catalog, session.facts(), date.today())


def _changing(kiosk: KioskContext, session: KioskSession, question_id: str) -> AskedQuestion | None:
    """An answered question as it is asked now (to change its answer), or None if it is not shown."""
    if question_id not in session.answers:
        return None
    without = {key: value for key, value in session.answers.items() if key != question_id}
    facts = msgspec.structs.replace(session.facts(), answers=without)
    asked = next_questions(kiosk.catalog, facts, date.today())
    return next((item for item in asked if item.id == question_id), None)


def _locked(session: KioskSession, question: AskedQuestion) -> list[str]:
    """Options the citizen cannot untick: the applicant whose card was read has a card."""
    if session.card_read and question.id == CARD_HOLDERS:
        return [APPLICANT_ID]
    return []


def _date_doubt(question: AskedQuestion, value: AnswerValue) -> tuple[str, int] | None:
    """A message and a day count when a date answer is far in the future or the past."""
    if question.type != "date" or not isinstance(value, str):
        return None
    days = (date.fromisoformat(value) - date.today()).days
    if days > FUTURE_DAYS:
        return N_("This date is %(days)s days from today. Is it right?"), days
    if -days > PAST_DAYS:
        return N_("This date was %(days)s days ago. Is it right?"), -days
    return None


def _page(
    kiosk: KioskContext,
    session: KioskSession,
    question: AskedQuestion,
    *,
    current: AnswerValue = None,
    error: str | None = None,
    doubt: tuple[str, int] | None = None,
    returning: str = "",
) -> Response[str]:
    answered = len(session.answers)
    remaining = len(_asked(kiosk, session))
    return kiosk.page(
        "question.html.jinja",
        session.language,
        status=422 if error or doubt else 200,
        question=question,
        current=current,
        locked=_locked(session, question),
        error=error,
        doubt=doubt,
        returning=returning,
        step=3,
        progress=(answered + 1, answered + max(remaining, 1)),
        animal_rows=ANIMAL_ROWS,
    )


def _auto_answer(session: KioskSession, question: AskedQuestion) -> bool:
    """Answer a question the card already answers (the applicant alone holds the card just read)."""
    locked = _locked(session, question)
    if locked and [option.id for option in question.options] == locked:
        session.answers[question.id] = locked
        session.automatic.add(question.id)
        return True
    return False


@get("/question")
async def question(
    request: Request[Any, Any, Any], kiosk: KioskContext, change: FromQuery[str] = ""
) -> Response[str] | Redirect:
    """The next question (or an answered one to change), or the review once nothing is left to ask."""
    session = kiosk.session(request)
    if (step := next_step(session)) != "/kiosk/question":
        return go(step)
    if change and (asked := _changing(kiosk, session, change)) is not None:
        return _page(kiosk, session, asked, current=session.answers[change], returning="review")
    for asked in _asked(kiosk, session):
        if not _auto_answer(session, asked):
            return _page(kiosk, session, asked, current=session.drafts.get(asked.id))
    return go("/kiosk/review")


@post("/question")
async def answer(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Check and keep the answer to the question on screen (a far date only once confirmed)."""
    session = kiosk.session(request)
    form = await request.form()
    question_id = str(form.get("question", ""))
    returning = "review" if form.get("returning") == "review" else ""
    current = (
        _changing(kiosk, session, question_id)
        if returning
        else next((item for item in _asked(kiosk, session) if item.id == question_id), None)
    )
    if current is None:  # answered already (a double tap) or no longer asked
        return go("/kiosk/question")
    choices = [option.id for option in current.members or current.options]
    try:
        raw = _value(current, form)
        if isinstance(raw, list) and (locked := _locked(session, current)):
            raw = [*raw, *locked]  # the card's holder stays ticked (the checker orders and dedupes)
        value = check_answer(kiosk.catalog.question_by_id[current.id], raw, choices)
    except InvalidAnswerError:
        error = N_("Please answer this question.")
        return _page(kiosk, session, current, current=None, error=error, returning=returning)
    doubt = _date_doubt(current, value)
    if doubt and form.get("sure") != value:
        return _page(kiosk, session, current, current=value, doubt=doubt, returning=returning)
    session.answers[current.id] = value
    session.drafts.pop(current.id, None)
    return go("/kiosk/review" if returning else "/kiosk/question")


@post("/question/back", sync_to_thread=False)
def back(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Take back the last answer (it is shown again, preselected), or go back to the household."""
    session = kiosk.session(request)
    while session.answers:
        question_id, value = session.answers.popitem()
        if question_id not in session.automatic:  # the kiosk's own answers are given again, not shown
            session.drafts[question_id] = value
            return go("/kiosk/question")
    return go("/kiosk/household")


HANDLERS = [question, answer, back]
