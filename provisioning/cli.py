"""`madoguchi provision ...`: IT's commands against central's data: set up the CA, central's identities and
the broker (`init`), enrolment tokens and serial numbers, revocation, the broker's files, and the city key's
recovery shares (provisioning/key_cli.py), remote configuration, rollouts and commands
(provisioning/fleet_cli.py). Keys are written 0600 and never printed."""

import asyncio
import shlex
import socket
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlmodel import Session, select

from central.cli import settings_from
from central.db import make_engine
from central.fleet.broker_admin import BrokerAdminError
from central.fleet.ca_store import CityCA
from central.fleet.dynsec import EnrolledUnit, central_identities
from central.fleet.eviction import EvictionIncomplete
from central.fleet.grants import add_serial, approve_serial, issue_token, serials, token_ttl
from central.fleet.setup import BrokerSetup
from central.models import Device
from provisioning.fleet_cli import command, config, rollout
from provisioning.init import FleetInit, provision_fleet
from provisioning.key_cli import key_recover, key_split
from provisioning.mosquitto import CONF_FILE, DEFAULT_PORT, BrokerSettings, write_broker_files
from provisioning.revocation import ReloadFailed, Revocation

data_option = click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
db_option = click.option("--db", "db_url", help="Central's database URL (env MADOGUCHI_DB)")
office_option = click.option("--office", required=True, help="Office the unit will belong to")
profile_option = click.option("--profile", default="", help="Device profile name the unit is told (optional)")


@click.group()
def provision() -> None:
    """Provision counter units."""


def _units(engine: Engine) -> list[EnrolledUnit]:
    """The enrolled, unrevoked units, as the broker's rules know them."""
    with Session(engine) as session:
        devices = session.exec(select(Device).where(Device.revoked_at == None)).all()  # noqa: E711 - SQL IS NULL
    return [EnrolledUnit(device.id, device.office_id) for device in devices]


def _engine(data_dir: str | None, db_url: str | None) -> Engine:
    settings = settings_from(data_dir, db_url)
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # where SQLite keeps the database
    return make_engine(settings.db_url)


@provision.command()
@data_option
@db_option
@click.option(
    "--broker-host",
    "hosts",
    multiple=True,
    help="Name or address units reach the broker at "
    "(repeatable; the first goes in the broker URL; default: this machine's name, localhost, 127.0.0.1)",
)
@click.option("--broker-port", "port", default=DEFAULT_PORT, show_default=True, help="The broker's TLS port")
@click.option(
    "--broker-dir", type=click.Path(path_type=Path), help="The broker's files (default: DATA_DIR/broker)"
)
@click.option("--bind-address", help="The address the broker listens on (default: every interface)")
@click.option(
    "--persistence-dir",
    type=click.Path(path_type=Path),
    default=Path("/var/lib/mosquitto"),
    show_default=True,
)
@click.option("--run-as", help="The user mosquitto drops to when started as root (default: mosquitto)")
@click.option("--log-dest", default="syslog", show_default=True, help="mosquitto's log_dest")
@click.option(
    "--broker-pid-file", type=click.Path(path_type=Path), help="Reload the broker by SIGHUP to this pid"
)
@click.option(
    "--broker-reload-command",
    default="systemctl reload mosquitto",
    show_default=True,
    help="Or by this command (used when no pid file is given)",
)
@click.option(
    "--ingest-workers", type=click.IntRange(1), help="Central's ingest workers (default: one per core)"
)
def init(
    data_dir: str | None,
    db_url: str | None,
    hosts: tuple[str, ...],
    port: int,
    broker_dir: Path | None,
    bind_address: str | None,
    persistence_dir: Path,
    run_as: str | None,
    log_dest: str,
    broker_pid_file: Path | None,
    broker_reload_command: str,
    ingest_workers: int | None,
) -> None:
    """Create the city CA, central's keys and MQTT identities, and the broker's files (idempotent)."""
    settings = settings_from(data_dir, db_url, ingest_workers=ingest_workers)
    broker = BrokerSettings(
        hosts=hosts or (socket.getfqdn(), "localhost", "127.0.0.1"),
        port=port,
        bind_address=bind_address,
        persistence_dir=persistence_dir,
        run_as=run_as,
        log_dest=log_dest,
        pid_file=broker_pid_file.resolve() if broker_pid_file else None,
    )
    plan = FleetInit(
        data_dir=settings.data_dir,
        broker_dir=broker_dir or settings.data_dir / "broker",
        broker=broker,
        ingest_workers=settings.ingest_workers,
        reload_command=shlex.split(broker_reload_command),
    )
    try:
        made = provision_fleet(plan, _units(_engine(data_dir, db_url)))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in made:
        click.echo(line)
    click.echo("changed nothing: everything was in place" if not made else f"{len(made)} change(s)")


