"""Catalog conditions in the Common Expression Language (cel-python): compiled once, evaluated many times.

CEL cannot run code, loop forever or touch files, which is why catalog authors may write conditions at all.
A condition sees `event`, `members` (the household, see `people.Person.condition_view`), `applicant` (who
files, with its `role`; members[0] when the applicant is in the household) and `answers` (only
non-free-text answers; an animals answer as the list of its kinds).
This module must never put evaluation data into an error message:
cel-python's own messages include the whole activation, so they are cut before they are re-raised.
Conditions are transpiled to Python by cel-python (CompiledRunner, ~3.5x faster than its tree interpreter,
see bench/navigator.py); literals are emitted with repr(), so an author's text stays data.
"""

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import celpy
import lark
from celpy import celtypes
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

logging.getLogger("celpy").setLevel(logging.WARNING)
"""cel-python debug-logs whole activations; keep that off even when an application logs at DEBUG."""
_ENVIRONMENT = celpy.Environment(runner_class=celpy.CompiledRunner)

Context = dict[str, Any]


class ConditionSyntaxError(ValueError):
    """A condition that does not parse; `column` is 1-based within the author's text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


class ConditionEvaluationError(RuntimeError):
    """A condition that failed at run time (wrong type, unknown name); carries no evaluation data."""


def _answer_refs(tree: lark.Tree[Any]) -> Iterator[str]:
    """Names used as `answers.<name>` anywhere in the tree."""
    for node in tree.iter_subtrees():
        if node.data != "member_dot" or len(node.children) != 2:
            continue
        target, name = node.children
        if (
            isinstance(target, lark.Tree)
            and target.data == "member"
            and isinstance(primary := target.children[0], lark.Tree)
            and primary.data == "primary"
            and isinstance(ident := primary.children[0], lark.Tree)
            and ident.data == "ident"
            and str(ident.children[0]) == "answers"
        ):
            yield str(name)


@dataclass(frozen=True)
class Condition:
    """One compiled CEL expression with the answers it reads."""

    source: str
    answer_refs: frozenset[str]
    _runner: celpy.Runner

    def _run(self, context: Context) -> Any:
        try:
            result = self._runner.evaluate(context)
        except CELEvalError as error:
            raise ConditionEvaluationError(_safe_message(error)) from None
        if isinstance(result, CELEvalError):
            raise ConditionEvaluationError(_safe_message(result))
        return result

    def holds(self, context: Context) -> bool:
        """Evaluate as a boolean; anything but a CEL bool is an error, never silently false."""
        result = self._run(context)
        if not isinstance(result, celtypes.BoolType):
            raise ConditionEvaluationError(f"{self.source!r} gave {type(result).__name__}, not a bool")
        return bool(result)

    def member_ids(self, context: Context) -> list[str]:
        """Evaluate as a predicate of each member `m` in turn: the ids of the members it holds for."""
        members = context["members"]
        return [str(member["id"]) for member in members if self.holds({**context, "m": member})]


def _safe_message(error: CELEvalError) -> str:
    message = str(error.args[0]) if error.args else "evaluation failed"
    return message.split(" (in activation", 1)[0]


def compile_condition(source: str) -> Condition:
    """Parse and prepare `source` (a member predicate refers to the member as `m`)."""
    try:
        tree = _ENVIRONMENT.compile(source)
    except CELParseError as error:
        column = getattr(error, "column", None) or 1
        raise ConditionSyntaxError(f"CEL syntax error at column {column} of {source!r}", column) from None
    return Condition(source, frozenset(_answer_refs(tree)), _ENVIRONMENT.program(tree))


def make_context(
    event: str,
    applicant: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    answers: Mapping[str, Any],
) -> Context:
    """The activation every condition is evaluated in."""
    return {
        "event": celtypes.StringType(event),
        "members": to_cel_list(members),
        "applicant": json_to_cel(dict(applicant)),
        "answers": json_to_cel(dict(answers)),
    }


def to_cel_list(items: Sequence[Mapping[str, Any]]) -> celtypes.ListType:
    """A list of plain mappings (members, say) as a CEL list."""
    return celtypes.ListType([json_to_cel(dict(item)) for item in items])


def with_answers(context: Context, answers: Mapping[str, Any]) -> Context:
    """The same activation with other answers (cheaper than rebuilding the members)."""
    return {**context, "answers": json_to_cel(dict(answers))}
