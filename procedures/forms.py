"""Fill paper forms from the facts and count the handwriting this saves, per field type.

Every field's value comes from its declared source: who files (`applicant`), the member a form or row is
about, the head of household (`head`), the household's address, a person an answer names (`person`), a
member's grade, an animal, an answer, a derived value, today. Each person prints at their own address: the
applicant's is the card's, a member's is the household's, which differs when the applicant lives elsewhere.
Staff fields stay empty for staff, signature fields for the citizen's signature. A citizen-sourced field
that ends up empty is counted as "left to write" — a catalog bug the example tests catch. Values are
rendered the Japanese way (1985年5月3日, 男/女, 続柄 labels). This module must never log a value.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from procedures.catalog import Catalog
from procedures.kinship import relation_to_head
from procedures.model import Form, FormField, Question
from procedures.people import APPLICANT_ID, Person
from protocol.facts import Animal, AnswerValue
from protocol.plan import FieldType, FilledField, FilledForm, SourceKind, Writing, WritingCount

_SEX_JA = {"1": "男", "2": "女"}
_YES_NO_JA = {True: "はい", False: "いいえ"}
_APPLICANT_RELATION_JA = "本人"
_HEAD_RELATION_JA = "世帯主"
_ROLE_JA = {"member": "同居の親族", "relative": "同居していない親族", "agent": "代理人（委任状）"}
"""The applicant's standing (届出人の資格) as printed."""


def japanese_date(day: date) -> str:
    """1985年5月3日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class FormFacts:
    """What forms are filled from: the people, the resolved answers, the derived values, the day."""

    catalog: Catalog
    people: Mapping[str, Person]
    answers: Mapping[str, AnswerValue]
    today: date
    derived: Mapping[str, str | None] = field(default_factory=dict)
    role: str = "member"
    household_address: str = ""
    head: str = APPLICANT_ID

    def answer_text(self, question: Question, value: AnswerValue) -> str | None:
        """An answer as written on a Japanese form."""
        if value is None or value in ([], {}):
            return None
        if isinstance(value, bool):
            return _YES_NO_JA[value]
        if question.type == "date":
            return japanese_date(date.fromisoformat(str(value)))
        if isinstance(value, dict):  # grades: each member with their grade
            return "、".join(
                f"{self.people[member].name}（{option_label(question, grade)}）"
                for member, grade in value.items()
            )
        items = value if isinstance(value, list) else [value]
        if question.type in ("choice", "multi"):
            return "、".join(option.label["ja"] for option in question.options if option.id in items)
        return "、".join(self._item_text(question, item) for item in items)

    def _item_text(self, question: Question, item: object) -> str:
        """One member (by name), extra option, animal or plain value of an answer."""
        if isinstance(item, Animal):
            return f"{item.name}（{option_label(question, item.kind)}）"
        if question.type in ("member", "members"):
            person = self.people.get(str(item))
            return person.name if person else option_label(question, str(item))
        return str(item)

    def person_text(self, person: Person, attribute: str) -> str | None:
        """A person's name, address, birth date, sex or 続柄 as written on a form."""
        if attribute == "birth_date":
            return japanese_date(person.birth_date)
        if attribute == "sex":
            return _SEX_JA.get(person.sex, "")
        if attribute == "relation":
            return self._relation(person)
        return person.name if attribute == "name" else person.address

    def _relation(self, person: Person) -> str | None:
        """続柄 to the head of household: as entered when the applicant heads it, else restated."""
        if self.head == APPLICANT_ID:
            if person.id == APPLICANT_ID:
                return _APPLICANT_RELATION_JA
            relation = self.catalog.relations.get(person.relation)
            return relation.label["ja"] if relation else person.relation
        if person.id == self.head:
            return _HEAD_RELATION_JA
        head = self.people[self.head]
        return relation_to_head(person.relation, person.sex, head.relation, self.people[APPLICANT_ID].sex)

    def _applicant(self, name: str, _subject: "Subject") -> str | None:
        return _ROLE_JA[self.role] if name == "role" else self.person_text(self.people[APPLICANT_ID], name)

    def _member(self, name: str, subject: "Subject") -> str | None:
        return self.person_text(subject.member, name) if subject.member else None

    def _head(self, name: str, _subject: "Subject") -> str | None:
        return self.person_text(self.people[self.head], name)

    def _household(self, _name: str, _subject: "Subject") -> str | None:
        return self.household_address

    def _person(self, name: str, _subject: "Subject") -> str | None:
        question_id, _, attribute = name.partition(".")
        chosen = self.people.get(str(self.answers.get(question_id)))
        return self.person_text(chosen, attribute) if chosen else None

    def _grade(self, question_id: str, subject: "Subject") -> str | None:
        grades = self.answers.get(question_id)
        member = subject.member
        if member is None or not isinstance(grades, dict) or member.id not in grades:
            return None
        return option_label(self.catalog.question_by_id[question_id], grades[member.id])

    def _animal(self, attribute: str, subject: "Subject") -> str | None:
        animal = subject.animal
        if animal is None:
            return None
        if attribute == "kind":
            return option_label(self.catalog.question_by_id[animal.question_id], animal.animal.kind)
        return animal.animal.name if attribute == "name" else animal.animal.registration

    def _answer(self, name: str, _subject: "Subject") -> str | None:
        return self.answer_text(self.catalog.question_by_id[name], self.answers.get(name))

    def _value(self, name: str, _subject: "Subject") -> str | None:
        return self.derived.get(name)

    def _today(self, _name: str, _subject: "Subject") -> str | None:
        return japanese_date(self.today)

    def value_of(
        self, source: str, member: Person | None, animal: "AnimalSubject | None" = None
    ) -> str | None:
        """The text a source gives; None for staff and signature fields."""
        kind, _, name = source.partition(".")
        reader = _READERS.get(kind)
        return reader(self, name, Subject(member, animal)) if reader else None


