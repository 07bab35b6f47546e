"""The facts a citizen gives at the counter: the input of the navigator and the heart of a submission.

Field names and meanings are what a unit's `POST /api/submissions` takes (e.g.
`docs/examples/facts-move-in.json`); unknown fields are errors so a typo never silently drops data. This
module holds no personal data itself and must never log any.
"""

from typing import Literal

import msgspec

LifeEvent = Literal[
    "move_in", "move_out", "move_within", "birth", "death", "marriage", "divorce", "certificates"
]
Sex = Literal["1", "2", "9", "0"]
"""ISO 5218 as on the My Number Card: 1 male, 2 female, 9 not applicable, 0 not known."""

AnswerValue = str | int | float | bool | list[str] | None


class Person(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The applicant: the basic four facts (基本4情報) as read from the card or typed."""

    name: str
    address: str
    birth_date: str
    """ISO 8601 date, Gregorian (the card stores YYYYMMDD)."""
    sex: Sex


class Member(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Another member of the household the case is about."""

    name: str
    relation: str
    birth_date: str
    sex: Sex


class Facts(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Everything the navigator needs: the life event, who, and the questionnaire's answers."""

    life_event: LifeEvent
    language: str
    applicant: Person
    household: list[Member] = msgspec.field(default_factory=list)
    answers: dict[str, AnswerValue] = msgspec.field(default_factory=dict)


def decode_facts(raw: bytes) -> Facts:
    """Decode and validate facts from JSON; raises msgspec.ValidationError naming the bad field."""
    return msgspec.json.decode(raw, type=Facts)
