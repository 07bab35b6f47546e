"""How catalog problems are reported: file, line and what is wrong, all of them at once.

Shared by the YAML loader, the schema check, the reference checks and the example runner so that a
catalog author sees one consistent list. Messages name catalog ids and paths, never personal data.
"""

from collections.abc import Callable
from dataclasses import dataclass

from procedures.yaml_lines import JsonPath

Locate = Callable[[JsonPath], tuple[str, int]]
"""Maps a path in the merged catalog to the file and line it was written at."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, where it is, and what is wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CatalogError(Exception):
    """A catalog that cannot be used; lists every problem found, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


def path_text(path: JsonPath) -> str:
    """`procedures[3].counter` style rendering of a path."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"
