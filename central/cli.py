"""`madoguchi central ...`: serve, manage users and export cases."""

import click


@click.group()
def central() -> None:
    """Central server."""
