"""Staff interview mode (Kumamoto's model: staff ask, the system writes): the navigator at the counter.

Staff type the basic facts, the navigator names the questions still open (the same `next_questions` the
kiosk asks), staff type the citizen's answers, and once nothing is open the case is planned and recorded
like any other, with origin `interview`. Form values travel between rounds in the page itself; nothing is
stored until the plan is complete. Never logs facts.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session

from central.accounts.service import Staff
from central.audit import log
from central.cases.records import NewCase, PlanFailedError, add_case, plan_for
from central.errors import ActionRefusedError, CaseForbiddenError
from central.models import Origin
from procedures.answers import InvalidAnswerError
from procedures.asked import AskedQuestion
from procedures.navigator import next_questions
from procedures.planner import FACTS_ERRORS, CatalogPlanner
from procedures.posted import animals_from, grades_from, household_gaps, with_household
from protocol.facts import AnswerValue, Facts, checked
from protocol.ids import uuid7

MAX_MEMBERS = 6
"""Household rows the interview page offers."""
ANSWER_PREFIX = "q."
FormValues = Mapping[str, Sequence[str]]
"""An HTML form as field name → every value sent under it."""
HOUSEHOLD_MISSING = "申請者が世帯の一員でないときは、世帯の住所と世帯員を入力してください"
"""What the kiosk also asks of an applicant outside the household before any question."""


@dataclass(frozen=True, slots=True)
class Round:
    """The outcome of one submitted interview page: the facts so far and the questions still open."""

    facts: Facts
    questions: list[AskedQuestion]


def _first(form: FormValues, name: str) -> str:
    values = form.get(name) or [""]
    return values[0].strip()


def _parse_text(values: Sequence[str]) -> AnswerValue:
    return values[0]


def _parse_yes_no(values: Sequence[str]) -> AnswerValue:
    return values[0] == "yes"


def _parse_number(values: Sequence[str]) -> AnswerValue:
    try:
        return int(values[0])
    except ValueError:
        raise ActionRefusedError("数値で入力してください") from None


_PARSERS: dict[str, Callable[[Sequence[str]], AnswerValue]] = {
    "yes_no": _parse_yes_no,
    "number": _parse_number,
}


def _answers(form: FormValues, types: Mapping[str, str]) -> dict[str, AnswerValue]:
    """Answers from `q.<question id>` fields; a list question's hidden "" marker lets it be answered empty."""
    answers: dict[str, AnswerValue] = {}
    for name, raw in form.items():
        question_id = name.removeprefix(ANSWER_PREFIX)
        if not name.startswith(ANSWER_PREFIX) or question_id not in types:
            continue
        values = [value for value in raw if value != ""]
        kind = types[question_id]
        if kind in ("multi", "members"):
            answers[question_id] = values
        elif values:
            answers[question_id] = _PARSERS.get(kind, _parse_text)(values)
    return answers | _structured_answers(form, types)


def _structured_answers(form: FormValues, types: Mapping[str, str]) -> dict[str, AnswerValue]:
    """Grades (`q.<id>.<member>`) and animals (`q.<id>.kind|name|registration` rows), once their `q.<id>`
    marker was posted (see `procedures/posted.py`)."""
    answers: dict[str, AnswerValue] = {}
    for question_id, kind in types.items():
        prefix = f"{ANSWER_PREFIX}{question_id}."
        if kind not in ("grades", "animals") or ANSWER_PREFIX + question_id not in form:
            continue
        if kind == "grades":
            answers[question_id] = grades_from(prefix, ((n, v) for n, vs in form.items() for v in vs))
            continue
        rows = [list(form.get(prefix + column) or []) for column in ("kind", "name", "registration")]
        try:
            answers[question_id] = animals_from(question_id, *rows)
        except InvalidAnswerError as exc:
            raise ActionRefusedError("動物の種類と名前を入力してください") from exc
    return answers


def facts_from_form(form: FormValues, planner: CatalogPlanner) -> Facts:
    """The facts typed so far; raises ActionRefusedError naming what is missing or malformed."""
    household = []
    for index in range(MAX_MEMBERS):
        name = _first(form, f"member{index}.name")
        if name:
            household.append(
                {
                    "name": name,
                    "relation": _first(form, f"member{index}.relation"),
                    "birth_date": _first(form, f"member{index}.birth_date"),
                    "sex": _first(form, f"member{index}.sex"),
                }
            )
    types = {compiled.question.id: compiled.question.type for compiled in planner.catalog.questions}
    raw = {
        "life_event": _first(form, "life_event"),
        "language": "ja",
        "applicant": {
            key: _first(form, f"applicant.{key}") for key in ("name", "address", "birth_date", "sex")
        },
        "household": household,
        "answers": _answers(form, types),
        "household_address": _first(form, "household_address") or None,  # bounded here, made consistent below
    }
    try:
        facts = msgspec.convert(raw, Facts)
    except msgspec.ValidationError as exc:
        raise ActionRefusedError(f"入力に誤りがあります（{exc}）") from exc
    facts = with_household(
        facts, _first(form, "applicant_role"), _first(form, "household_address"), _first(form, "head")
    )
    if household_gaps(facts.applicant_role, facts.household_address, len(facts.household)):
        raise ActionRefusedError(HOUSEHOLD_MISSING)
    return facts


def next_round(form: FormValues, planner: CatalogPlanner) -> Round:
    """The facts from the page and the questions the navigator still needs answered."""
    facts = facts_from_form(form, planner)
    try:
        questions = next_questions(planner.catalog, facts, datetime.now(UTC).date())
    except FACTS_ERRORS as exc:
        raise ActionRefusedError(f"回答に誤りがあります（{exc}）") from exc
    return Round(facts, questions)


def record_interview(engine: Engine, planner: CatalogPlanner, staff: Staff, office: str, facts: Facts) -> str:
    """Plan the complete facts and record the case for this office; returns its id."""
    if not staff.may_see(office):
        raise CaseForbiddenError
    try:
        facts = checked(facts)  # the bounds hold whoever built the facts
    except msgspec.ValidationError as exc:
        raise ActionRefusedError(f"入力に誤りがあります（{exc}）") from exc
    try:
        plan = plan_for(planner, facts)
    except PlanFailedError as exc:
        raise ActionRefusedError(str(exc)) from exc
    now = datetime.now(UTC)
    case_id = str(uuid7())
    ticket = "I-" + case_id[-4:].upper()
    with Session(engine) as session:
        add_case(session, NewCase(case_id, office, ticket, Origin.INTERVIEW, now, facts, plan), now)
        log.record(session, staff.name, "interview", office_id=office, case_id=case_id)
        session.commit()
    return case_id
