"""The navigator's output: what to do, where, with what, and every form filled in.

Plain msgspec Structs so `msgspec.json.encode(plan)` is the wire format (local API, submissions, CLI).
Citizen-facing text comes as `Text` in Japanese and in the citizen's language (forms stay Japanese).
A plan holds personal data (names on forms); it must never be logged, only sealed or printed.
"""

from typing import Literal

import msgspec

from procedures.model import FieldType, ProcedureKind, QuestionType, Texts

SourceKind = Literal["applicant", "member", "answer", "value", "today", "staff", "signature"]


class Text(msgspec.Struct, frozen=True):
    """A text in Japanese and in the citizen's language (the same when the citizen reads Japanese)."""

    ja: str
    citizen: str


def localize(texts: Texts, language: str) -> Text:
    """Pick the citizen's language, falling back to Japanese for ja-* and to English otherwise."""
    fallback = texts["ja"] if language.startswith("ja") else texts["en"]
    return Text(ja=texts["ja"], citizen=texts.get(language, fallback))


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
    """One printed form; `member` is the member it is about, for per-member forms."""

    id: str
    form: str
    title: str
    procedure: str
    member: str | None
    fields: list[FilledField]


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


class QuestionOption(msgspec.Struct, frozen=True):
    """One choice on a question screen (member questions list the household by name)."""

    id: str
    label: Text


class AskedQuestion(msgspec.Struct, frozen=True):
    """A question the kiosk should show next."""

    id: str
    type: QuestionType
    label: Text
    options: list[QuestionOption]
    min: int | None
    max: int | None
