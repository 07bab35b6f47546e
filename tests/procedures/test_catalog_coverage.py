"""docs/catalog-coverage.md and the sample catalog stay in step.

The coverage page compares the sample city's catalog with real cities' checklists, one table per life event.
These tests read it back: every procedure it names exists and applies to that life event, every procedure of
the catalog is named for each life event it applies to, every checklist row says what happens to the item
(a procedure, out of scope, or needs facts), every source is listed, the "needs facts" summary matches the
rows, and the question counts it reports are the ones the kiosk flow really asks.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import get_args

import msgspec
import pytest

from procedures.catalog import Catalog
from procedures.model import Example
from procedures.navigator import next_questions
from protocol.facts import Facts, LifeEvent

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog-coverage.md"
LIFE_EVENTS: tuple[str, ...] = get_args(LifeEvent)
IBUSUKI_MOVE_IN_QUESTIONS = 18
"""Questions the Ibusuki household answered before the completeness pass; the issue forbids more."""

_EVENT_HEADING = re.compile(r"^## .*\(`([a-z_]+)`\)\s*$")
_BACKTICKED = re.compile(r"`([a-z][a-z0-9_]*)`")
_SOURCE_KEY = re.compile(r"\[([A-Z][A-Z0-9-]*)\]")
_OUTCOMES = ("out of scope", "needs facts")


@dataclass(frozen=True)
class Row:
    """One checklist item of a life-event table."""

    event: str
    number: str
    item: str
    sources: tuple[str, ...]
    catalog: str
    line: int

    @property
    def procedure_ids(self) -> list[str]:
        return _BACKTICKED.findall(self.catalog)

    def where(self) -> str:
        return f"catalog-coverage.md:{self.line} ({self.event} #{self.number})"


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_body(cells: list[str]) -> bool:
    """Not a header row (`#`, `key`, ...) and not the `---` separator."""
    return (
        bool(cells)
        and cells[0] not in ("#", "key", "fact needed", "household (example)")
        and not set(cells[0]) <= {"-", " ", ":"}
    )


def _sections(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Table body rows by `## ` heading (the life event for life-event sections, else the heading text)."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            match = _EVENT_HEADING.match(line)
            current = match.group(1) if match else line[3:].strip()
            sections.setdefault(current, [])
        elif line.startswith("|") and current and _is_body(cells := _cells(line)):
            sections[current].append((number, cells))
    return sections


@pytest.fixture(scope="module")
def sections() -> dict[str, list[tuple[int, list[str]]]]:
    return _sections(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rows(sections: dict[str, list[tuple[int, list[str]]]]) -> list[Row]:
    found = []
    for event in LIFE_EVENTS:
        for line, cells in sections.get(event, []):
            assert len(cells) == 5, (
                f"catalog-coverage.md:{line}: a {event} row needs # | item | sources | catalog | notes"
            )
            number, item, sources, catalog, _notes = cells
            found.append(Row(event, number, item, tuple(_SOURCE_KEY.findall(sources)), catalog, line))
    return found


def asked_questions(catalog: Catalog, example: Example) -> list[str]:
    """The questions the kiosk asks this household, in order: always the first one `next_questions` offers."""
    facts = msgspec.convert(example.facts, Facts)
    today = date.fromisoformat(example.today)
    answers: dict[str, object] = {}
    asked: list[str] = []
    while questions := next_questions(catalog, msgspec.structs.replace(facts, answers=answers), today):
        question_id = questions[0].id
        assert question_id in facts.answers, f"example {example.id} does not answer {question_id}"
        answers[question_id] = facts.answers[question_id]
        asked.append(question_id)
        assert len(asked) <= len(catalog.questions), "the question flow does not end"
    return asked


def _example(catalog: Catalog, example_id: str) -> Example:
    return next(item for item in catalog.content.examples if item.id == example_id)


def test_every_life_event_has_a_table(rows: list[Row]) -> None:
    assert {row.event for row in rows} == set(LIFE_EVENTS)


def test_named_procedures_exist_and_apply_to_the_life_event(catalog: Catalog, rows: list[Row]) -> None:
    procedures = {procedure.id: procedure for procedure in catalog.content.procedures}
    problems = []
    for row in rows:
        for procedure_id in row.procedure_ids:
            if procedure_id not in procedures:
                problems.append(f"{row.where()}: no procedure {procedure_id!r} in the sample catalog")
            elif row.event not in procedures[procedure_id].events:
                problems.append(f"{row.where()}: {procedure_id} does not apply to {row.event}")
    assert not problems, "\n".join(problems)


def test_every_procedure_is_named_for_each_of_its_life_events(catalog: Catalog, rows: list[Row]) -> None:
    named = {(procedure_id, row.event) for row in rows for procedure_id in row.procedure_ids}
    missing = [
        f"{procedure.id} ({event})"
        for procedure in catalog.content.procedures
        for event in procedure.events
        if (procedure.id, event) not in named
    ]
    assert not missing, "procedures not named for one of their life events: " + ", ".join(missing)


def test_every_row_says_what_happens_to_the_item(rows: list[Row]) -> None:
    silent = [
        row.where() for row in rows if not row.procedure_ids and not any(o in row.catalog for o in _OUTCOMES)
    ]
    assert not silent, "rows without a procedure, 'out of scope' or 'needs facts': " + ", ".join(silent)
    numbers: dict[str, list[str]] = {}
    for row in rows:
        numbers.setdefault(row.event, []).append(row.number)
    for event, seen in numbers.items():
        assert seen == [str(n) for n in range(1, len(seen) + 1)], f"{event} rows are not numbered 1..n"


def test_every_source_is_listed_and_every_listed_source_is_used(
    sections: dict[str, list[tuple[int, list[str]]]], rows: list[Row]
) -> None:
    listed = {key for _, cells in sections["Sources"] for key in _SOURCE_KEY.findall(cells[0])}
    used = {key for row in rows for key in row.sources}
    unsourced = [row.where() for row in rows if not row.sources]
    assert not unsourced, "rows without a source: " + ", ".join(unsourced)
    assert used <= listed, f"sources used but not listed: {sorted(used - listed)}"
    assert listed <= used, f"sources listed but never used: {sorted(listed - used)}"


def test_needs_facts_summary_matches_the_rows(
    sections: dict[str, list[tuple[int, list[str]]]], rows: list[Row]
) -> None:
    marked = {(row.event, row.number) for row in rows if "needs facts" in row.catalog}
    summarised = set()
    for line, cells in sections["Needs facts"]:
        event = None
        for token in (part.strip() for part in cells[1].split(",")):
            words = token.split()
            if len(words) == 2:
                event, number = words
            else:
                (number,) = words
            assert event in LIFE_EVENTS, f"catalog-coverage.md:{line}: {token!r} names no life event"
            summarised.add((event, number))
    assert summarised == marked, (
        f"in the summary but not marked 'needs facts' in the tables: {sorted(summarised - marked)}; "
        f"marked but missing from the summary: {sorted(marked - summarised)}"
    )


def test_question_counts_are_the_ones_the_kiosk_asks(
    catalog: Catalog, sections: dict[str, list[tuple[int, list[str]]]]
) -> None:
    checked = 0
    for line, cells in sections["Questions asked"]:
        example_ids = _BACKTICKED.findall(cells[0])
        for example_id in example_ids:
            asked = asked_questions(catalog, _example(catalog, example_id))
            assert str(len(asked)) == cells[3], f"catalog-coverage.md:{line}: {example_id} asks {len(asked)}"
            checked += 1
    assert checked >= len(LIFE_EVENTS)


def test_ibusuki_move_in_asks_no_more_questions_than_before(catalog: Catalog) -> None:
    asked = asked_questions(catalog, _example(catalog, "ibusuki_roleplay"))
    assert len(asked) <= IBUSUKI_MOVE_IN_QUESTIONS, asked
