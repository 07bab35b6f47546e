"""Central's settings: command-line flags first, then MADOGUCHI_* environment variables, then defaults."""

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("var/central")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything `madoguchi central ...` needs to find its data."""

    data_dir: Path
    """Holds the city key pair and, by default, the SQLite database."""
    db_url: str
    """SQLAlchemy URL: sqlite:///… (default, in the data dir) or postgresql+psycopg://…"""
    broker_url: str | None = None
    """The broker central consumes from and that enrolled counter units are told to use."""

    @classmethod
    def resolve(
        cls, *, data_dir: str | None, db_url: str | None, broker_url: str | None = None
    ) -> "Settings":
        """Apply the flag → environment → default order documented in DESIGN.md."""
        directory = Path(data_dir or os.environ.get("MADOGUCHI_DATA_DIR") or DEFAULT_DATA_DIR)
        url = db_url or os.environ.get("MADOGUCHI_DB") or f"sqlite:///{directory / 'central.db'}"
        broker = broker_url or os.environ.get("MADOGUCHI_BROKER")
        return cls(data_dir=directory, db_url=url, broker_url=broker)
