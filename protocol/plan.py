"""The plan: what the navigator works out for a household and what travels inside a sealed submission.

The navigator (`procedures/`) makes it, the kiosk shows and prints it, the envelope carries it, and central's
staff side, forms and exports read it: one typed schema for all of them, encoded once at the edge of the wire
(`msgspec.json.encode(plan)`). Citizen-facing text comes as `Text` in Japanese and in the citizen's language
(forms stay Japanese). A plan holds personal data (names on forms): it must never be logged, only sealed,
printed or stored by central.
"""

from typing import Literal

import msgspec

FieldType = Literal["name", "address", "phone", "birth_date", "other"]
"""What a form field holds, for the handwriting count."""
ProcedureKind = Literal["procedure", "guidance"]
"""`guidance` is information only (案内): nothing to sign."""
SourceKind = Literal[
    "applicant",
    "member",
    "head",
    "household",
    "person",
    "grade",
    "animal",
    "answer",
    "value",
    "today",
    "staff",
    "signature",
]
"""Where a form field's value comes from: who files (applicant), the form's member, the head of household,
the household's address, a person named by an answer, a member's grade, an animal, an answer, a derived
value, the day; `staff` and `signature` fields stay empty."""


class Text(msgspec.Struct, frozen=True):
    """A text in Japanese and in the citizen's language (the same when the citizen reads Japanese)."""

    ja: str
    citizen: str


class WritingCount(msgspec.Struct, frozen=True):
    """Form fields by type: name, address, phone, birth date, other; `total` is their sum."""

    name: int = 0
    address: int = 0
    phone: int = 0
    birth_date: int = 0
    other: int = 0
    total: int = 0

    @classmethod
    def of(cls, counts: dict[FieldType, int]) -> "WritingCount":
        """Build from a per-type tally."""
        return cls(**counts, total=sum(counts.values()))


class FilledField(msgspec.Struct, frozen=True):
    """One field: `value` is None for staff and signature fields (and for anything left to write)."""

    id: str
    label: str
    type: FieldType
    source: SourceKind
    value: str | None
    member: str | None = None


class FilledForm(msgspec.Struct, frozen=True):
    """One printed form; `member` is the member it is about, for per-member forms, `animal` the animal
    (1-based, in the order of the animals answer) for per-animal forms."""

    id: str
    form: str
    title: str
    procedure: str
    member: str | None
    fields: list[FilledField]
    animal: int | None = None


class PlannedProcedure(msgspec.Struct, frozen=True):
    """A procedure the household needs, why, where, for whom, with what."""

    id: str
    kind: ProcedureKind
    name: Text
    department: Text
    counter: str
    reason: Text
    members: list[str]
    documents: list[str]
    forms: list[str]


class PlannedCounter(msgspec.Struct, frozen=True):
    """A counter to visit, in visiting order, with the procedures done there."""

    id: str
    order: int
    name: Text
    office: Text
    floor: int
    location: Text
    procedures: list[str]


class PlannedDocument(msgspec.Struct, frozen=True):
    """Something to bring, and the procedures that need it."""

    id: str
    name: Text
    procedures: list[str]


class Writing(msgspec.Struct, frozen=True):
    """Handwriting accounting: fields prefilled (saved), fields left to write, signatures, staff fields."""

    saved: WritingCount
    left: WritingCount
    signatures: int
    staff_fields: int


class Plan(msgspec.Struct, frozen=True):
    """Everything the kiosk shows, the slip prints and the staff console works from."""

    catalog: str
    catalog_version: str
    catalog_hash: str
    life_event: str
    language: str
    today: str
    procedures: list[PlannedProcedure]
    counters: list[PlannedCounter]
    documents: list[PlannedDocument]
    forms: list[FilledForm]
    writing: Writing

    def visiting_order(self) -> list[PlannedCounter]:
        """The counters in the order the citizen visits them."""
        return sorted(self.counters, key=lambda counter: counter.order)

    def forms_of(self, procedure_id: str) -> list[FilledForm]:
        """The forms a procedure prints."""
        return [form for form in self.forms if form.procedure == procedure_id]


_decoder = msgspec.json.Decoder(Plan | None)


def decode_plan(raw: bytes | str) -> Plan | None:
    """Decode a plan from its JSON form, `null` (no plan) as None; raises msgspec.ValidationError."""
    return _decoder.decode(raw)
