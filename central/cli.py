"""`madoguchi central ...`: serve, and export cases for core systems."""

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import uvicorn

from central.accounts.service import add_user
from central.app import create_app
from central.audit.retention import purge_before, retention_cutoff
from central.cases.approval import catalog_departments, set_departments
from central.db import UnsafeDatabaseError, make_engine, secure_database
from central.exports.csv_rows import Encoding
from central.exports.run import ExportRequest, Format, run_export
from central.models import Role
from central.settings import DatabaseMismatchError, Settings
from central.webhooks.endpoints import add_endpoint, endpoints, remove_endpoint
from central.webhooks.targets import AllowList
from procedures.planner import CatalogPlanner
from protocol.urls import parse_listen

db_option = click.option(
    "--db",
    "db_url",
    help="Database URL (default: SQLite in the data dir; env MADOGUCHI_DB)",
)
data_option = click.option(
    "--data-dir", help="Central's data dir (env MADOGUCHI_DATA_DIR); it names central's database"
)


def settings_from(data_dir: str | None, db_url: str | None, **more: Any) -> Settings:
    """The settings for a command; a `--db` other than the data dir's recorded database is a usage error."""
    try:
        return Settings.resolve(data_dir=data_dir, db_url=db_url, **more)
    except DatabaseMismatchError as exc:
        raise click.UsageError(str(exc)) from exc


