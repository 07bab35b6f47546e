"""`madoguchi provision ...`: enrolment tokens and fleet operations."""

import click


@click.group()
def provision() -> None:
    """Provision counter units."""
