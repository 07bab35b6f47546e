"""`madoguchi edge card read` and `madoguchi edge validate-profile`: the hardware from the command line.

`card read` prints the basic four facts because the person running it asked for them; it takes the PIN on
stdin (never as an argument, where `ps` would show it) and must never log it or the facts.
"""

import sys
from pathlib import Path

import click
import msgspec

from edge_agent.profile import ProfileError, load_profile

from .card.errors import CardError


@click.group()
def card() -> None:
    """My Number Card reader."""


@card.command("read")
@click.option("--reader", "reader_name", required=True, help="Part of the PC/SC reader name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (facts, or an error object).")
def read(reader_name: str, as_json: bool) -> None:
    """Read the basic four facts; the 4-digit PIN comes on stdin."""
    from .card.pcsc import PcscCardReader

    pin = sys.stdin.readline().strip()
    try:
        person = PcscCardReader(reader_name).read_basic_four(pin)
    except CardError as error:
        if as_json:
            failure = {"error": type(error).__name__, "message": str(error)}
            if (tries := getattr(error, "tries_left", None)) is not None:
                failure["tries_left"] = tries
            click.echo(msgspec.json.encode(failure).decode())
            sys.exit(1)
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(msgspec.json.encode(person).decode())
    else:
        for field in person.__struct_fields__:
            click.echo(f"{field}: {getattr(person, field)}")


@click.command("validate-profile")
@click.argument("file", type=click.Path(path_type=Path))
def validate_profile(file: Path) -> None:
    """Check a device profile against the schema; errors name the key."""
    try:
        profile = load_profile(file)
    except ProfileError as error:
        raise click.ClickException(str(error)) from error
    kinds = [
        f"{name} {getattr(profile, name).__struct_config__.tag}"
        for name in ("card_reader", "camera", "printer")
    ]
    click.echo(f"{file}: ok ({profile.device.model}: {', '.join(kinds)})")