def parse_since(value: str | None) -> datetime | None:
    """Parse an ISO 8601 time; naive times are taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 time: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


SHUTDOWN_GRACE = 5
"""Seconds central waits for open requests at shutdown before it closes them."""


@click.group()
def central() -> None:
    """Central server."""


@central.command()
@db_option
@data_option
@click.option(
    "--broker",
    "broker_url",
    help="Broker URL, e.g. mqtt://127.0.0.1:1883 (env MADOGUCHI_BROKER)",
)
@click.option("--listen", default="127.0.0.1:8000", show_default=True, help="HOST:PORT for HTTP")
@click.option(
    "--ingest-workers",
    type=click.IntRange(min=1),
    help="Ingest worker processes (default: one per core; env MADOGUCHI_INGEST_WORKERS)",
)
@click.option(
    "--catalog",
    type=click.Path(exists=True, path_type=Path),
    help="The city's procedure catalog, directory or published bundle (default: the bundled sample city; "
    "env MADOGUCHI_CATALOG)",
)
def serve(
    db_url: str | None,
    data_dir: str | None,
    broker_url: str | None,
    listen: str,
    ingest_workers: int | None,
    catalog: Path | None,
) -> None:
    """Serve HTTP and ingest submissions from the broker."""
    settings = settings_from(
        data_dir, db_url, broker_url=broker_url, ingest_workers=ingest_workers, catalog=catalog, serving=True
    )
    try:
        host, port = parse_listen(listen)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    try:
        secure_database(settings.db_url)  # before anything starts: a clear message, not a traceback
    except UnsafeDatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_GRACE,  # open display streams never end by themselves
    )


@central.command()
@db_option
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
@click.option(
    "--approved",
    is_flag=True,
    help="Only approved procedures (what core systems pick up)",
)
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "cp932"]),
    default="utf-8",
    show_default=True,
)
@click.option(
    "--since",
    help="Only what changed at or after this ISO 8601 time (with --approved: procedures approved then)",
)
@click.option("--procedure", "procedures", multiple=True, help="Only this procedure id (repeatable)")
def export(
    db_url: str | None,
    data_dir: str | None,
    fmt: Format,
    approved: bool,
    encoding: Encoding,
    since: str | None,
    procedures: tuple[str, ...],
) -> None:
    """Export to stdout: JSON lines of every case with its status, or procedure records (--approved,
    --procedure, CSV); the layouts are in docs/staff.md. Every exported case is written to the access log.

    CSV rows with characters CP932 lacks are listed on stderr, one line per row.
    """
    settings = settings_from(data_dir, db_url)
    engine = make_engine(settings.db_url)
    wanted = ExportRequest(
        fmt=fmt,
        approved=approved,
        encoding=encoding,
        since=parse_since(since),
        procedures=frozenset(procedures),
        every_case=fmt == "json" and not approved and not procedures,
    )
    try:
        report = run_export(engine, wanted, sys.stdout.buffer, user="cli")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    sys.stdout.flush()
    for row in report.unencodable:
        click.echo(
            f"row {row.row}: case {row.case_id} procedure {row.procedure_id} field {row.field}: "
            f"not in {encoding}: {' '.join(row.code_points)}",
            err=True,
        )


@central.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option(
    "--office",
    "offices",
    multiple=True,
    help="An office the user works at (repeatable)",
)
@click.option(
    "--counter",
    "counters",
    multiple=True,
    help="A counter the user works at (repeatable)",
)
@click.option(
    "--department",
    "departments",
    multiple=True,
    help="A department (課, as the catalog names it, e.g. 市民課) whose procedures the user approves "
    "(repeatable; supervisors and admins approve every department)",
)
@db_option
@data_option
def user_add(
    name: str,
    role: str,
    offices: tuple[str, ...],
    counters: tuple[str, ...],
    departments: tuple[str, ...],
    db_url: str | None,
    data_dir: str | None,
) -> None:
    """Create a staff user, or reset an existing one; the password is read from stdin."""
    password = sys.stdin.readline().rstrip("\r\n")
    settings = settings_from(data_dir, db_url)
    known = catalog_departments(CatalogPlanner.load(settings.catalog).catalog) if departments else set()
    if unknown := set(departments) - known:
        raise click.BadParameter(
            f"not in the catalog: {'、'.join(sorted(unknown))} (its departments: {'、'.join(sorted(known))})",
            param_hint="--department",
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # users may be added before central first starts
    engine = make_engine(settings.db_url)
    try:
        add_user(engine, name, role, password, list(offices), list(counters))
        set_departments(engine, name, departments)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    finally:
        engine.dispose()


@central.group()
def webhook() -> None:
    """Webhooks to core systems."""


@webhook.command("add")
@click.argument("url")
@click.option(
    "--procedure", "procedures", multiple=True, help="A procedure id to send (repeatable; default all)"
)
@click.option("--secret", help="The HMAC secret, 32+ characters (default: a new random one)")
@db_option
@data_option
def webhook_add(
    url: str, procedures: tuple[str, ...], secret: str | None, db_url: str | None, data_dir: str | None
) -> None:
    """Send approved procedures to URL (https://; private hosts and http:// only when MADOGUCHI_WEBHOOK_ALLOW
    names them), signed; prints the signing secret."""
    settings = settings_from(data_dir, db_url)
    try:
        allow = AllowList.from_env()
        known = frozenset(p.procedure.id for p in CatalogPlanner.load(settings.catalog).catalog.procedures)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    engine = make_engine(settings.db_url)
    try:
        click.echo(add_endpoint(engine, url, list(procedures), secret, allow=allow, known_procedures=known))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    finally:
        engine.dispose()


@webhook.command("list")
@db_option
@data_option
def webhook_list(db_url: str | None, data_dir: str | None) -> None:
    """The registered endpoints: id, URL, procedures (all when none), since when. Never the secrets."""
    engine = make_engine(settings_from(data_dir, db_url).db_url)
    try:
        for endpoint in endpoints(engine):
            wanted = ",".join(endpoint.procedures) or "*"
            click.echo(f"{endpoint.id}\t{endpoint.url}\t{wanted}\t{endpoint.created_at.isoformat()}")
    finally:
        engine.dispose()


@webhook.command("remove")
@click.argument("endpoint_id", type=click.IntRange(min=1))
@db_option
@data_option
def webhook_remove(endpoint_id: int, db_url: str | None, data_dir: str | None) -> None:
    """Stop sending to an endpoint (its id from `webhook list`); what was queued for it is dropped."""
    engine = make_engine(settings_from(data_dir, db_url).db_url)
    try:
        dropped = remove_endpoint(engine, endpoint_id)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo(f"removed webhook {endpoint_id} and {dropped} queued deliveries")


@central.command()
@db_option
@data_option
@click.option(
    "--before", help="Purge cases created before this ISO 8601 time (default: the retention period)"
)
def purge(db_url: str | None, data_dir: str | None, before: str | None) -> None:
    """Purge cases past retention (MADOGUCHI_RETENTION_DAYS, default five years); prints how many."""
    settings = settings_from(data_dir, db_url)
    engine = make_engine(settings.db_url)
    try:
        click.echo(purge_before(engine, parse_since(before) or retention_cutoff()))
    finally:
        engine.dispose()
