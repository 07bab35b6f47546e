"""`madoguchi demo`: the whole system on embedded defaults."""

import click


@click.command()
def demo() -> None:
    """Run a private broker, central and one emulated counter unit."""
    raise click.ClickException("not yet")
