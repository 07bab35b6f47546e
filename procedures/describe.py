"""Catalog conditions in words: the CEL subset the catalog uses, read back as Japanese for supervisors.

A clerk checking a catalog change should not have to read CEL. `in_words` parses the subset catalog authors
write (||, &&, !, comparisons, `in`, member access, `answers.x[m.id]`, list literals, `size()`, `exists()` and
`filter()` over members) and says it in Japanese, naming questions by their label and options, life events
and relations by their Japanese names. Anything outside the subset raises `UnsupportedConditionError` (the
test runs every condition of the sample catalog through it). Pure text work: it never evaluates a condition.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from procedures.catalog import Catalog

EVENTS_JA = {
    "move_in": "転入",
    "move_out": "転出",
    "move_within": "転居（市内）",
    "birth": "出生",
    "death": "死亡",
    "marriage": "婚姻",
    "divorce": "離婚",
    "certificates": "証明書",
}
ROLES_JA = {"member": "世帯の方", "relative": "別世帯の親族", "agent": "代理人"}
_SEX_JA = {"1": "男性", "2": "女性"}
_PERSON_FLAGS = {"is_applicant": "届け出る方本人", "is_head": "世帯主", "in_household": "世帯の一員"}
_AGES = {"age": "", "school_age": "今年度の4月1日に"}
_COMPARE = {">=": "以上", "<=": "以下", ">": "より多い", "<": "未満"}
_TOKEN = re.compile(
    r'\s*(?:(?P<num>\d+)|(?P<str>"[^"]*")|(?P<name>[A-Za-z_][A-Za-z0-9_]*)'
    r"|(?P<op>\|\||&&|==|!=|>=|<=|[<>!()\[\],.]))"
)

Node = tuple[Any, ...]


class UnsupportedConditionError(ValueError):
    """A condition outside the subset the renderer knows."""


def _tokens(source: str) -> list[str]:
    tokens, position = [], 0
    while position < len(source.rstrip()):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise UnsupportedConditionError(f"cannot read {source!r} at {position}")
        tokens.append(match.group().strip())
        position = match.end()
    return tokens


class _Parser:
    """Precedence climbing over the subset: or < and < comparison < unary < postfix < primary."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise UnsupportedConditionError(f"expected {expected or 'more'}, found {token!r}")
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.binary(0)
        if self.peek() is not None:
            raise UnsupportedConditionError(f"unexpected {self.peek()!r}")
        return node

    def binary(self, level: int) -> Node:
        operators = (("||",), ("&&",), ("==", "!=", ">=", "<=", ">", "<", "in"))
        if level == len(operators):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek() in operators[level]:
            operator = self.take()
            node = (operator, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.peek() == "!":
            self.take()
            return ("!", self.unary())
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek() in (".", "["):
            if self.take() == ".":
                name = self.take()
                if self.peek() == "(":
                    node = ("call", name, node, *self.arguments())
                else:
                    node = ("field", node, name)
            else:
                node = ("index", node, self.binary(0))
                self.take("]")
        return node

    def arguments(self) -> list[Node]:
        self.take("(")
        arguments = [self.binary(0)]
        while self.peek() == ",":
            self.take()
            arguments.append(self.binary(0))
        self.take(")")
        return arguments

    def primary(self) -> Node:
        word = self.take()
        if word == "(":
            node = self.binary(0)
            self.take(")")
            return ("paren", node)
        if word == "[":
            items = [self.binary(0)]
            while self.peek() == ",":
                self.take()
                items.append(self.binary(0))
            self.take("]")
            return ("list", *items)
        if self.peek() == "(":
            return ("call", word, None, *self.arguments())
        return _literal(word)


def _literal(word: str) -> Node:
    """A string, number, boolean or name."""
    if word.startswith('"'):
        return ("str", word[1:-1])
    if word.isdigit():
        return ("int", int(word))
    if word in ("true", "false"):
        return ("bool", word == "true")
    return ("name", word)


@dataclass(frozen=True)
class _Words:
    """Renders parsed conditions with the catalog's labels."""

    labels: Mapping[str, str]
    options: Mapping[str, Mapping[str, str]]
    relations: Mapping[str, str]

    def answer(self, node: Node) -> str | None:
        """The question id of `answers.<id>`, else None."""
        if node[0] == "field" and node[1] == ("name", "answers"):
            return str(node[2])
        return None

    def label(self, question_id: str) -> str:
        return f"「{self.labels.get(question_id, question_id)}」"

    def value(self, node: Node, question_id: str | None = None, attribute: str | None = None) -> str:
        """A literal as the reader knows it: an event, relation, option, role or sex by name."""
        if node[0] == "list":
            return "・".join(self.value(item, question_id, attribute) for item in node[1:])
        if node[0] == "paren":
            return self.value(node[1], question_id, attribute)
        if node[0] == "int":
            return str(node[1])
        if node[0] != "str":
            return self.say(node)
        text = str(node[1])
        names: Mapping[str, str] = {
            "event": EVENTS_JA,
            "relation": self.relations,
            "role": ROLES_JA,
            "sex": _SEX_JA,
        }.get(attribute or "", self.options.get(question_id or "", {}))
        return names.get(text, text)

    def subject(self, node: Node) -> tuple[str, str | None]:
        """What a comparison is about, and the attribute whose literals it names."""
        kind = node[0]
        plain = {"id": "その人", "relation": "その人の続柄", "sex": "その人の性別"}
        subject: tuple[str, str | None] | None = None
        if kind == "name" and node[1] == "event":
            subject = ("届出の種類", "event")
        elif (question_id := self.answer(node)) is not None:
            subject = (self.label(question_id), None)
        elif kind == "field" and node[1] == ("name", "m"):
            subject = (plain.get(node[2], f"その人の{node[2]}"), node[2])
        elif kind == "field" and node[1] == ("name", "applicant"):
            subject = ("届け出る方", node[2])
        elif kind == "index" and (question_id := self.answer(node[1])) is not None:
            subject = (f"その人の{self.label(question_id)}への答え", None)
        return subject or (self.say(node), None)

    def question_of(self, node: Node) -> str | None:
        if (question_id := self.answer(node)) is not None:
            return question_id
        return self.answer(node[1]) if node[0] == "index" else None

    def count(self, operator: str, inner: Node, number: int) -> str:
        """`size(...)` compared with a number: members that match, or answers chosen."""
        if inner == ("name", "members"):
            return f"世帯の人数が{number}人{_COMPARE.get(operator, operator)}"
        if inner[0] == "call" and inner[1] == "filter":
            return f"世帯で「{self.say(inner[4])}」人が{number}人{_COMPARE.get(operator, operator)}"
        if operator == ">" and number == 0:
            return f"{self.subject(inner)[0]}で1つ以上選ばれている"
        return f"{self.subject(inner)[0]}で選ばれたものが{number}つ{_COMPARE.get(operator, operator)}"

    def compare(self, operator: str, left: Node, right: Node) -> str:
        if left[0] == "field" and left[1] == ("name", "m") and left[2] in _AGES and right[0] == "int":
            return f"その人が{_AGES[str(left[2])]}{right[1]}歳{_COMPARE.get(operator, operator)}"
        if left == ("field", ("name", "m"), "id") and (question_id := self.answer(right)) is not None:
            verb = "である" if operator == "==" else "ではない"
            return f"その人が{self.label(question_id)}で選ばれた方{verb}"
        if left[0] == "call" and left[1] == "size" and right[0] == "int":
            return self.count(operator, left[3], right[1])
        subject, attribute = self.subject(left)
        value = self.value(right, self.question_of(left), attribute)
        if operator in ("==", "!="):
            return f"{subject}が「{value}」" + ("" if operator == "==" else "ではない")
        return f"{subject}が{value}{_COMPARE.get(operator, operator)}"

    def within(self, left: Node, right: Node) -> str:
        if left == ("field", ("name", "m"), "id") and (question_id := self.answer(right)) is not None:
            return f"その人が{self.label(question_id)}で選ばれている"
        subject, attribute = self.subject(left)
        return f"{subject}が「{self.value(right, self.question_of(left), attribute)}」のいずれか"

    def negation(self, node: Node) -> str:
        inner = node[1][1] if node[1][0] == "paren" else node[1]
        if (question_id := self.answer(inner)) is not None:
            return f"{self.label(question_id)}が「いいえ」"
        if inner[0] == "field" and inner[1] == ("name", "m") and inner[2] in _PERSON_FLAGS:
            return f"その人が{_PERSON_FLAGS[inner[2]]}ではない"
        return f"「{self.say(inner)}」ではない"

    def fact(self, node: Node) -> str:
        """A yes/no answer, a flag of the person, or whether the household has someone."""
        kind = node[0]
        if (question_id := self.answer(node)) is not None:
            return f"{self.label(question_id)}が「はい」"
        if kind == "field" and node[1] in (("name", "m"), ("name", "applicant")) and node[2] in _PERSON_FLAGS:
            who = "その人" if node[1] == ("name", "m") else "届け出る方"
            return f"{who}が{_PERSON_FLAGS[node[2]]}である"
        if kind == "call" and node[1] == "exists" and node[2] == ("name", "members"):
            return f"世帯に「{self.say(node[4])}」人がいる"
        raise UnsupportedConditionError(f"no words for {kind!r}")

    def say(self, node: Node) -> str:
        """The words for one node."""
        kind = node[0]
        joined = {"||": "、または", "&&": "、かつ"}
        if kind in joined:
            return f"{self.say(node[1])}{joined[kind]}{self.say(node[2])}"
        if kind in ("==", "!=", ">=", "<=", ">", "<"):
            return self.compare(kind, node[1], node[2])
        if kind == "in":
            return self.within(node[1], node[2])
        if kind == "paren":
            return f"（{self.say(node[1])}）"
        if kind == "bool":
            return "常に" if node[1] else "なし"
        return self.negation(node) if kind == "!" else self.fact(node)


def words_for(catalog: Catalog) -> _Words:
    """The renderer for one catalog's questions, options and relations."""
    content = catalog.content
    return _Words(
        labels={question.id: question.label["ja"] for question in content.questions},
        options={
            question.id: {option.id: option.label["ja"] for option in question.options}
            for question in content.questions
        },
        relations={relation.id: relation.label["ja"] for relation in content.relations},
    )


def in_words(catalog: Catalog, source: str) -> str:
    """A condition in Japanese; raises UnsupportedConditionError outside the catalog's subset."""
    return words_for(catalog).say(_Parser(source).parse())
