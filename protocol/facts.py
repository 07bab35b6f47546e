"""The facts a citizen gives at the counter: the input of the navigator and the heart of a submission.

Field names and meanings are what a unit's `POST /api/submissions` takes (e.g.
`docs/examples/facts-move-in.json`); unknown fields are errors so a typo never silently drops data. This
module holds no personal data itself and must never log any.
"""

from collections.abc import Sequence
from typing import Annotated, Literal

import msgspec

LifeEvent = Literal[
    "move_in", "move_out", "move_within", "birth", "death", "marriage", "divorce", "certificates"
]
Sex = Literal["1", "2", "9", "0"]
"""ISO 5218 as on the My Number Card: 1 male, 2 female, 9 not applicable, 0 not known."""
ApplicantRole = Literal["member", "relative", "agent"]
"""Who files: a member of the household (the default, and the only case before roles existed), a relative
living elsewhere (a death is often reported by a child who lives in another city), or an agent with a power
of attorney (委任状)."""

MAX_NAME = 100
"""Characters in a name: the longest names on residence cards (foreign residents' full names) fit."""
MAX_ADDRESS = 200
MAX_HOUSEHOLD = 19
"""Household members besides the applicant (a household of 20 people)."""
MAX_ANSWERS = 100
MAX_ANSWER_TEXT = 500
MAX_CHOICES = 50
MAX_ANIMALS = 20
MAX_REGISTRATION = 40

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME, pattern=r"\S")]
Address = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ADDRESS, pattern=r"\S")]
IsoDate = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
"""A Gregorian date, YYYY-MM-DD (the card stores YYYYMMDD)."""
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
"""An identifier from the catalog or the language list (relation, question id, option id, language tag)."""
PersonId = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,2}$")]
"""A person of the case: "0" is the applicant, "1", "2", ... the household members in order."""


class Animal(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One animal the household keeps (an answer to an `animals` question): kind, name, registration number.

    `kind` is one of the question's options (dog, cat, ...); `registration` is the number on a dog's tag
    (鑑札), absent for animals that are not registered.
    """

    kind: Code
    name: Name
    registration: Annotated[str, msgspec.Meta(max_length=MAX_REGISTRATION)] | None = None


AnswerValue = (
    Annotated[str, msgspec.Meta(max_length=MAX_ANSWER_TEXT)]
    | Annotated[int, msgspec.Meta(ge=-(10**9), le=10**9)]
    | float
    | bool
    | Annotated[Sequence[Code | Animal], msgspec.Meta(max_length=MAX_CHOICES)]
    | Annotated[dict[Code, Code], msgspec.Meta(max_length=MAX_HOUSEHOLD + 1)]
    | None
)
"""An answer: text, number, yes/no, option or member ids (or animals, for an `animals` question), a grade per
member id (a `grades` question: care level, pension category), or nothing."""


class Person(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The applicant: the basic four facts (基本4情報) as read from the card or typed; `address` is the
    applicant's own address, which is the household's only when the applicant is a member of it."""

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

    The applicant (who files) is modelled apart from the household (who the case is about) and its head
    (世帯主): `applicant_role` says whether the applicant belongs to the household; when not,
    `household_address` is the household's 住所 and `household` lists every member. `head` is the person id
    of the 世帯主 before the event (default: the applicant when a member, else the first member).
    The last three fields came after version 1 of the body and default to its meaning, so sealed
    envelopes made before them still open unchanged.

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
    applicant_role: ApplicantRole = "member"
    household_address: Address | None = None
    head: PersonId | None = None

    @property
    def applicant_in_household(self) -> bool:
        """Whether the applicant is one of the household (the default)."""
        return self.applicant_role == "member"

    @property
    def address_of_household(self) -> str:
        """The household's 住所: its own when given, else the applicant's (a member)."""
        return self.household_address or self.applicant.address

    @property
    def head_candidates(self) -> list[str]:
        """Who may be the head of household: the applicant when a member, then every member."""
        members = [str(index) for index in range(1, len(self.household) + 1)]
        return ["0", *members] if self.applicant_in_household else members

    @property
    def head_id(self) -> str:
        """The person id of the head of household (世帯主)."""
        if self.head is not None:
            return self.head
        return "0" if self.applicant_in_household or not self.household else "1"


def decode_facts(raw: bytes) -> Facts:
    """Decode and validate facts from JSON; raises msgspec.ValidationError naming the bad field."""
    return msgspec.json.decode(raw, type=Facts)


def checked(facts: Facts) -> Facts:
    """Validate facts built in code (constructors do not check bounds); raises msgspec.ValidationError."""
    return msgspec.convert(msgspec.to_builtins(facts), type=Facts)
