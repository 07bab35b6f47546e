"""`madoguchi edge ...`: run a counter unit and use its hardware from the command line."""

import asyncio
import logging
from pathlib import Path

import click

from edge_agent.hardware.cli import card, validate_profile
from edge_agent.identity import EnrolmentError
from edge_agent.link import RETRY_AFTER
from edge_agent.runner import EdgeConfig, serve
from procedures.planner import SAMPLE_CATALOG
from protocol.urls import parse_listen


@click.group()
def edge() -> None:
    """Counter unit (edge agent)."""


@edge.command()
@click.option("--profile", "profile_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--data-dir", required=True, type=click.Path(file_okay=False), help="The unit's state")
@click.option("--listen", default="127.0.0.1:8080", show_default=True, help="HOST:PORT of the local API")
@click.option("--central", "central_url", help="Central's URL, for enrolment on first boot")
@click.option("--token", help="Single-use enrolment token from `madoguchi provision token`")
@click.option(
    "--serial",
    help="Enrol by serial number instead (IT registers and approves it); `auto`: this board's own",
)
@click.option("--office", help="The office this unit joins (enrolment is refused for another office's token)")
@click.option("--broker", "broker_url", help="Override the broker URL received at enrolment")
@click.option("--ticket-prefix", default="A", show_default=True, help="Letter before queue numbers")
@click.option(
    "--ack-timeout",
    type=click.FloatRange(min=0.5),
    default=RETRY_AFTER,
    show_default=True,
    help="Seconds a sent envelope waits for central's signed ack before it is sent again",
)
@click.option(
    "--catalog",
    type=click.Path(exists=True, path_type=Path),
    default=SAMPLE_CATALOG,
    help="Procedure catalog (directory or published bundle); default: the bundled sample city",
)
def run(
    profile_path: str,
    data_dir: str,
    listen: str,
    central_url: str | None,
    token: str | None,
    serial: str | None,
    office: str | None,
    broker_url: str | None,
    ticket_prefix: str,
    ack_timeout: float,
    catalog: Path,
) -> None:
    """Run the counter unit: enrol if needed (once; later starts ignore the enrolment flags), then serve the
    kiosk API and publish the outbox."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        host, port = parse_listen(listen)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    config = EdgeConfig(
        data_dir=Path(data_dir),
        host=host,
        port=port,
        central_url=central_url,
        token=token,
        serial=serial,
        office=office,
        broker_url=broker_url,
        ticket_prefix=ticket_prefix,
        ack_timeout=ack_timeout,
        catalog=catalog,
        profile=Path(profile_path),
    )
    try:
        asyncio.run(serve(config))
    except EnrolmentError as exc:
        raise click.ClickException(str(exc)) from exc


edge.add_command(card)
edge.add_command(validate_profile)
