"""`madoguchi provision ...`: enrolment tokens and revocation, run by IT against central's data."""

from datetime import timedelta

import click

from central.db import make_engine
from central.fleet.enrolment import issue_token, revoke
from central.settings import Settings


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
