"""What the catalog page shows: each procedure with its conditions in words, its counter, forms, documents
and the example households that reach it; and the plan for a household a clerk tries.

Built from the loaded catalog only (no database, no request data), except `try_household`, which plans the
facts a clerk typed and keeps nothing: no personal data is stored or logged here.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import msgspec

from procedures.answers import MissingFacts
from procedures.catalog import Catalog
from procedures.describe import EVENTS_JA, in_words
from procedures.navigator import make_plan
from procedures.planner import FACTS_ERRORS
from protocol.facts import Facts, decode_facts
from protocol.plan import Plan

MAX_TRY_BYTES = 32 * 1024
"""Facts a clerk may paste: far more than any household needs, small enough to refuse cheaply."""


@dataclass(frozen=True)
class ProcedureRow:
    """One procedure as a supervisor reads it."""

    id: str
    name: str
    guidance: bool
    events: str
    counter: str
    when: str
    for_whom: str | None
    documents: list[str]
    forms: list[str]
    examples: list[str]


@dataclass(frozen=True)
class QuestionRow:
    """One question and when it is asked."""

    id: str
    label: str
    when: str
    among: str | None


@dataclass(frozen=True)
class CatalogPage:
    """The whole page, built once per catalog content."""

    city: str
    version: str
    content_hash: str
    procedures: list[ProcedureRow]
    questions: list[QuestionRow]
    examples: dict[str, str]
    example_facts: dict[str, str] = field(repr=False)


def _reached(catalog: Catalog) -> dict[str, list[str]]:
    """Procedure id → the example households whose plan includes it."""
    reached: dict[str, list[str]] = {}
    for example in catalog.content.examples:
        try:
            facts = msgspec.convert(example.facts, Facts)
            plan = make_plan(catalog, facts, date.fromisoformat(example.today))
        except (MissingFacts, msgspec.ValidationError, *FACTS_ERRORS):
            continue
        for procedure in plan.procedures:
            reached.setdefault(procedure.id, []).append(example.id)
    return reached


def _for_whom(catalog: Catalog, for_members: str | None, for_animals: Sequence[str] | None) -> str | None:
    if for_animals:
        kinds = {
            option.id: option.label["ja"]
            for question in catalog.content.questions
            if question.type == "animals"
            for option in question.options
        }
        return "飼っている" + "・".join(kinds.get(kind, kind) for kind in for_animals) + "ごとに"
    return in_words(catalog, for_members) if for_members else None


def _where(name: str, floor: int, location: str) -> str:
    """A counter and where it is (the floor unless the location already says it)."""
    return f"{name}（{location}）" if "階" in location else f"{name}（{floor}階・{location}）"


def build_page(catalog: Catalog) -> CatalogPage:
    """The catalog page for this catalog."""
    reached = _reached(catalog)
    rows = []
    for compiled in catalog.procedures:
        procedure = compiled.procedure
        counter = catalog.counters[procedure.counter]
        rows.append(
            ProcedureRow(
                id=procedure.id,
                name=procedure.name["ja"],
                guidance=procedure.kind == "guidance",
                events="・".join(EVENTS_JA[event] for event in procedure.events),
                counter=_where(counter.name["ja"], counter.floor, counter.location["ja"]),
                when=in_words(catalog, compiled.required_when.source),
                for_whom=_for_whom(catalog, procedure.for_members, procedure.for_animals),
                documents=[catalog.documents[document].name["ja"] for document in procedure.documents],
                forms=[catalog.forms[form].title for form in procedure.forms],
                examples=reached.get(procedure.id, []),
            )
        )
    questions = [
        QuestionRow(
            id=compiled.question.id,
            label=compiled.question.label["ja"],
            when=in_words(catalog, compiled.shown_when.source),
            among=in_words(catalog, compiled.members_filter.source) if compiled.members_filter else None,
        )
        for compiled in catalog.questions
    ]
    content = catalog.content
    return CatalogPage(
        city=content.catalog.city["ja"],
        version=content.catalog.version,
        content_hash=catalog.content_hash,
        procedures=rows,
        questions=questions,
        examples={example.id: example.description for example in content.examples},
        example_facts={
            example.id: msgspec.json.format(msgspec.json.encode(example.facts), indent=2).decode()
            for example in content.examples
        },
    )


_PAGES: dict[str, CatalogPage] = {}


def catalog_page(catalog: Catalog) -> CatalogPage:
    """The page of this catalog content, built on first use."""
    if catalog.content_hash not in _PAGES:
        _PAGES[catalog.content_hash] = build_page(catalog)
    return _PAGES[catalog.content_hash]


@dataclass(frozen=True)
class TryResult:
    """The plan for the tried household, or the questions still open, or what is wrong with it."""

    facts_text: str
    today: str
    example: str = ""
    plan: Plan | None = None
    missing: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None


def try_household(catalog: Catalog, facts_text: str, today_text: str, example: str = "") -> TryResult:
    """Plan the facts a clerk typed (JSON, as `POST /api/submissions` takes them) on the given day;
    `example` is the example household they started from, shown again in the chooser."""
    result = _planned(catalog, facts_text, today_text)
    return replace(result, example=example if example in catalog_page(catalog).examples else "")


def _planned(catalog: Catalog, facts_text: str, today_text: str) -> TryResult:
    try:
        today = date.fromisoformat(today_text)
    except ValueError:
        return TryResult(facts_text, today_text, error="日付は YYYY-MM-DD で入力してください")
    if len(facts_text.encode()) > MAX_TRY_BYTES:
        return TryResult(
            facts_text, today_text, error=f"世帯の情報が大きすぎます（{MAX_TRY_BYTES // 1024} KiB まで）"
        )
    try:
        plan = make_plan(catalog, decode_facts(facts_text.encode()), today)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        return TryResult(facts_text, today_text, error=f"世帯の情報の形が違います：{error}")
    except FACTS_ERRORS as error:
        return TryResult(facts_text, today_text, error=f"この世帯は計画できません：{error}")
    except MissingFacts as missing:
        labels = [
            (question_id, catalog.question_by_id[question_id].label["ja"])
            for question_id in missing.question_ids
        ]
        return TryResult(facts_text, today_text, missing=labels)
    return TryResult(facts_text, today_text, plan=plan)
