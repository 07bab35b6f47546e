"""The catalog as authored: typed records decoded from YAML after it passed the JSON Schema.

These Structs mirror `catalog.schema.json` one to one; they hold no behaviour and no compiled conditions
(see `catalog.py` for that). Field names are the YAML keys. Nothing here may hold personal data: examples
use invented people.
"""

from typing import Any, Literal

import msgspec

from protocol.facts import LifeEvent
from protocol.plan import FieldType, ProcedureKind

Texts = dict[str, str]
"""Text per language tag (ja, ja-easy, en, zh-Hans, ...)."""

QuestionType = Literal[
    "yes_no",
    "choice",
    "multi",
    "member",
    "members",
    "grades",
    "animals",
    "number",
    "date",
    "text",
    "address",
    "phone",
]
"""`grades` asks one option per member (care level, pension category); `animals` lists the household's
animals, each with a kind (an option), a name and a registration number."""
MEMBER_TYPES: frozenset[str] = frozenset({"member", "members", "grades"})
"""Questions whose answer names people of the case."""
FREE_TEXT_TYPES: frozenset[str] = frozenset({"date", "text", "address", "phone"})
"""Answers that conditions may not look at: they are only copied onto forms."""

FormScope = Literal["case", "member", "animal"]
Among = Literal["household", "everyone"]
"""Whom a member question offers: the household, or everyone in the case (with an applicant who lives
elsewhere, e.g. the chief mourner)."""


class _Record(msgspec.Struct, forbid_unknown_fields=True, frozen=True, omit_defaults=True):
    """Base of every catalog record: unknown keys are errors."""


class Meta(_Record, frozen=True):
    """Which catalog this is: the city, the version, the kiosk languages."""

    id: str
    city: Texts
    version: str
    languages: list[str]


class Relation(_Record, frozen=True):
    """A household relation code as used in `Facts.household[].relation`, with its 続柄 on forms."""

    id: str
    label: Texts


class ValueCase(_Record, frozen=True):
    """One branch of a derived value: the first case whose `when` holds supplies the value."""

    source: str
    when: str = "true"


class DerivedValue(_Record, frozen=True):
    """A named value forms can use, e.g. the address in this city after the event."""

    id: str
    cases: list[ValueCase]


class Counter(_Record, frozen=True):
    """A counter (窓口) the citizen visits; `order` is the visiting order within the office."""

    id: str
    name: Texts
    office: Texts
    floor: int
    location: Texts
    order: int


class Document(_Record, frozen=True):
    """Something to bring (本人確認書類, 転出証明書, 通帳, ...)."""

    id: str
    name: Texts


class Option(_Record, frozen=True):
    """One option of a choice or multi question."""

    id: str
    label: Texts


class Question(_Record, frozen=True):
    """One kiosk screen. `shown_when` may only look at earlier questions."""

    id: str
    type: QuestionType
    label: Texts
    shown_when: str = "true"
    members_filter: str | None = None
    among: Among = "household"
    options: list[Option] = msgspec.field(default_factory=list)
    min: int | None = None
    max: int | None = None


class FormField(_Record, frozen=True):
    """One box on a paper form, where its value comes from, and what kind of writing it saves."""

    id: str
    label: str
    type: FieldType
    source: str


class Rows(_Record, frozen=True):
    """A table on a form with one row per member (the household, or the members the procedure is for)."""

    members: Literal["household", "procedure"]
    fields: list[FormField]


class Form(_Record, frozen=True):
    """A paper form (様式), printed in Japanese, once per case, per member or per animal."""

    id: str
    title: str
    per: FormScope
    fields: list[FormField]
    rows: Rows | None = None


class Procedure(_Record, frozen=True):
    """A procedure or a piece of guidance, when it is needed, where, and with which forms.

    `for_animals` names animal kinds (options of the `animals` question): the procedure is then for each
    such animal, and applies only when there is one.
    """

    id: str
    name: Texts
    department: Texts
    counter: str
    events: list[LifeEvent]
    reason: Texts
    kind: ProcedureKind = "procedure"
    required_when: str = "true"
    for_members: str | None = None
    for_animals: list[str] | None = None
    documents: list[str] = msgspec.field(default_factory=list)
    forms: list[str] = msgspec.field(default_factory=list)


class Expectation(_Record, frozen=True):
    """What an example household must produce: exactly these procedures, or exactly these missing facts.

    `absent` repeats procedures that must not appear (the point of the example, kept even when `procedures`
    changes); `fields` pins what chosen form fields print: form instance id → field id → value.
    """

    procedures: list[str] = msgspec.field(default_factory=list)
    missing: list[str] = msgspec.field(default_factory=list)
    absent: list[str] = msgspec.field(default_factory=list)
    min_forms: int = 0
    fields: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)


class Example(_Record, frozen=True):
    """An invented household the catalog is tested against before it can be published."""

    id: str
    description: str
    today: str
    facts: dict[str, Any]
    expect: Expectation


class CatalogContent(_Record, frozen=True):
    """All catalog files merged: the unit that is hashed, tested and published."""

    catalog: Meta
    counters: list[Counter]
    documents: list[Document]
    questions: list[Question]
    procedures: list[Procedure]
    forms: list[Form]
    relations: list[Relation] = msgspec.field(default_factory=list)
    values: list[DerivedValue] = msgspec.field(default_factory=list)
    examples: list[Example] = msgspec.field(default_factory=list)
