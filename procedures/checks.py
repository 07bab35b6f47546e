"""Cross-reference checks the JSON Schema cannot express: ids that must exist, questions in the right order.

Each check returns problems located at file and line; nothing stops at the first one. The rules: every id a
procedure, form, value or condition names exists; conditions read only non-free-text answers and, in a
question, only earlier questions; `member.*` sources appear only where there is a member; every question
and form is used; every text a citizen reads exists in every kiosk language. This module must never
evaluate conditions.
"""

from collections.abc import Iterator
from string import Template
from typing import TYPE_CHECKING

import msgspec

from procedures.model import FREE_TEXT_TYPES, FormField, Texts
from procedures.problems import Locate, Problem, path_text
from procedures.yaml_lines import JsonPath
from protocol.facts import Facts

if TYPE_CHECKING:
    from procedures.catalog import Catalog

Finding = tuple[JsonPath, str]
_VALUE_SOURCE_PREFIXES = ("applicant.", "household.", "head.", "person.", "answer.", "today")


def _citizen_texts(catalog: "Catalog") -> Iterator[tuple[JsonPath, Texts]]:
    """Every text a citizen may read, with its path."""
    content = catalog.content
    yield ("catalog", "city"), content.catalog.city
    for index, question in enumerate(content.questions):
        yield ("questions", index, "label"), question.label
        for number, option in enumerate(question.options):
            yield ("questions", index, "options", number, "label"), option.label
    for index, procedure in enumerate(content.procedures):
        for key in ("name", "department", "reason"):
            yield ("procedures", index, key), getattr(procedure, key)
    for index, counter in enumerate(content.counters):
        for key in ("name", "office", "location"):
            yield ("counters", index, key), getattr(counter, key)
    for index, document in enumerate(content.documents):
        yield ("documents", index, "name"), document.name
    for index, relation in enumerate(content.relations):
        yield ("relations", index, "label"), relation.label


def _language_findings(catalog: "Catalog") -> Iterator[Finding]:
    languages = catalog.meta.languages
    for path, text in _citizen_texts(catalog):
        missing = [language for language in languages if language not in text]
        if missing:
            yield path, f"{path_text(path)}: missing languages {', '.join(missing)}"


def _procedure_findings(catalog: "Catalog") -> Iterator[Finding]:
    for index, procedure in enumerate(catalog.content.procedures):
        path: JsonPath = ("procedures", index)
        for language, text in procedure.reason.items():
            template = Template(text)
            if not template.is_valid() or set(template.get_identifiers()) - {"count"}:
                where = (*path, "reason", language)
                yield where, f"procedure {procedure.id}: reason may only use the placeholder $count"
        if procedure.counter not in catalog.counters:
            yield (*path, "counter"), f"procedure {procedure.id}: unknown counter {procedure.counter!r}"
        for number, document in enumerate(procedure.documents):
            if document not in catalog.documents:
                yield (*path, "documents", number), f"procedure {procedure.id}: unknown document {document!r}"
        for number, form_id in enumerate(procedure.forms):
            form = catalog.forms.get(form_id)
            where = (*path, "forms", number)
            if form is None:
                yield where, f"procedure {procedure.id}: unknown form {form_id!r}"
            elif procedure.for_members is None and (
                form.per == "member" or (form.rows is not None and form.rows.members == "procedure")
            ):
                yield where, f"procedure {procedure.id}: form {form_id} needs members, so set for_members"
            elif (form.per == "animal") != (procedure.for_animals is not None):
                yield where, f"procedure {procedure.id}: per-animal forms go with for_animals, and only they"
        kinds = {
            option.id
            for question in catalog.content.questions
            if question.type == "animals"
            for option in question.options
        }
        for number, kind in enumerate(procedure.for_animals or []):
            if kind not in kinds:
                yield (
                    (*path, "for_animals", number),
                    f"procedure {procedure.id}: no animals question offers {kind!r}",
                )


def _question_finding(source: str, catalog: "Catalog", name: str, types: frozenset[str]) -> str | None:
    question = catalog.question_by_id.get(name)
    if question is None:
        return f"source {source!r}: unknown question {name!r}"
    if question.type not in types:
        return f"source {source!r}: question {name} is not a {' or '.join(sorted(types))} question"
    return None


def _source_finding(
    source: str, catalog: "Catalog", member_scope: bool, animal_scope: bool = False
) -> str | None:
    kind, _, name = source.partition(".")
    if kind in ("member", "grade") and not member_scope:
        return f"source {source!r} needs a member: use it in a per-member form or in rows"
    if kind == "animal" and not animal_scope:
        return f"source {source!r} needs an animal: use it in a per-animal form"
    question_types = {"person": frozenset({"member"}), "grade": frozenset({"grades"})}
    if kind in question_types:
        return _question_finding(source, catalog, name.partition(".")[0], question_types[kind])
    if kind == "answer" and name not in catalog.question_by_id:
        return f"source {source!r}: unknown question {name!r}"
    if kind == "value" and name not in catalog.values:
        return f"source {source!r}: unknown value {name!r}"
    return None


