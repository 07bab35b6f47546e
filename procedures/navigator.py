"""The navigator: a household's facts in, a plan out — the same pure code on the kiosk and the staff console.

`make_plan` decides which procedures apply (and for whom, and why), orders the counters, gathers the
documents to bring and fills every form; `next_questions` tells the kiosk what to ask next. Both are pure
and deterministic: no clock (the caller passes `today`), no I/O, no randomness, no logging. A plan that
would depend on an unanswered question is refused with `MissingFacts`, never guessed.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from string import Template

from procedures.answers import MissingFacts, Resolution, readable_answers, resolve
from procedures.asked import AskedQuestion, QuestionOption, localize
from procedures.catalog import Catalog, CompiledProcedure
from procedures.conditions import Context, make_context
from procedures.forms import AnimalSubject, FormFacts, count_writing, fill_form
from procedures.model import MEMBER_TYPES
from procedures.people import InvalidPersonError, Person, condition_views, people_of
from protocol.facts import Animal, AnswerValue, Facts
from protocol.plan import FilledForm, Plan, PlannedCounter, PlannedDocument, PlannedProcedure, Text

__all__ = ["MissingFacts", "make_plan", "next_questions"]


def _context(catalog: Catalog, facts: Facts, people: Sequence[Person], resolution: Resolution) -> Context:
    applicant, members = condition_views(facts, people)
    return make_context(facts.life_event, applicant, members, readable_answers(catalog, resolution.values))


def _animals(catalog: Catalog, values: Mapping[str, AnswerValue]) -> list[AnimalSubject]:
    """Every animal the answers list, numbered from 1 in answer order."""
    subjects: list[AnimalSubject] = []
    for question_id in catalog.animal_questions:
        answer = values.get(question_id)
        for item in answer if isinstance(answer, list) else []:
            if isinstance(item, Animal):
                subjects.append(AnimalSubject(len(subjects) + 1, question_id, item))
    return subjects


Selected = tuple[CompiledProcedure, list[str], list[AnimalSubject]]


def _selected(
    catalog: Catalog, facts: Facts, context: Context, animals: Sequence[AnimalSubject]
) -> list[Selected]:
    """Procedures that apply, each with the members (or animals) it is for (empty for household-wide ones)."""
    selected = []
    for compiled in catalog.procedures:
        procedure = compiled.procedure
        if facts.life_event not in procedure.events or not compiled.required_when.holds(context):
            continue
        members = compiled.for_members.member_ids(context) if compiled.for_members else []
        kinds = procedure.for_animals
        for_animals = [animal for animal in animals if kinds and animal.animal.kind in kinds]
        if (compiled.for_members is None or members) and (kinds is None or for_animals):
            selected.append((compiled, members, for_animals))
    return selected


def _derived(catalog: Catalog, context: Context, form_facts: FormFacts) -> dict[str, str | None]:
    derived: dict[str, str | None] = {}
    for value_id, rules in catalog.values.items():
        rule = next((rule for rule in rules if rule.when.holds(context)), None)
        derived[value_id] = form_facts.value_of(rule.source, None) if rule else None
    return derived


def _reason(compiled: CompiledProcedure, count_of: int, language: str) -> Text:
    text = localize(compiled.procedure.reason, language)
    count = str(count_of)
    return Text(
        ja=Template(text.ja).safe_substitute(count=count),
        citizen=Template(text.citizen).safe_substitute(count=count),
    )


def _fill_forms(
    catalog: Catalog,
    compiled: CompiledProcedure,
    subjects: Sequence[Person],
    animals: Sequence[AnimalSubject],
    household: Sequence[Person],
    form_facts: FormFacts,
) -> list[FilledForm]:
    """Every form of one procedure: per-member (per-animal) forms once per subject, rows for household or
    subjects."""
    filled: list[FilledForm] = []
    for form_id in compiled.procedure.forms:
        form = catalog.forms[form_id]
        rows = household if form.rows and form.rows.members == "household" else subjects
        targets: Sequence[Person | AnimalSubject | None] = (
            subjects if form.per == "member" else animals if form.per == "animal" else [None]
        )
        filled += [fill_form(form, compiled.procedure.id, subject, rows, form_facts) for subject in targets]
    return filled


def _planned(
    compiled: CompiledProcedure, members: list[str], count: int, filled: Sequence[FilledForm], language: str
) -> PlannedProcedure:
    procedure = compiled.procedure
    return PlannedProcedure(
        id=procedure.id,
        kind=procedure.kind,
        name=localize(procedure.name, language),
        department=localize(procedure.department, language),
        counter=procedure.counter,
        reason=_reason(compiled, count, language),
        members=members,
        documents=list(procedure.documents),
        forms=[form.id for form in filled],
    )


class UnsupportedLanguageError(ValueError):
    """The facts ask for a language the catalog does not offer."""

    def __init__(self) -> None:
        super().__init__("language: not one of the catalog's languages")


def checked_people(catalog: Catalog, facts: Facts, today: date) -> tuple[Person, ...]:
    """The people of the facts, refused if the catalog cannot speak to them or relate them.

    Raises UnsupportedLanguageError, or InvalidPersonError for an unknown relation or a bad birth date:
    the kiosk, the unit's API and the staff side plan the same facts, so they refuse the same things.
    """
    if facts.language not in catalog.meta.languages:
        raise UnsupportedLanguageError
    for index, member in enumerate(facts.household, start=1):
        if member.relation not in catalog.relations:
            raise InvalidPersonError(str(index), "relation", "is not one of the catalog's relations")
    return people_of(facts, today)


def make_plan(catalog: Catalog, facts: Facts, today: date) -> Plan:
    """The plan for these facts on `today`; raises MissingFacts or InvalidAnswerError.

    MissingFacts names the questions that must be answered now; answering them may reveal follow-ups
    (a dog's name once "has a dog" is yes), exactly as the kiosk's `next_questions` flow would.
    """
    people = checked_people(catalog, facts, today)
    by_id = {person.id: person for person in people}
    resolution = resolve(catalog, facts, people)
    if resolution.open:
        raise MissingFacts(resolution.askable)
    context = _context(catalog, facts, people, resolution)
    base_facts = FormFacts(
        catalog,
        by_id,
        resolution.values,
        today,
        role=facts.applicant_role,
        household_address=facts.address_of_household,
        head=facts.head_id,
    )
    form_facts = replace(base_facts, derived=_derived(catalog, context, base_facts))
    selected = _selected(catalog, facts, context, _animals(catalog, resolution.values))
    selected.sort(key=lambda item: _visit_rank(catalog, item[0].procedure.counter))

    language = facts.language
    household = [person for person in people if person.in_household]
    procedures: list[PlannedProcedure] = []
    forms: list[FilledForm] = []
    for compiled, members, animals in selected:
        subjects = [by_id[member_id] for member_id in members]
        filled = _fill_forms(catalog, compiled, subjects, animals, household, form_facts)
        forms += filled
        count = len(animals) if compiled.procedure.for_animals else len(members)
        procedures.append(_planned(compiled, members, count, filled, language))
    return Plan(
        catalog=catalog.meta.id,
        catalog_version=catalog.meta.version,
        catalog_hash=catalog.content_hash,
        life_event=facts.life_event,
        language=language,
        today=today.isoformat(),
        procedures=procedures,
        counters=_counters(catalog, procedures, language),
        documents=_documents(catalog, procedures, language),
        forms=forms,
        writing=count_writing(forms),
    )


def _visit_rank(catalog: Catalog, counter_id: str) -> tuple[int, str]:
    return catalog.counters[counter_id].order, counter_id


def _counters(
    catalog: Catalog, procedures: Sequence[PlannedProcedure], language: str
) -> list[PlannedCounter]:
    visits: dict[str, list[str]] = {}
    for procedure in procedures:
        visits.setdefault(procedure.counter, []).append(procedure.id)
    return [
        PlannedCounter(
            id=counter.id,
            order=counter.order,
            name=localize(counter.name, language),
            office=localize(counter.office, language),
            floor=counter.floor,
            location=localize(counter.location, language),
            procedures=procedure_ids,
        )
        for counter, procedure_ids in ((catalog.counters[key], ids) for key, ids in visits.items())
    ]


def _documents(
    catalog: Catalog, procedures: Sequence[PlannedProcedure], language: str
) -> list[PlannedDocument]:
    needed: dict[str, list[str]] = {}
    for procedure in procedures:
        for document_id in procedure.documents:
            needed.setdefault(document_id, []).append(procedure.id)
    return [
        PlannedDocument(document_id, localize(catalog.documents[document_id].name, language), procedure_ids)
        for document_id, procedure_ids in needed.items()
    ]


def next_questions(catalog: Catalog, facts: Facts, today: date) -> list[AskedQuestion]:
    """The questions that can be asked now, in order (the kiosk shows the first); empty when complete."""
    people = checked_people(catalog, facts, today)
    names = {person.id: person.name for person in people}
    resolution = resolve(catalog, facts, people)
    asked = []
    for question_id in resolution.askable:
        question = catalog.question_by_id[question_id]
        options = [
            QuestionOption(option.id, localize(option.label, facts.language)) for option in question.options
        ]
        people_options = [
            QuestionOption(member_id, Text(names[member_id], names[member_id]))
            for member_id in resolution.member_choices.get(question_id, ())
        ]
        if question.type in ("member", "members"):
            options, people_options = people_options + options, []
        asked.append(
            AskedQuestion(
                id=question.id,
                type=question.type,
                label=localize(question.label, facts.language),
                options=options,
                min=question.min,
                max=question.max,
                members=people_options if question.type in MEMBER_TYPES else [],
            )
        )
    return asked
