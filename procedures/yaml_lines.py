"""Read catalog YAML while remembering where every value came from, so errors can name file and line.

Catalog authors are city staff editing YAML by hand; a message like "procedures[3].counter: unknown
counter 'shimin'" is only useful with "procedures/children.yaml:41" in front of it. This module parses
YAML with a strict, YAML-1.2-like scalar set (only true/false are booleans, dates stay strings, so
`no` or `2026-04-01` never change type behind the author's back), rejects duplicate keys, and returns the
data with a map from JSON path to line. It must never execute anything from the file (safe loader only).
"""

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

JsonPath = tuple[str | int, ...]


class YamlSyntaxError(Exception):
    """A file that is not valid catalog YAML; carries the place for the error message."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


@dataclass(frozen=True)
class LocatedDocument:
    """One parsed YAML file: its data and the 1-based line of every mapping value and list item."""

    file: str
    data: Any
    lines: dict[JsonPath, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int:
        """Line of the deepest known node on `path` (a JSON-Schema error path, say)."""
        probe = tuple(path)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return self.lines.get(probe, 1)


_MAX_NODES = 200_000
"""More nodes than any real catalog file has: stops alias bombs ("billion laughs") early."""


class _LineIndex:
    """Walks a composed YAML tree once, recording lines and rejecting duplicate keys and alias tricks."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[JsonPath, int] = {}
        self._open: set[int] = set()

    def _fail(self, node: yaml.Node, message: str) -> YamlSyntaxError:
        return YamlSyntaxError(self.file, node.start_mark.line + 1, message)

    def walk(self, node: yaml.Node, path: JsonPath) -> None:
        if len(self.lines) > _MAX_NODES:
            raise self._fail(node, "too many values (alias expansion?)")
        if id(node) in self._open:
            raise self._fail(node, "an alias refers to itself")
        self.lines[path] = node.start_mark.line + 1
        self._open.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[Hashable] = set()
            for key_node, value_node in node.value:
                if key_node.value in seen:
                    raise self._fail(key_node, f"duplicate key {key_node.value!r}")
                seen.add(key_node.value)
                self.walk(value_node, (*path, key_node.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))
        self._open.discard(id(node))


def load_located(path: Path, display_name: str) -> LocatedDocument:
    """Parse one YAML file; raise YamlSyntaxError (with line) if it is not well-formed."""
    text = path.read_text(encoding="utf-8")
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedDocument(display_name, None, {})
        index = _LineIndex(display_name)
        index.walk(node, ())
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(display_name, line, str(error.problem or error)) from error
    finally:
        loader.dispose()
    return LocatedDocument(display_name, data, index.lines)