def _form_findings(catalog: "Catalog") -> Iterator[Finding]:
    used = {form_id for procedure in catalog.content.procedures for form_id in procedure.forms}
    for index, form in enumerate(catalog.content.forms):
        path: JsonPath = ("forms", index)
        if form.id not in used:
            yield (*path, "id"), f"form {form.id} is not used by any procedure"
        groups: list[tuple[JsonPath, list[FormField], bool]] = [
            ((*path, "fields"), form.fields, form.per == "member")
        ]
        if form.rows is not None:
            groups.append(((*path, "rows", "fields"), form.rows.fields, True))
        for group_path, fields, member_scope in groups:
            seen: set[str] = set()
            for number, form_field in enumerate(fields):
                field_path = (*group_path, number)
                if form_field.id in seen:
                    yield field_path, f"form {form.id}: duplicate field {form_field.id!r}"
                seen.add(form_field.id)
                message = _source_finding(form_field.source, catalog, member_scope, form.per == "animal")
                if message:
                    yield (*field_path, "source"), f"form {form.id}, field {form_field.id}: {message}"


def _value_findings(catalog: "Catalog") -> Iterator[Finding]:
    for index, value in enumerate(catalog.content.values):
        for number, case in enumerate(value.cases):
            path = ("values", index, "cases", number, "source")
            if not case.source.startswith(_VALUE_SOURCE_PREFIXES):
                yield path, f"value {value.id}: a value comes from applicant.*, answer.* or today"
            elif message := _source_finding(case.source, catalog, member_scope=False):
                yield path, f"value {value.id}: {message}"


def _condition_findings(catalog: "Catalog") -> Iterator[Finding]:
    order = {question.id: index for index, question in enumerate(catalog.content.questions)}
    conditions: list[tuple[JsonPath, frozenset[str], int | None]] = []
    for index, compiled in enumerate(catalog.questions):
        conditions.append((("questions", index, "shown_when"), compiled.shown_when.answer_refs, index))
        if compiled.members_filter is not None:
            refs = compiled.members_filter.answer_refs
            conditions.append((("questions", index, "members_filter"), refs, index))
    for index, procedure in enumerate(catalog.procedures):
        conditions.append((("procedures", index, "required_when"), procedure.required_when.answer_refs, None))
        if procedure.for_members is not None:
            refs = procedure.for_members.answer_refs
            conditions.append((("procedures", index, "for_members"), refs, None))
    for index, rules in enumerate(catalog.values.values()):
        for number, rule in enumerate(rules):
            path: JsonPath = ("values", index, "cases", number, "when")
            conditions.append((path, rule.when.answer_refs, None))
    for path, refs, before in conditions:
        for ref in sorted(refs):
            question = catalog.question_by_id.get(ref)
            if question is None:
                yield path, f"{path_text(path)}: unknown question answers.{ref}"
            elif question.type in FREE_TEXT_TYPES:
                yield path, f"{path_text(path)}: answers.{ref} is free text; conditions cannot read it"
            elif before is not None and order[ref] >= before:
                yield path, f"{path_text(path)}: answers.{ref} is not asked before this question"


def _usage_findings(catalog: "Catalog") -> Iterator[Finding]:
    used: set[str] = set()
    for compiled in catalog.questions:
        used |= compiled.shown_when.answer_refs
        used |= compiled.members_filter.answer_refs if compiled.members_filter else frozenset()
    for procedure in catalog.procedures:
        used |= procedure.required_when.answer_refs
        used |= procedure.for_members.answer_refs if procedure.for_members else frozenset()
        used |= set(catalog.animal_questions) if procedure.procedure.for_animals else set()
    sources: list[str] = []
    for rules in catalog.values.values():
        for rule in rules:
            used |= rule.when.answer_refs
            sources.append(rule.source)
    for form in catalog.content.forms:
        sources += [form_field.source for form_field in form.fields + (form.rows.fields if form.rows else [])]
    used |= {
        source.split(".")[1] for source in sources if source.startswith(("answer.", "person.", "grade."))
    }
    for index, question in enumerate(catalog.content.questions):
        if question.id not in used:
            yield ("questions", index, "id"), f"question {question.id} is asked but never used"


def _example_findings(catalog: "Catalog") -> Iterator[Finding]:
    procedure_ids = {procedure.procedure.id for procedure in catalog.procedures}
    for index, example in enumerate(catalog.content.examples):
        path: JsonPath = ("examples", index)
        try:
            msgspec.convert(example.facts, Facts)
        except msgspec.ValidationError as error:
            yield (*path, "facts"), f"example {example.id}: facts are not valid: {error}"
        for number, procedure_id in enumerate(example.expect.procedures):
            if procedure_id not in procedure_ids:
                where = (*path, "expect", "procedures", number)
                yield where, f"example {example.id}: unknown procedure {procedure_id!r}"
        for number, procedure_id in enumerate(example.expect.absent):
            if procedure_id not in procedure_ids or procedure_id in example.expect.procedures:
                where = (*path, "expect", "absent", number)
                yield where, f"example {example.id}: absent procedure {procedure_id!r} is unknown or expected"
        for number, question_id in enumerate(example.expect.missing):
            if question_id not in catalog.question_by_id:
                where = (*path, "expect", "missing", number)
                yield where, f"example {example.id}: unknown question {question_id!r}"


def check_references(catalog: "Catalog", locate: Locate) -> list[Problem]:
    """Every cross-reference problem in the catalog, located."""
    problems = []
    for check in (
        _language_findings,
        _procedure_findings,
        _form_findings,
        _value_findings,
        _condition_findings,
        _usage_findings,
        _example_findings,
    ):
        for path, message in check(catalog):
            file, line = locate(path)
            problems.append(Problem(file, line, message))
    return problems
