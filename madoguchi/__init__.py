"""The `madoguchi` command: one CLI that gathers each part's command group."""
