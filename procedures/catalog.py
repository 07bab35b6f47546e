"""A loaded catalog: its content, content hash and compiled conditions, ready for the navigator.

`build_catalog` is the single door from merged catalog data to a usable `Catalog`, for a draft directory
(via `loader.py`) and for a published bundle alike; it compiles every condition once and runs the
cross-reference checks, reporting every problem with file and line. It must never evaluate a condition
against real facts, nor keep any.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from procedures.checks import check_references
from procedures.conditions import Condition, ConditionSyntaxError, compile_condition
from procedures.model import (
    CatalogContent,
    Counter,
    Document,
    Form,
    Meta,
    Procedure,
    Question,
    Relation,
)
from procedures.problems import CatalogError, Locate, Problem, path_text
from procedures.yaml_lines import JsonPath


@dataclass(frozen=True)
class CompiledQuestion:
    """A question with its conditions compiled."""

    question: Question
    shown_when: Condition
    members_filter: Condition | None


@dataclass(frozen=True)
class CompiledProcedure:
    """A procedure with its conditions compiled."""

    procedure: Procedure
    required_when: Condition
    for_members: Condition | None


@dataclass(frozen=True)
class ValueRule:
    """One case of a derived value: when `when` holds, the value is `source`."""

    when: Condition
    source: str


@dataclass(frozen=True)
class Catalog:
    """Everything the navigator needs, indexed by id, plus where it came from."""

    content: CatalogContent
    content_hash: str
    questions: tuple[CompiledQuestion, ...]
    procedures: tuple[CompiledProcedure, ...]
    values: Mapping[str, tuple[ValueRule, ...]]
    forms: Mapping[str, Form]
    counters: Mapping[str, Counter]
    documents: Mapping[str, Document]
    relations: Mapping[str, Relation]
    question_by_id: Mapping[str, Question] = field(repr=False)

    @property
    def meta(self) -> Meta:
        """Id, city, version and languages."""
        return self.content.catalog

    @property
    def animal_questions(self) -> tuple[str, ...]:
        """The ids of the questions that list animals, in asking order."""
        return tuple(q.question.id for q in self.questions if q.question.type == "animals")


def content_hash(content: CatalogContent) -> str:
    """sha256 over the canonical JSON of the merged content (sorted keys), independent of YAML layout."""
    canonical = msgspec.json.encode(content, order="sorted")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


class _Compiler:
    """Compiles conditions, collecting syntax problems instead of stopping at the first."""

    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.problems: list[Problem] = []

    def problem(self, path: JsonPath, message: str) -> None:
        file, line = self.locate(path)
        self.problems.append(Problem(file, line, message))

    def compile(self, source: str, path: JsonPath) -> Condition:
        try:
            return compile_condition(source)
        except ConditionSyntaxError as error:
            self.problem(path, f"{path_text(path)}: {error}")
            return compile_condition("false")


def _by_id(items: list[Any], section: str, compiler: _Compiler) -> dict[str, Any]:
    indexed: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in indexed:
            compiler.problem((section, index, "id"), f"{section}: duplicate id {item.id!r}")
        indexed[item.id] = item
    return indexed


def build_catalog(raw: Mapping[str, Any], locate: Locate) -> Catalog:
    """Decode, compile and check merged catalog data; raise CatalogError listing every problem."""
    try:
        content = msgspec.convert(raw, CatalogContent)
    except msgspec.ValidationError as error:
        file, line = locate(())
        raise CatalogError([Problem(file, line, f"catalog does not match its schema: {error}")]) from None
    compiler = _Compiler(locate)
    questions = tuple(
        CompiledQuestion(
            question,
            compiler.compile(question.shown_when, ("questions", index, "shown_when")),
            None
            if question.members_filter is None
            else compiler.compile(question.members_filter, ("questions", index, "members_filter")),
        )
        for index, question in enumerate(content.questions)
    )
    procedures = tuple(
        CompiledProcedure(
            procedure,
            compiler.compile(procedure.required_when, ("procedures", index, "required_when")),
            None
            if procedure.for_members is None
            else compiler.compile(procedure.for_members, ("procedures", index, "for_members")),
        )
        for index, procedure in enumerate(content.procedures)
    )
    values = {
        value.id: tuple(
            ValueRule(compiler.compile(case.when, ("values", index, "cases", number, "when")), case.source)
            for number, case in enumerate(value.cases)
        )
        for index, value in enumerate(content.values)
    }
    catalog = Catalog(
        content=content,
        content_hash=content_hash(content),
        questions=questions,
        procedures=procedures,
        values=values,
        forms=_by_id(content.forms, "forms", compiler),
        counters=_by_id(content.counters, "counters", compiler),
        documents=_by_id(content.documents, "documents", compiler),
        relations=_by_id(content.relations, "relations", compiler),
        question_by_id=_by_id(content.questions, "questions", compiler),
    )
    _by_id(content.procedures, "procedures", compiler)
    _by_id(content.values, "values", compiler)
    problems = compiler.problems + check_references(catalog, locate)
    if problems:
        raise CatalogError(problems)
    return catalog
