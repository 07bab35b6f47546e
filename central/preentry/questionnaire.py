"""The pre-entry page's questionnaire: the kiosk's questions, asked at home with the same catalog and the same
branching (procedures' `next_questions` and `check_answer`), so the kiosk visit is: scan, check, confirm.

All the questions that can be asked now are shown on one page; answering them may open follow-ups (a dog's
name once "has a dog" is yes), shown on the next page. Nothing is stored between pages: the answers so far
travel in the form itself and are checked again on every post. Problems name the question, never the value.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec

from procedures.answers import InvalidAnswerError, check_answer
from procedures.asked import AskedQuestion, posted_answer
from procedures.catalog import Catalog
from procedures.navigator import next_questions
from procedures.people import InvalidPersonError
from procedures.posted import ANIMAL_ROWS, animals_from, grades_from
from protocol.date_entry import PARTS, posted_date
from protocol.facts import AnswerValue, Facts

PREFIX = "q_"
"""A question's inputs are named q_<question id>."""
SHOWN = "_shown"
"""q_<id>_shown marks a checkbox question that was on the page (none ticked is an answer too)."""


@dataclass
class Questionnaire:
    """Where the citizen is: the answers checked so far, and the questions still to show."""

    answers: dict[str, AnswerValue]
    open: list[AskedQuestion] = field(default_factory=list)
    problems: set[str] = field(default_factory=set)
    """Question ids whose posted answer was not an answer."""


def carried(posted: str) -> dict[str, AnswerValue]:
    """The answers the page carried from earlier pages (re-checked by the navigator before use)."""
    try:
        answers = json.loads(posted or "{}")
    except ValueError:
        return {}
    return answers if isinstance(answers, dict) else {}


def encode(answers: dict[str, AnswerValue]) -> str:
    """The answers as the page carries them to the next post."""
    return json.dumps(answers, ensure_ascii=False, separators=(",", ":"))


def advance(
    catalog: Catalog, facts: Facts, earlier: dict[str, AnswerValue], posted: Callable[[str], list[str] | None]
) -> Questionnaire:
    """Take the posted answers to the questions asked now, then the follow-ups they open, until a question
    has no posted answer: what is left is the next page. `posted(name)` gives a field's values or None.

    Raises InvalidAnswerError or InvalidPersonError when the carried answers or the household do not check.
    """
    state = Questionnaire(dict(earlier))
    today = date.today()
    while True:
        asked = next_questions(catalog, msgspec.structs.replace(facts, answers=state.answers), today)
        taken = False
        for question in asked:
            if question.id in state.problems:
                continue
            choices = [option.id for option in question.members or question.options]
            try:
                value = _posted_value(question, posted)
                if value is _ABSENT:
                    continue
                value = check_answer(catalog.question_by_id[question.id], value, choices)
            except InvalidAnswerError:
                state.problems.add(question.id)
                continue
            state.answers[question.id] = value
            taken = True
            break  # the answer may open or close later questions: ask the navigator again
        if not taken:
            state.open = asked
            return state


_ABSENT: Any = object()
"""The page did not show the question (it is asked on the next page)."""
MARKED = frozenset({"multi", "members", "grades", "animals"})
"""Questions whose empty answer posts nothing: the page marks them with q_<id>_shown."""


def _posted_value(question: AskedQuestion, posted: Callable[[str], list[str] | None]) -> Any:
    """A question's answer as the page posted it (unchecked), or _ABSENT."""
    name = PREFIX + question.id
    if question.type in MARKED and posted(name + SHOWN) is None:
        return _ABSENT
    if question.type == "grades":
        pairs = [
            (f"{name}.{member.id}", value)
            for member in question.members
            for value in posted(f"{name}.{member.id}") or []
        ]
        return grades_from(name + ".", pairs)
    if question.type == "animals":
        rows = [posted(f"{name}_{part}") or [] for part in ("kind", "name", "registration")]
        return animals_from(question.id, *rows)
    if question.type == "date":
        return _posted_date(name, posted)
    values = posted(name)
    if values is None and question.type not in MARKED:
        return _ABSENT
    return posted_answer(question.type, values or [])


def _posted_date(name: str, posted: Callable[[str], list[str] | None]) -> Any:
    """A date question's ISO date from the shared date entry's parts (`<name>_era|year|month|day`)."""
    fields = [f"{name}_{part}" for part in PARTS]
    if all(posted(field) is None for field in fields):
        return _ABSENT
    return posted_date({field: (posted(field) or [""])[0] for field in fields}, name)


__all__ = [
    "ANIMAL_ROWS",
    "InvalidAnswerError",
    "InvalidPersonError",
    "Questionnaire",
    "advance",
    "carried",
    "encode",
]
