"""`madoguchi procedures ...`: catalog validation and planning from the command line."""

import click


@click.group()
def procedures() -> None:
    """Procedure catalog and navigator."""
