"""The questionnaire: one catalog question per screen, in the navigator's order, with "back" undoing one.

The navigator decides what to ask (`next_questions`) and checks every answer (`check_answer`), so the kiosk
never guesses. Answers live only in the in-memory session.
"""

from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect

from procedures.answers import InvalidAnswerError, check_answer
from procedures.asked import AskedQuestion
from procedures.navigator import next_questions
from procedures.posted import ANIMAL_ROWS, animals_from, grades_from
from protocol.facts import AnswerValue

from .context import KioskContext, go
from .i18n import N_

LIST_TYPES = frozenset({"multi", "members"})
ANIMAL_ROWS_FIELDS = ("animal_kind", "animal_name", "animal_registration")


def _value(question: AskedQuestion, form: FormMultiDict) -> AnswerValue:
    """The raw answer from the form, in the type the catalog's checker expects."""
    if question.type in LIST_TYPES:
        return [str(item) for item in form.getall("value", [])]
    if question.type == "grades":
        return grades_from("grade.", ((str(key), str(value)) for key, value in form.multi_items()))
    if question.type == "animals":
        rows = [[str(item) for item in form.getall(name, [])] for name in ANIMAL_ROWS_FIELDS]
        return animals_from(question.id, *rows)
    raw = str(form.get("value", "")).strip()
    if question.type == "yes_no":
        return {"yes": True, "no": False}.get(raw)
    if question.type == "number":
        return int(raw) if raw.isdigit() else None
    return raw


def _asked(kiosk: KioskContext, request: Request[Any, Any, Any]) -> tuple[Any, list[AskedQuestion]]:
    session = kiosk.session(request)
    if session.applicant is None or session.life_event is None:
        return session, []
    return session, next_questions(kiosk.catalog, session.facts(), date.today())


def _page(kiosk: KioskContext, language: str, question: AskedQuestion, error: str | None) -> Response[str]:
    return kiosk.page(
        "question.html.jinja",
        language,
        status=422 if error else 200,
        question=question,
        error=error,
        animal_rows=ANIMAL_ROWS,
    )


@get("/question")
async def question(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """The next question, or the review once nothing is left to ask."""
    session, asked = _asked(kiosk, request)
    if session.applicant is None:
        return go("/kiosk/identity")
    if not asked:
        return go("/kiosk/review")
    return _page(kiosk, session.language, asked[0], None)


@post("/question")
async def answer(request: Request[Any, Any, Any], kiosk: KioskContext) -> Response[str] | Redirect:
    """Check and keep the answer to the question on screen."""
    session, asked = _asked(kiosk, request)
    form = await request.form()
    current = next((item for item in asked if item.id == form.get("question")), None)
    if current is None:  # answered already (a double tap) or no longer asked
        return go("/kiosk/question")
    choices = [option.id for option in current.members or current.options]
    try:
        session.answers[current.id] = check_answer(
            kiosk.catalog.question_by_id[current.id], _value(current, form), choices
        )
    except InvalidAnswerError:
        return _page(kiosk, session.language, current, N_("Please answer this question."))
    return go("/kiosk/question")


@post("/question/back", sync_to_thread=False)
def back(request: Request[Any, Any, Any], kiosk: KioskContext) -> Redirect:
    """Undo the last answer, or go back to the household when there is none."""
    session = kiosk.session(request)
    if not session.answers:
        return go("/kiosk/household")
    session.answers.popitem()
    return go("/kiosk/question")


HANDLERS = [question, answer, back]
