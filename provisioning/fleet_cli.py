"""`madoguchi provision config|rollout|command`: IT's remote configuration, staged rollouts and commands.

These write central's database only; central's fleet loop signs what they decide and publishes it within
seconds (central/fleet/channel.py), so they work from any machine that reaches the database and the data dir.
"""

from datetime import timedelta

import click
import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.cli import settings_from
from central.db import make_engine
from central.fleet.channel import queue_command
from central.fleet.rollout import (
    RolloutRefused,
    latest_rollout,
    new_version,
    promote,
    rollback,
    start,
    unit_states,
)
from central.fleet.tables import ConfigVersion, Rollout
from protocol.config import COMMANDS

data_option = click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
db_option = click.option("--db", "db_url", help="Central's database URL (env MADOGUCHI_DB)")
SETTINGS = ("ticket_prefix", "idle_seconds", "catalog_version")


def _engine(data_dir: str | None, db_url: str | None) -> Engine:
    return make_engine(settings_from(data_dir, db_url).db_url)


def _describe(rollout: Rollout) -> str:
    line = (
        f"rollout {rollout.id}: version {rollout.version} (from {rollout.previous_version}), {rollout.stage}"
    )
    return f"{line}: {rollout.reason}" if rollout.reason else line


@click.group()
def config() -> None:
    """Configuration versions: the settings units apply live."""


@config.command("new")
@data_option
@db_option
@click.option("--ticket-prefix", help="Letters before ticket numbers (1 to 3 capitals)")
@click.option("--idle-seconds", type=int, help="Seconds before an idle kiosk session is wiped (30 to 3600)")
@click.option("--catalog-version", help="The catalog version units must run")
@click.option("--clear", "cleared", multiple=True, type=click.Choice(SETTINGS), help="Drop a setting")
@click.option("--note", default="", help="What this version is for")
def config_new(
    data_dir: str | None,
    db_url: str | None,
    ticket_prefix: str | None,
    idle_seconds: int | None,
    catalog_version: str | None,
    cleared: tuple[str, ...],
    note: str,
) -> None:
    """A new version: the newest one's settings with these changes (no unit gets it before a rollout)."""
    given = {"ticket_prefix": ticket_prefix, "idle_seconds": idle_seconds, "catalog_version": catalog_version}
    changes: dict[str, object] = {key: value for key, value in given.items() if value is not None}
    changes.update(dict.fromkeys(cleared))
    try:
        version, settings = new_version(_engine(data_dir, db_url), changes, note)
    except RolloutRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"configuration version {version}: {msgspec.json.encode(settings).decode()}")


@config.command("list")
@data_option
@db_option
def config_list(data_dir: str | None, db_url: str | None) -> None:
    """Every configuration version, oldest first."""
    with Session(_engine(data_dir, db_url)) as session:
        for row in session.exec(select(ConfigVersion).order_by(col(ConfigVersion.version))).all():
            click.echo(f"{row.version}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.settings}\t{row.note}")


@click.group()
def rollout() -> None:
    """Staged rollouts: pilot units first, then every unit; halted by central when a pilot unit fails."""


@rollout.command("start")
@data_option
@db_option
@click.argument("version", type=click.IntRange(0))
@click.option("--pilot", "pilot", multiple=True, required=True, help="A pilot unit (repeatable)")
@click.option(
    "--offline-minutes",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="A pilot unit offline longer than this halts the rollout",
)
def rollout_start(
    data_dir: str | None, db_url: str | None, version: int, pilot: tuple[str, ...], offline_minutes: float
) -> None:
    """Give VERSION to the pilot units; the others keep theirs."""
    try:
        started = start(_engine(data_dir, db_url), version, list(pilot), timedelta(minutes=offline_minutes))
    except RolloutRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_describe(started))
    click.echo("central pushes it to the pilot units within seconds; check with: provision rollout status")


@rollout.command("promote")
@data_option
@db_option
def rollout_promote(data_dir: str | None, db_url: str | None) -> None:
    """Give the pilot's version to every unit (once every pilot unit applied it)."""
    try:
        click.echo(_describe(promote(_engine(data_dir, db_url))))
    except RolloutRefused as exc:
        raise click.ClickException(str(exc)) from exc


@rollout.command("rollback")
@data_option
@db_option
def rollout_rollback(data_dir: str | None, db_url: str | None) -> None:
    """Give the previous version back to every unit that has the rollout's."""
    try:
        click.echo(_describe(rollback(_engine(data_dir, db_url))))
    except RolloutRefused as exc:
        raise click.ClickException(str(exc)) from exc


@rollout.command("status")
@data_option
@db_option
def rollout_status(data_dir: str | None, db_url: str | None) -> None:
    """The latest rollout, and every unit's target and applied version (and its error, if any)."""
    engine = _engine(data_dir, db_url)
    with Session(engine) as session:
        last = latest_rollout(session)
        click.echo(_describe(last) if last else "no rollout yet")
    for unit in unit_states(engine):
        applied = "none" if unit.applied_version < 0 else str(unit.applied_version)
        click.echo(
            f"{unit.device_id}\ttarget {unit.target_version}\tapplied {applied}\t{unit.error}".rstrip()
        )


@click.command("command")
@data_option
@db_option
@click.argument("device_id")
@click.argument("name", type=click.Choice(COMMANDS))
def command(data_dir: str | None, db_url: str | None, device_id: str, name: str) -> None:
    """Send a signed command to a unit: reload, print_test_slip, rotate_identity or wipe_local_data."""
    try:
        queue_command(_engine(data_dir, db_url), device_id, name, "provision command")
    except KeyError as exc:
        raise click.ClickException(f"no such unit, or it is revoked: {device_id}") from exc
    click.echo(
        f"queued {name} for {device_id}: central signs and sends it within seconds; "
        "the unit reports the outcome in its status (fleet console)"
    )