def option_label(question: Question, option_id: str) -> str:
    """An option's Japanese label."""
    return next((option.label["ja"] for option in question.options if option.id == option_id), option_id)


@dataclass(frozen=True)
class AnimalSubject:
    """The animal a per-animal form is about: its number (1-based) in the answer of `question_id`."""

    number: int
    question_id: str
    animal: Animal


@dataclass(frozen=True)
class Subject:
    """What a form (or a row of it) is about: a member, an animal, or the case (neither)."""

    member: Person | None = None
    animal: AnimalSubject | None = None


_READERS: dict[str, Callable[[FormFacts, str, Subject], str | None]] = {
    "applicant": FormFacts._applicant,
    "member": FormFacts._member,
    "head": FormFacts._head,
    "household": FormFacts._household,
    "person": FormFacts._person,
    "grade": FormFacts._grade,
    "animal": FormFacts._animal,
    "answer": FormFacts._answer,
    "value": FormFacts._value,
    "today": FormFacts._today,
}
"""Source kind → how to read it; `staff` and `signature` have none (they stay empty)."""


def _filled(
    form_field: FormField,
    facts: FormFacts,
    member: Person | None,
    row: str | None,
    animal: AnimalSubject | None = None,
) -> FilledField:
    kind = cast(SourceKind, form_field.source.partition(".")[0])
    return FilledField(
        id=form_field.id,
        label=form_field.label,
        type=form_field.type,
        source=kind,
        value=facts.value_of(form_field.source, member, animal),
        member=row,
    )


def fill_form(
    form: Form,
    procedure_id: str,
    subject: Person | AnimalSubject | None,
    rows: Sequence[Person],
    facts: FormFacts,
) -> FilledForm:
    """One form instance: its fields, then one set of row fields per member in `rows`."""
    member = subject if isinstance(subject, Person) else None
    animal = subject if isinstance(subject, AnimalSubject) else None
    fields = [_filled(form_field, facts, member, None, animal) for form_field in form.fields]
    if form.rows is not None:
        for person in rows:
            fields += [_filled(form_field, facts, person, person.id) for form_field in form.rows.fields]
    suffix = f"@{member.id}" if member else f"@a{animal.number}" if animal else ""
    return FilledForm(
        id=f"{procedure_id}.{form.id}{suffix}",
        form=form.id,
        title=form.title,
        procedure=procedure_id,
        member=member.id if member else None,
        fields=fields,
        animal=animal.number if animal else None,
    )


def count_writing(forms: Sequence[FilledForm]) -> Writing:
    """Tally prefilled fields (saved), empty citizen fields (left), signatures and staff fields."""
    saved: dict[FieldType, int] = {"name": 0, "address": 0, "phone": 0, "birth_date": 0, "other": 0}
    left = dict(saved)
    signatures = staff = 0
    for form in forms:
        for filled in form.fields:
            if filled.source == "signature":
                signatures += 1
            elif filled.source == "staff":
                staff += 1
            elif filled.value:
                saved[filled.type] += 1
            else:
                left[filled.type] += 1
    return Writing(WritingCount.of(saved), WritingCount.of(left), signatures, staff)
