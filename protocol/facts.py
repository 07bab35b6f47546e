"""The facts a citizen gives at the counter: the input of the navigator and the heart of a submission.

Field names and meanings are what a unit's `POST /api/submissions` takes (e.g.
`docs/examples/facts-move-in.json`); unknown fields are errors so a typo never silently drops data. This
module holds no personal data itself and must never log any.
"""

from typing import Annotated, Literal

import msgspec

LifeEvent = Literal[
    "move_in", "move_out", "move_within", "birth", "death", "marriage", "divorce", "certificates"
]
Sex = Literal["1", "2", "9", "0"]
"""ISO 5218 as on the My Number Card: 1 male, 2 female, 9 not applicable, 0 not known."""

MAX_NAME = 100
"""Characters in a name: the longest names on residence cards (foreign residents' full names) fit."""
MAX_ADDRESS = 200
MAX_HOUSEHOLD = 19
"""Household members besides the applicant (a household of 20 people)."""
MAX_ANSWERS = 100
MAX_ANSWER_TEXT = 500
MAX_CHOICES = 50

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME, pattern=r"\S")]
Address = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ADDRESS, pattern=r"\S")]
IsoDate = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
"""A Gregorian date, YYYY-MM-DD (the card stores YYYYMMDD)."""
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
"""An identifier from the catalog or the language list (relation, question id, option id, language tag)."""
AnswerValue = (
    Annotated[str, msgspec.Meta(max_length=MAX_ANSWER_TEXT)]
    | Annotated[int, msgspec.Meta(ge=-(10**9), le=10**9)]
    | float
    | bool
    | Annotated[list[Code], msgspec.Meta(max_length=MAX_CHOICES)]
    | None
)


class Person(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The applicant: the basic four facts (基本4情報) as read from the card or typed."""

    name: Name
    address: Address
    birth_date: IsoDate
    sex: Sex


class Member(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Another member of the household the case is about."""

    name: Name
    relation: Code
    birth_date: IsoDate
    sex: Sex


class Facts(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Everything the navigator needs: the life event, who, and the questionnaire's answers.

    Every field is bounded (see the limits above), so a hostile or careless input is refused before any
    planning, sealing or rendering work; the bounds hold on the unit and again at central.
    """

    life_event: LifeEvent
    language: Code
    applicant: Person
    household: Annotated[list[Member], msgspec.Meta(max_length=MAX_HOUSEHOLD)] = msgspec.field(
        default_factory=list
    )
    answers: Annotated[dict[Code, AnswerValue], msgspec.Meta(max_length=MAX_ANSWERS)] = msgspec.field(
        default_factory=dict
    )


def decode_facts(raw: bytes) -> Facts:
    """Decode and validate facts from JSON; raises msgspec.ValidationError naming the bad field."""
    return msgspec.json.decode(raw, type=Facts)


def checked(facts: Facts) -> Facts:
    """Validate facts built in code (constructors do not check bounds); raises msgspec.ValidationError."""
    return msgspec.convert(msgspec.to_builtins(facts), type=Facts)
