"""Root of the `madoguchi` CLI; each part owns its own group and this module only mounts them.

Groups are imported only when their command runs, so a counter unit's `madoguchi edge run` never loads the
central server's code (and starts in about half the time on a Pi).
"""

import importlib

import click

GROUPS = {
    "central": ("central.cli", "central", "Central server."),
    "edge": ("edge_agent.cli", "edge", "Counter unit (edge agent)."),
    "procedures": ("procedures.cli", "procedures", "Procedure catalog and navigator."),
    "provision": ("provisioning.cli", "provision", "Provision counter units."),
    "demo": ("madoguchi.demo", "demo", "Run a private broker, central and one emulated counter unit."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported from GROUPS on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """All subcommand names, without importing them."""
        return sorted(GROUPS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return one subcommand."""
        if cmd_name not in GROUPS:
            return None
        module, attribute, _ = GROUPS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the subcommands with their one-line help, still without importing them."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, GROUPS[name][2]) for name in sorted(GROUPS)])


@click.group(cls=LazyGroup)
def cli() -> None:
    """Madoguchi: the no-writing one-stop counter."""


def main() -> None:
    """Run the CLI."""
    cli()
