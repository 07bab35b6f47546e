"""`madoguchi edge ...`: run a counter unit and use its hardware from the command line."""

import click


@click.group()
def edge() -> None:
    """Counter unit (edge agent)."""
