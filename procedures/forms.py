"""Fill paper forms from the facts and count the handwriting this saves, per field type.

Every field's value comes from its declared source (applicant, member, answer, derived value, today);
staff fields stay empty for staff, signature fields for the citizen's signature. A citizen-sourced field
that ends up empty is counted as "left to write" — a catalog bug the example tests catch. Values are
rendered the Japanese way (1985年5月3日, 男/女, 続柄 labels). This module must never log a value.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from procedures.catalog import Catalog
from procedures.model import Form, FormField, Question
from procedures.people import APPLICANT_ID, Person
from protocol.facts import AnswerValue
from protocol.plan import FieldType, FilledField, FilledForm, SourceKind, Writing, WritingCount

_SEX_JA = {"1": "男", "2": "女"}
_YES_NO_JA = {True: "はい", False: "いいえ"}
_APPLICANT_RELATION_JA = "本人"


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

    def answer_text(self, question: Question, value: AnswerValue) -> str | None:
        """An answer as written on a Japanese form."""
        if value is None or value == []:
            return None
        if isinstance(value, bool):
            return _YES_NO_JA[value]
        if question.type in ("choice", "multi"):
            chosen = value if isinstance(value, list) else [value]
            return "、".join(option.label["ja"] for option in question.options if option.id in chosen)
        if question.type in ("member", "members"):
            ids = value if isinstance(value, list) else [str(value)]
            return "、".join(self.people[member_id].name for member_id in ids)
        if question.type == "date":
            return japanese_date(date.fromisoformat(str(value)))
        return str(value)

    def person_text(self, person: Person, attribute: str) -> str | None:
        """A person's name, address, birth date, sex or 続柄 as written on a form."""
        if attribute == "birth_date":
            return japanese_date(person.birth_date)
        if attribute == "sex":
            return _SEX_JA.get(person.sex, "")
        if attribute == "relation":
            if person.id == APPLICANT_ID:
                return _APPLICANT_RELATION_JA
            relation = self.catalog.relations.get(person.relation)
            return relation.label["ja"] if relation else person.relation
        return person.name if attribute == "name" else person.address

    def value_of(self, source: str, member: Person | None) -> str | None:
        """The text a source gives; None for staff and signature fields."""
        kind, _, name = source.partition(".")
        if kind == "applicant":
            return self.person_text(self.people[APPLICANT_ID], name)
        if kind == "member" and member is not None:
            return self.person_text(member, name)
        if kind == "answer":
            return self.answer_text(self.catalog.question_by_id[name], self.answers.get(name))
        if kind == "value":
            return self.derived.get(name)
        if kind == "today":
            return japanese_date(self.today)
        return None


def _filled(form_field: FormField, facts: FormFacts, member: Person | None, row: str | None) -> FilledField:
    kind = cast(SourceKind, form_field.source.partition(".")[0])
    return FilledField(
        id=form_field.id,
        label=form_field.label,
        type=form_field.type,
        source=kind,
        value=facts.value_of(form_field.source, member),
        member=row,
    )


def fill_form(
    form: Form, procedure_id: str, subject: Person | None, rows: Sequence[Person], facts: FormFacts
) -> FilledForm:
    """One form instance: its fields, then one set of row fields per member in `rows`."""
    fields = [_filled(form_field, facts, subject, None) for form_field in form.fields]
    if form.rows is not None:
        for person in rows:
            fields += [_filled(form_field, facts, person, person.id) for form_field in form.rows.fields]
    instance = f"{procedure_id}.{form.id}" + (f"@{subject.id}" if subject else "")
    return FilledForm(
        id=instance,
        form=form.id,
        title=form.title,
        procedure=procedure_id,
        member=subject.id if subject else None,
        fields=fields,
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