@provision.command()
@data_option
@db_option
@office_option
@profile_option
@click.option(
    "--ttl-hours",
    default=24.0,
    show_default=True,
    type=float,
    help="Hours until the token expires (above 0, at most 720: 30 days)",
)
def token(data_dir: str | None, db_url: str | None, office: str, profile: str, ttl_hours: float) -> None:
    """Print a single-use, expiring enrolment token."""
    try:
        ttl = token_ttl(ttl_hours)
    except ValueError as exc:  # a usage error (exit 2), like any other bad option
        raise click.BadParameter(str(exc), param_hint="--ttl-hours") from exc
    try:
        click.echo(issue_token(_engine(data_dir, db_url), office, ttl, profile))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@provision.group()
def serial() -> None:
    """Units that enrol by their hardware serial number, once IT approves it."""


@serial.command("add")
@data_option
@db_option
@office_option
@profile_option
@click.argument("number")
def serial_add(data_dir: str | None, db_url: str | None, office: str, profile: str, number: str) -> None:
    """Register a unit's serial number for an office (it enrols once approved)."""
    try:
        added = add_serial(_engine(data_dir, db_url), number, office, profile)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"registered serial {added} for {office}; approve it to let the unit enrol")


@serial.command("approve")
@data_option
@db_option
@click.argument("number")
def serial_approve(data_dir: str | None, db_url: str | None, number: str) -> None:
    """Let the unit with this serial number enrol (once)."""
    try:
        row = approve_serial(_engine(data_dir, db_url), number)
    except (KeyError, ValueError) as exc:
        raise click.ClickException(f"not a registered serial number: {number}") from exc
    click.echo(f"approved serial {row.serial} for {row.office_id}")


@serial.command("list")
@data_option
@db_option
def serial_list(data_dir: str | None, db_url: str | None) -> None:
    """Every registered serial: office, and whether it is approved or enrolled (and as which unit)."""
    for row in serials(_engine(data_dir, db_url)):
        state = (
            f"enrolled {row.used_by}" if row.used_at else "approved" if row.approved_at else "not approved"
        )
        click.echo(f"{row.serial}\t{row.office_id}\t{state}")


@provision.command("revoke")
@data_option
@db_option
@click.argument("device_id")
def revoke_device(data_dir: str | None, db_url: str | None, device_id: str) -> None:
    """Revoke a counter unit: central refuses its envelopes, the broker its certificate and connection."""
    settings = settings_from(data_dir, db_url)
    revocation = Revocation(
        engine=make_engine(settings.db_url),
        authority=CityCA.load_or_create(settings.data_dir),
        setup=BrokerSetup.load(settings.data_dir),
        data_dir=settings.data_dir,
    )
    try:
        done = asyncio.run(revocation.run(device_id))
    except KeyError as exc:
        raise click.ClickException(f"no such device: {device_id}") from exc
    except (ReloadFailed, EvictionIncomplete, BrokerAdminError, FileNotFoundError) as exc:
        raise click.ClickException(
            f"{device_id} is revoked at central, but the broker step failed: {exc}; run the command again"
        ) from exc
    for line in done:
        click.echo(line)


@provision.command("mosquitto-config")
@data_option
@db_option
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Directory mosquitto reads")
@click.option("--host", "hosts", multiple=True, required=True, help="Name or address units connect to")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="TLS listener port")
@click.option("--persistence-dir", type=click.Path(path_type=Path), default=Path("/var/lib/mosquitto"))
def mosquitto_config(
    data_dir: str | None,
    db_url: str | None,
    out: Path,
    hosts: tuple[str, ...],
    port: int,
    persistence_dir: Path,
) -> None:
    """Write the broker's files afresh, access rules rendered from the enrolled units (a new broker)."""
    settings = settings_from(data_dir, db_url)
    units = _units(make_engine(settings.db_url))
    authority = CityCA.load_or_create(settings.data_dir)
    broker = BrokerSettings(hosts=hosts, port=port, persistence_dir=persistence_dir)
    write_broker_files(authority, out, broker, units, central_identities(), fresh_rules=True)
    click.echo(f"wrote {out / CONF_FILE} for {len(units)} units; give {out} to the broker's user (mosquitto)")


provision.add_command(key_split)
provision.add_command(key_recover)
provision.add_command(config)
provision.add_command(rollout)
provision.add_command(command)
