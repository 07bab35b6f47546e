"""Root of the `madoguchi` CLI; each part owns its own group and this module only mounts them."""

import click

from central.cli import central
from edge_agent.cli import edge
from madoguchi.demo import demo
from procedures.cli import procedures
from provisioning.cli import provision


@click.group()
def cli() -> None:
    """Madoguchi: the no-writing one-stop counter."""


cli.add_command(central)
cli.add_command(edge)
cli.add_command(procedures)
cli.add_command(provision)
cli.add_command(demo)


def main() -> None:
    """Run the CLI."""
    cli()
