"""Which questions apply to a household, which are still open, and the checked answers to the rest.

Questions are walked in catalog order. A question whose `shown_when` is false gets its type's neutral
value (no, none, 0) so later conditions never see a hole; a shown question must be answered, and a question
whose condition reads an unanswered one is open too. The navigator refuses to plan while anything is open
(`MissingFacts`), which is how a guess is never made. Errors name question ids, never answer values.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from procedures.catalog import Catalog, CompiledQuestion
from procedures.conditions import Context, make_context, to_cel_list, with_answers
from procedures.model import FREE_TEXT_TYPES, MEMBER_TYPES, Question
from procedures.people import Person, condition_views
from protocol.facts import Animal, AnswerValue, Facts

_HIDDEN_VALUE: dict[str, AnswerValue] = {
    "yes_no": False,
    "multi": [],
    "members": [],
    "grades": {},
    "animals": [],
    "number": 0,
}
"""The value a question has when it is not shown; other types are null."""


class MissingFacts(Exception):  # noqa: N818 - a question to ask, not a failure
    """The plan depends on answers not given yet; `question_ids` lists them in asking order."""

    def __init__(self, question_ids: Sequence[str]) -> None:
        super().__init__(f"missing answers: {', '.join(question_ids)}")
        self.question_ids = tuple(question_ids)


class InvalidAnswerError(ValueError):
    """An answer of the wrong type or outside the question's options; never repeats the value."""

    def __init__(self, question_id: str, problem: str) -> None:
        super().__init__(f"answer to {question_id}: {problem}")
        self.question_id = question_id
        self.problem = problem


@dataclass(frozen=True)
class Resolution:
    """Every question's value (given, or neutral when hidden), what is still open, what to ask now."""

    values: Mapping[str, AnswerValue]
    open: tuple[str, ...]
    askable: tuple[str, ...]
    member_choices: Mapping[str, tuple[str, ...]]


Checker = Callable[[Question, Any, Sequence[str]], AnswerValue]


def _invalid(question: Question, problem: str | None = None) -> InvalidAnswerError:
    return InvalidAnswerError(question.id, problem or f"not a valid {question.type} answer")


def _yes_no(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    if isinstance(value, bool):
        return value
    raise _invalid(question)


def _choice(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    if isinstance(value, str) and value in [option.id for option in question.options]:
        return value
    raise _invalid(question, "not one of the options")


def _multi(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    options = [option.id for option in question.options]
    if isinstance(value, list) and all(item in options for item in value):
        return [option for option in options if option in value]
    raise _invalid(question, "must be a list of the options")


def _member(question: Question, value: Any, choices: Sequence[str]) -> AnswerValue:
    extra = [option.id for option in question.options]
    if isinstance(value, str) and (value in choices or value in extra):
        return value
    raise _invalid(question, "not one of the household members this question offers")


def _members(question: Question, value: Any, choices: Sequence[str]) -> AnswerValue:
    if isinstance(value, list) and all(isinstance(item, str) and item in choices for item in value):
        return sorted(set(value), key=choices.index)
    raise _invalid(question, "must be a list of household member ids this question offers")


def _grades(question: Question, value: Any, choices: Sequence[str]) -> AnswerValue:
    options = [option.id for option in question.options]
    if isinstance(value, dict) and all(
        isinstance(member, str) and member in choices and grade in options for member, grade in value.items()
    ):
        return {member: value[member] for member in choices if member in value}
    raise _invalid(question, "must map household member ids this question offers to its options")


def _animals(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    options = [option.id for option in question.options]
    if isinstance(value, list) and all(isinstance(item, Animal) and item.kind in options for item in value):
        return list(value)
    raise _invalid(question, "must be a list of animals of the kinds this question offers")


def _number(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(question)
    low = question.min if question.min is not None else value
    high = question.max if question.max is not None else value
    if not low <= value <= high:
        raise _invalid(question, f"must be between {question.min} and {question.max}")
    return value


def _date(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise _invalid(question, "must be a date (YYYY-MM-DD)") from None


def _text(question: Question, value: Any, _choices: Sequence[str]) -> AnswerValue:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise _invalid(question, "must not be empty")


_CHECKERS: dict[str, Checker] = {
    "yes_no": _yes_no,
    "choice": _choice,
    "multi": _multi,
    "member": _member,
    "members": _members,
    "grades": _grades,
    "animals": _animals,
    "number": _number,
    "date": _date,
    "text": _text,
    "address": _text,
    "phone": _text,
}


def check_answer(question: Question, value: Any, member_choices: Sequence[str]) -> AnswerValue:
    """The answer in canonical form, or InvalidAnswerError naming the question (never the value)."""
    return _CHECKERS[question.type](question, value, member_choices)


def resolve(catalog: Catalog, facts: Facts, people: Sequence[Person]) -> Resolution:
    """Walk the questions in order for these facts; raises InvalidAnswerError for a bad answer."""
    unknown = sorted(set(facts.answers) - set(catalog.question_by_id))
    if unknown:
        raise InvalidAnswerError(unknown[0], "no such question in this catalog")
    applicant, members = condition_views(facts, people)
    base = make_context(facts.life_event, applicant, members, {})
    values: dict[str, AnswerValue] = {}
    open_ids: list[str] = []
    askable: list[str] = []
    member_choices: dict[str, tuple[str, ...]] = {}
    for compiled in catalog.questions:
        question = compiled.question
        if _reads_open(compiled, open_ids):
            open_ids.append(question.id)
            continue
        context = with_answers(base, readable_answers(catalog, values))
        if not compiled.shown_when.holds(context):
            values[question.id] = _HIDDEN_VALUE.get(question.type)
            continue
        if question.type in MEMBER_TYPES:
            member_choices[question.id] = _member_choices(compiled, context, people)
        if question.id in facts.answers:
            given = facts.answers[question.id]
            values[question.id] = check_answer(question, given, member_choices.get(question.id, ()))
        else:
            open_ids.append(question.id)
            askable.append(question.id)
    return Resolution(values, tuple(open_ids), tuple(askable), member_choices)


def _member_choices(
    compiled: CompiledQuestion, context: Context, people: Sequence[Person]
) -> tuple[str, ...]:
    """The people a member question offers: the household (or everyone), narrowed by its filter."""
    question = compiled.question
    offered = [person for person in people if person.in_household or question.among == "everyone"]
    if compiled.members_filter is None:
        return tuple(person.id for person in offered)
    if question.among == "everyone":
        views = [person.condition_view() for person in offered]
        context = {**context, "members": to_cel_list(views)}
    return tuple(compiled.members_filter.member_ids(context))


def _reads_open(compiled: CompiledQuestion, open_ids: Sequence[str]) -> bool:
    refs = compiled.shown_when.answer_refs
    if compiled.members_filter is not None:
        refs = refs | compiled.members_filter.answer_refs
    return any(ref in open_ids for ref in refs)


def readable_answers(catalog: Catalog, values: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers conditions may read: free-text answers are left out."""
    readable: dict[str, AnswerValue] = {}
    for question_id, value in values.items():
        kind = catalog.question_by_id[question_id].type
        if kind == "animals" and isinstance(value, list):
            readable[question_id] = [item.kind for item in value if isinstance(item, Animal)]
        elif kind not in FREE_TEXT_TYPES:
            readable[question_id] = value
    return readable
