"""`madoguchi procedures ...`: catalog validation, testing, publishing and planning from the command line.

Exit codes other programs may rely on: 0 success, 1 catalog problems (listed on stderr as file:line:
message), 3 facts missing answers (question ids on stderr), 4 invalid facts. The plan goes to stdout only;
nothing here logs, and error messages never include answer values.
"""

from datetime import date, datetime
from pathlib import Path

import click
import msgspec

from procedures.answers import MissingFacts
from procedures.catalog import Catalog
from procedures.loader import load_catalog
from procedures.navigator import make_plan, next_questions
from procedures.planner import FACTS_ERRORS
from procedures.problems import CatalogError
from procedures.publish import ExamplesReport, publish, run_examples
from protocol.facts import Facts, decode_facts
from protocol.plan import Plan

EXIT_CATALOG = 1
EXIT_MISSING = 3
EXIT_INVALID = 4

_catalog_path = click.Path(exists=True, path_type=Path)
_today = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Plan as of this date (YYYY-MM-DD); default: the system date.",
)


def _load(path: Path) -> Catalog:
    try:
        return load_catalog(path)
    except CatalogError as error:
        click.echo(str(error), err=True)
        raise SystemExit(EXIT_CATALOG) from None


def _day(today: datetime | None) -> date:
    return today.date() if today else date.today()


def _facts(path: Path) -> Facts:
    try:
        return decode_facts(path.read_bytes())
    except msgspec.DecodeError as error:
        click.echo(f"invalid facts: {error}", err=True)
        raise SystemExit(EXIT_INVALID) from None


@click.group()
def procedures() -> None:
    """Procedure catalog and navigator."""


@procedures.command()
@click.argument("catalog_path", type=_catalog_path)
def validate(catalog_path: Path) -> None:
    """Check a catalog (directory or published bundle): schema, references, conditions."""
    catalog = _load(catalog_path)
    content = catalog.content
    click.echo(
        f"ok: {catalog.meta.id} {catalog.meta.version} {catalog.content_hash} — "
        f"{len(content.questions)} questions, {len(content.procedures)} procedures, "
        f"{len(content.forms)} forms, {len(content.examples)} examples"
    )


def _print_report(report: ExamplesReport) -> None:
    for result in report.results:
        mark = "pass" if result.passed else "FAIL"
        click.echo(f"{mark} {result.id}: {result.forms} forms")
        for problem in result.problems:
            click.echo(f"     {problem}")


@procedures.command("test")
@click.argument("catalog_dir", type=_catalog_path)
def test_command(catalog_dir: Path) -> None:
    """Run the catalog's example households (the test step of publishing)."""
    report = run_examples(_load(catalog_dir))
    _print_report(report)
    if not report.passed:
        raise SystemExit(EXIT_CATALOG)


@procedures.command("publish")
@click.argument("catalog_dir", type=_catalog_path)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Bundle file to write.")
def publish_command(catalog_dir: Path, out: Path) -> None:
    """Validate, test and write the published bundle (draft → test → published)."""
    catalog = _load(catalog_dir)
    report = run_examples(catalog)
    _print_report(report)
    try:
        out.write_bytes(publish(catalog, report))
    except CatalogError as error:
        click.echo(str(error), err=True)
        raise SystemExit(EXIT_CATALOG) from None
    click.echo(f"published {catalog.meta.id} {catalog.meta.version} {catalog.content_hash} → {out}")


def _print_plan(plan: Plan) -> None:
    for counter in plan.counters:
        click.echo(f"{counter.order:>3} {counter.name.citizen} ({counter.location.citizen})")
        for procedure in (p for p in plan.procedures if p.counter == counter.id):
            click.echo(f"      - {procedure.name.citizen}: {procedure.reason.citizen}")
    click.echo("bring: " + "; ".join(document.name.citizen for document in plan.documents))
    saved = plan.writing.saved
    click.echo(
        f"{len(plan.forms)} forms; handwriting saved {saved.total} (name {saved.name}, address "
        f"{saved.address}, phone {saved.phone}, birth date {saved.birth_date}, other {saved.other}); "
        f"left to write {plan.writing.left.total}; signatures {plan.writing.signatures}"
    )


@procedures.command()
@click.option("--catalog", "catalog_path", type=_catalog_path, required=True, help="Catalog dir or bundle.")
@click.option("--facts", "facts_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@_today
def plan(catalog_path: Path, facts_path: Path, as_json: bool, today: datetime | None) -> None:
    """Print the plan for a household's facts (JSON with --json)."""
    catalog = _load(catalog_path)
    try:
        result = make_plan(catalog, _facts(facts_path), _day(today))
    except MissingFacts as missing:
        click.echo(f"missing answers: {', '.join(missing.question_ids)}", err=True)
        raise SystemExit(EXIT_MISSING) from None
    except FACTS_ERRORS as error:
        click.echo(f"invalid facts: {error}", err=True)
        raise SystemExit(EXIT_INVALID) from None
    if as_json:
        click.echo(msgspec.json.encode(result).decode())
    else:
        _print_plan(result)


@procedures.command()
@click.option("--catalog", "catalog_path", type=_catalog_path, required=True, help="Catalog dir or bundle.")
@click.option("--facts", "facts_path", type=click.Path(exists=True, path_type=Path), required=True)
@_today
def questions(catalog_path: Path, facts_path: Path, today: datetime | None) -> None:
    """Print, as JSON, the questions still to ask for these facts (the kiosk asks the first)."""
    catalog = _load(catalog_path)
    try:
        asked = next_questions(catalog, _facts(facts_path), _day(today))
    except FACTS_ERRORS as error:
        click.echo(f"invalid facts: {error}", err=True)
        raise SystemExit(EXIT_INVALID) from None
    click.echo(msgspec.json.encode(asked).decode())
