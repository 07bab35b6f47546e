"""`madoguchi provision ...`: enrolment tokens, revocation, the broker's configuration and the city key's
recovery shares, run by IT against central's data. Shares go to the terminal only; keys are written 0600."""

import sys
from datetime import timedelta
from pathlib import Path

import click
from sqlmodel import Session, select

from central.db import make_engine
from central.fleet.ca_store import CityCA
from central.fleet.enrolment import issue_token, revoke
from central.keys import CITY_KEY_FILE
from central.models import Device
from central.settings import Settings
from protocol.keys import CityPrivateKey
from protocol.secret_file import write_secret_file
from provisioning.mosquitto import (
    CONF_FILE,
    DEFAULT_PORT,
    BrokerSettings,
    EnrolledUnit,
    central_identities,
    write_broker_files,
)
from provisioning.recovery import RecoveryError, recover_key, share_sheet, split_key


@click.group()
def provision() -> None:
    """Provision counter units."""


@provision.command()
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
@click.option("--db", "db_url", help="Central's database URL (env MADOGUCHI_DB)")
@click.option("--office", required=True, help="Office the enrolled unit will belong to")
@click.option("--ttl-hours", default=24.0, show_default=True, help="Hours until the token expires")
def token(data_dir: str | None, db_url: str | None, office: str, ttl_hours: float) -> None:
    """Print a single-use, expiring enrolment token."""
    engine = make_engine(Settings.resolve(data_dir=data_dir, db_url=db_url).db_url)
    click.echo(issue_token(engine, office, timedelta(hours=ttl_hours)))


@provision.command("revoke")
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
@click.option("--db", "db_url", help="Central's database URL (env MADOGUCHI_DB)")
@click.argument("device_id")
def revoke_device(data_dir: str | None, db_url: str | None, device_id: str) -> None:
    """Revoke a counter unit: central refuses its envelopes from now on."""
    engine = make_engine(Settings.resolve(data_dir=data_dir, db_url=db_url).db_url)
    try:
        revoke(engine, device_id)
    except KeyError as exc:
        raise click.ClickException(f"no such device: {device_id}") from exc
    click.echo(f"revoked {device_id}")


@provision.command("key-split")
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
@click.option("--shares", "count", type=click.IntRange(2, 16), required=True, help="Shares to print (N)")
@click.option("--threshold", type=click.IntRange(2, 16), required=True, help="Shares that recover it (M)")
def key_split(data_dir: str | None, count: int, threshold: int) -> None:
    """Print the city sealing key as N shares, any M of which recover it (one per officer)."""
    path = Settings.resolve(data_dir=data_dir, db_url=None).data_dir / CITY_KEY_FILE
    if not path.exists():
        raise click.ClickException(f"no city key at {path}")
    if threshold > count:
        raise click.ClickException("--threshold cannot exceed --shares")
    key = CityPrivateKey.from_bytes(path.read_bytes())
    key_id = key.public.key_id.hex()
    for number, share in enumerate(split_key(key, threshold, count), start=1):
        click.echo(share_sheet(share, number, count, threshold, key_id))


@provision.command("key-recover")
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
def key_recover(data_dir: str | None) -> None:
    """Read shares on stdin (a blank line between shares) and write the city key (0600) into the data dir."""
    path = Settings.resolve(data_dir=data_dir, db_url=None).data_dir / CITY_KEY_FILE
    try:
        key = recover_key(sys.stdin.read())
        write_secret_file(path, key.raw)
    except RecoveryError as exc:
        raise click.ClickException(str(exc)) from exc
    except FileExistsError as exc:
        raise click.ClickException(f"{path} exists: move it away first, nothing was written") from exc
    click.echo(f"recovered city sealing key {key.public.key_id.hex()} into {path}")


@provision.command("mosquitto-config")
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
@click.option("--db", "db_url", help="Central's database URL (env MADOGUCHI_DB)")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Directory mosquitto reads")
@click.option("--host", "hosts", multiple=True, required=True, help="Name or address units connect to")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="TLS listener port")
@click.option(
    "--ingest-workers", type=click.IntRange(1), help="Central's ingest workers (default: central's)"
)
@click.option("--persistence-dir", type=click.Path(path_type=Path), default=Path("/var/lib/mosquitto"))
def mosquitto_config(
    data_dir: str | None,
    db_url: str | None,
    out: Path,
    hosts: tuple[str, ...],
    port: int,
    ingest_workers: int | None,
    persistence_dir: Path,
) -> None:
    """Write mosquitto.conf, the access rules, the CA, server certificate and CRL for the enrolled units."""
    settings = Settings.resolve(data_dir=data_dir, db_url=db_url, ingest_workers=ingest_workers)
    with Session(make_engine(settings.db_url)) as session:
        devices = session.exec(select(Device).where(Device.revoked_at == None)).all()  # noqa: E711 - SQL IS NULL
        units = [EnrolledUnit(device.id, device.office_id) for device in devices]
    authority = CityCA.load_or_create(settings.data_dir)
    broker = BrokerSettings(hosts=hosts, port=port, persistence_dir=persistence_dir)
    write_broker_files(authority, out, broker, units, central_identities(settings.ingest_workers))
    click.echo(f"wrote {out / CONF_FILE} for {len(units)} units; give {out} to the broker's user (mosquitto)")
