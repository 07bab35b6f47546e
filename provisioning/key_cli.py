"""`madoguchi provision key-split` and `key-recover`: the city sealing key as officers' recovery shares.
Shares go to the terminal only; the recovered key is written 0600 and never printed."""

import sys

import click

from central.cli import settings_from
from central.keys import CITY_KEY_FILE
from protocol.keys import CityPrivateKey
from protocol.secret_file import write_secret_file
from provisioning.recovery import RecoveryError, recover_key, share_sheet, split_key


@click.command("key-split")
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
@click.option("--shares", "count", type=click.IntRange(2, 16), required=True, help="Shares to print (N)")
@click.option("--threshold", type=click.IntRange(2, 16), required=True, help="Shares that recover it (M)")
def key_split(data_dir: str | None, count: int, threshold: int) -> None:
    """Print the city sealing key as N shares, any M of which recover it (one per officer)."""
    path = settings_from(data_dir, None).data_dir / CITY_KEY_FILE
    if not path.exists():
        raise click.ClickException(f"no city key at {path}")
    if threshold > count:
        raise click.ClickException("--threshold cannot exceed --shares")
    key = CityPrivateKey.from_bytes(path.read_bytes())
    key_id = key.public.key_id.hex()
    for number, share in enumerate(split_key(key, threshold, count), start=1):
        click.echo(share_sheet(share, number, count, threshold, key_id))


@click.command("key-recover")
@click.option("--central-data", "data_dir", help="Central's data dir (env MADOGUCHI_DATA_DIR)")
def key_recover(data_dir: str | None) -> None:
    """Read shares on stdin (a blank line between shares) and write the city key (0600) into the data dir."""
    path = settings_from(data_dir, None).data_dir / CITY_KEY_FILE
    try:
        key = recover_key(sys.stdin.read())
        write_secret_file(path, key.raw)
    except RecoveryError as exc:
        raise click.ClickException(str(exc)) from exc
    except FileExistsError as exc:
        raise click.ClickException(f"{path} exists: move it away first, nothing was written") from exc
    click.echo(f"recovered city sealing key {key.public.key_id.hex()} into {path}")
