"""Every answer the citizen gave, grouped by the procedure that uses it, in the plan's visiting order.

A procedure uses an answer when its conditions read it or one of its forms prints it (directly or through a
derived value), as the catalog says. Answers several planned procedures use (the new address, the phone) are
shown once, first, under 共通の回答 with the procedures that use them; an answer no planned procedure uses is
still shown, last, under その他の回答, so staff see everything the citizen said. Labels come from the
catalog; values are shown as the citizen chose them (はい/いいえ, the option's label, members by name,
grades per member, animals by kind and name, dates in 和暦 too). Never logs an answer.
"""

from collections.abc import Iterator

import msgspec

from central.cases.labels import StaffLabels
from procedures.catalog import Catalog, CompiledProcedure
from protocol.facts import Animal, AnswerValue, Facts
from protocol.plan import Plan, PlannedProcedure
from protocol.wareki import wareki_iso

OTHER_ANSWERS = "その他の回答"
SHARED_ANSWERS = "共通の回答"


class AnswerView(msgspec.Struct, frozen=True):
    """One answer: the question's id and label, and the value as staff read it."""

    id: str
    label: str
    value: str


class ProcedureAnswers(msgspec.Struct, frozen=True):
    """The answers one procedure uses (procedure None: the shared answers, or those no procedure uses)."""

    procedure: str | None
    name: str
    counter: str
    answers: list[AnswerView]
    used_by: list[str] = msgspec.field(default_factory=list)
    """For the shared answers: the procedures that use them."""


def visiting_order(plan: Plan) -> list[PlannedProcedure]:
    """The plan's procedures in the order the citizen meets them: by counter order, then as each counter
    lists them."""
    by_id = {item.id: item for item in plan.procedures}
    ordered = [by_id[pid] for counter in plan.visiting_order() for pid in counter.procedures if pid in by_id]
    seen = {item.id for item in ordered}
    return ordered + [item for item in plan.procedures if item.id not in seen]


def _sources(catalog: Catalog, source: str) -> Iterator[str]:
    """The answers a form field's source reads (a derived value reads its cases' answers)."""
    kind, _, name = source.partition(".")
    if kind == "answer":
        yield name
    elif kind == "value":
        for rule in catalog.values.get(name, ()):
            yield from rule.when.answer_refs
            yield from _sources(catalog, rule.source)


def used_answers(catalog: Catalog, compiled: CompiledProcedure) -> set[str]:
    """The answers a procedure's conditions read or its forms print (a procedure for animals uses the
    questions that list them)."""
    used = set(compiled.required_when.answer_refs)
    used |= set(catalog.animal_questions) if compiled.procedure.for_animals else set()
    used |= compiled.for_members.answer_refs if compiled.for_members else frozenset()
    for form_id in compiled.procedure.forms:
        form = catalog.forms.get(form_id)
        if form is None:
            continue
        for form_field in form.fields + (form.rows.fields if form.rows else []):
            used.update(_sources(catalog, form_field.source))
    return used


def _member_name(facts: Facts, member_id: str) -> str:
    if member_id == "0":
        return facts.applicant.name
    index = int(member_id) - 1 if member_id.isdigit() else -1
    return facts.household[index].name if 0 <= index < len(facts.household) else member_id


def _animal(animal: Animal, kinds: dict[str, str]) -> str:
    registration = f"（登録番号 {animal.registration}）" if animal.registration else ""
    return f"{kinds.get(animal.kind, animal.kind)}「{animal.name}」{registration}"


def answer_text(catalog: Catalog, facts: Facts, question_id: str, value: AnswerValue) -> str:
    """An answer as staff read it."""
    question = catalog.question_by_id.get(question_id)
    if value is None:
        return "（未回答）"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    kind = question.type if question else "text"
    options = {option.id: option.label["ja"] for option in question.options} if question else {}
    if isinstance(value, dict):  # grades: one option per member
        shown = [
            f"{_member_name(facts, member)}：{options.get(grade, grade)}" for member, grade in value.items()
        ]
        return "、".join(shown) if shown else "（なし）"
    items = list(value) if isinstance(value, list | tuple) else [value]
    if any(isinstance(item, Animal) for item in items):
        shown = [_animal(item, options) for item in items if isinstance(item, Animal)]
    elif kind in ("member", "members"):
        shown = [_member_name(facts, str(item)) for item in items]
    elif kind in ("choice", "multi"):
        shown = [options.get(str(item), str(item)) for item in items]
    elif kind == "date" and isinstance(value, str):
        japanese = wareki_iso(value)
        shown = [value if japanese == value else f"{value}（{japanese}）"]
    else:
        shown = [str(item) for item in items]
    return "、".join(shown) if shown else "（なし）"


def answers_by_procedure(labels: StaffLabels, facts: Facts, plan: Plan | None) -> list[ProcedureAnswers]:
    """Every answer in the facts, under each planned procedure that uses it, in visiting order."""
    catalog = labels.catalog
    compiled = {item.procedure.id: item for item in catalog.procedures}
    views = {
        key: AnswerView(key, labels.question(key), answer_text(catalog, facts, key, value))
        for key, value in facts.answers.items()
    }
    position = {question.id: index for index, question in enumerate(catalog.content.questions)}

    def in_asking_order(keys: set[str]) -> list[AnswerView]:
        return [views[key] for key in sorted(keys, key=lambda key: position.get(key, len(position)))]

    procedures = visiting_order(plan) if plan else []
    uses = {
        item.id: used_answers(catalog, compiled[item.id]) & views.keys() if item.id in compiled else set()
        for item in procedures
    }
    shared = {key for key in views if sum(key in used for used in uses.values()) > 1}
    groups: list[ProcedureAnswers] = []
    if shared:
        users = [item.name.ja for item in procedures if uses[item.id] & shared]
        groups.append(ProcedureAnswers(None, SHARED_ANSWERS, "", in_asking_order(shared), users))
    for item in procedures:
        if own := uses[item.id] - shared:
            groups.append(
                ProcedureAnswers(item.id, item.name.ja, labels.counter(item.counter), in_asking_order(own))
            )
    if rest := views.keys() - set().union(*uses.values()):
        groups.append(ProcedureAnswers(None, OTHER_ANSWERS, "", in_asking_order(rest)))
    return groups
