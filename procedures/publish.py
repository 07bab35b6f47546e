"""Publishing a catalog: draft (a YAML directory) → tested (its example households pass) → published bundle.

The test step plans every example household stored in the catalog and requires exactly the expected
procedures (or exactly the expected missing answers), at least `min_forms` forms, and no field left for the
citizen to write. Only a catalog whose test report matches its content hash can be published; the bundle is
one JSON file carrying the content, version and hash, which `read_published` verifies before use. This
module must never publish a catalog that failed its test, nor load a bundle whose hash does not match.
"""

from datetime import date
from typing import Any, Literal

import msgspec

from procedures.answers import InvalidAnswerError, MissingFacts
from procedures.catalog import Catalog, build_catalog
from procedures.conditions import ConditionEvaluationError
from procedures.loader import schema_problems
from procedures.model import Example
from procedures.navigator import UnsupportedLanguageError, make_plan
from procedures.people import InvalidPersonError
from procedures.problems import CatalogError, Problem
from procedures.yaml_lines import LocatedDocument
from protocol.facts import Facts
from protocol.plan import FilledField, Plan, Writing

_PLAN_ERRORS = (
    msgspec.ValidationError,
    InvalidAnswerError,
    InvalidPersonError,
    UnsupportedLanguageError,
    ConditionEvaluationError,
)
"""What a bad example household raises; anything else is a bug in Madoguchi and propagates."""
BUNDLE_FORMAT: Literal["madoguchi-catalog/1"] = "madoguchi-catalog/1"


class ExampleResult(msgspec.Struct, frozen=True):
    """How one example household fared; `writing` is present when a plan was made."""

    id: str
    passed: bool
    problems: list[str]
    forms: int = 0
    writing: Writing | None = None


class ExamplesReport(msgspec.Struct, frozen=True):
    """The test step's outcome for one exact catalog content."""

    catalog: str
    version: str
    content_hash: str
    passed: bool
    results: list[ExampleResult]


class PublishedCatalog(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The published bundle: what central pushes and counter units load."""

    format: Literal["madoguchi-catalog/1"]
    status: Literal["published"]
    catalog: str
    version: str
    content_hash: str
    tested_examples: list[str]
    content: dict[str, Any]


def _differences(label: str, expected: list[str], actual: list[str]) -> list[str]:
    missing = [item for item in expected if item not in actual]
    extra = [item for item in actual if item not in expected]
    problems = [f"{label} expected but not produced: {', '.join(missing)}"] if missing else []
    return problems + ([f"{label} produced but not expected: {', '.join(extra)}"] if extra else [])


def _left_to_write(filled: FilledField) -> bool:
    return filled.source not in ("staff", "signature") and not filled.value


def _field_problems(plan: Plan, expected: dict[str, dict[str, str]]) -> list[str]:
    """Pinned form fields that print something else (the printed value is not repeated: it may be a name)."""
    forms = {form.id: form for form in plan.forms}
    problems = []
    for form_id, fields in expected.items():
        form = forms.get(form_id)
        if form is None:
            problems.append(f"form {form_id} expected but not produced")
            continue
        values = {filled.id: filled.value for filled in form.fields if filled.member is None}
        problems += [
            f"form {form_id}: field {field_id} does not print the expected value"
            for field_id, value in fields.items()
            if values.get(field_id) != value
        ]
    return problems


def run_example(catalog: Catalog, example: Example) -> ExampleResult:
    """Plan one example household and compare with its expectation."""
    expect = example.expect
    try:
        facts = msgspec.convert(example.facts, Facts)
        plan = make_plan(catalog, facts, date.fromisoformat(example.today))
    except MissingFacts as missing:
        problems = _differences("missing answers", expect.missing, list(missing.question_ids))
        if not expect.missing:
            problems = [f"plan refused: {missing}"]
        return ExampleResult(example.id, not problems, problems)
    except _PLAN_ERRORS as error:
        return ExampleResult(example.id, False, [f"{type(error).__name__}: {error}"])
    produced = [procedure.id for procedure in plan.procedures]
    problems = _differences("procedures", expect.procedures, produced)
    if expect.missing:
        problems.append(f"expected missing answers {', '.join(expect.missing)} but a plan was made")
    if len(plan.forms) < expect.min_forms:
        problems.append(f"{len(plan.forms)} forms, expected at least {expect.min_forms}")
    unwanted = [procedure_id for procedure_id in expect.absent if procedure_id in produced]
    if unwanted:
        problems.append(f"procedures that must not appear: {', '.join(unwanted)}")
    problems += _field_problems(plan, expect.fields)
    if plan.writing.left.total:
        empty = sorted(
            {f"{form.form}.{f.id}" for form in plan.forms for f in form.fields if _left_to_write(f)}
        )
        problems.append(f"fields left for the citizen to write: {', '.join(empty)}")
    return ExampleResult(example.id, not problems, problems, len(plan.forms), plan.writing)


def run_examples(catalog: Catalog) -> ExamplesReport:
    """The test step: run every example household of the catalog."""
    results = [run_example(catalog, example) for example in catalog.content.examples]
    passed = bool(results) and all(result.passed for result in results)
    meta = catalog.meta
    return ExamplesReport(meta.id, meta.version, catalog.content_hash, passed, results)


def publish(catalog: Catalog, report: ExamplesReport) -> bytes:
    """The published bundle, if `report` is a passing test of exactly this content."""
    if report.content_hash != catalog.content_hash:
        raise CatalogError([Problem("(catalog)", 1, "the test report is for different catalog content")])
    if not report.passed:
        failed = [result.id for result in report.results if not result.passed] or ["(no examples)"]
        raise CatalogError([Problem("(catalog)", 1, f"examples failed: {', '.join(failed)}")])
    bundle = PublishedCatalog(
        format=BUNDLE_FORMAT,
        status="published",
        catalog=catalog.meta.id,
        version=catalog.meta.version,
        content_hash=catalog.content_hash,
        tested_examples=[result.id for result in report.results],
        content=msgspec.to_builtins(catalog.content),
    )
    return msgspec.json.encode(bundle, order="sorted")


def read_published(data: bytes, name: str = "catalog.json") -> Catalog:
    """Load a published bundle; raise CatalogError if it is malformed or its hash does not match."""
    try:
        bundle = msgspec.json.decode(data, type=PublishedCatalog)
    except msgspec.ValidationError as error:
        raise CatalogError([Problem(name, 1, f"not a published catalog: {error}")]) from None
    problems = schema_problems(LocatedDocument(name, bundle.content))
    if problems:
        raise CatalogError(problems)
    catalog = build_catalog(bundle.content, lambda _path: (name, 1))
    if catalog.content_hash != bundle.content_hash:
        raise CatalogError([Problem(name, 1, "content hash does not match: the bundle was altered")])
    return catalog
