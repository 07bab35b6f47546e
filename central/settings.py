"""Central's settings: command-line flags first, then MADOGUCHI_* environment variables, then defaults."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from central.fleet.setup import client_files
from procedures.planner import SAMPLE_CATALOG
from protocol.mqtt import TlsFiles
from protocol.urls import parse_broker_url

DEFAULT_DATA_DIR = Path("var/central")
TRUE = frozenset({"1", "true", "yes", "on"})


def default_workers() -> int:
    """One ingest worker per core."""
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything `madoguchi central ...` needs to find its data."""

    data_dir: Path
    """Holds the city key pair and, by default, the SQLite database."""
    db_url: str
    """SQLAlchemy URL: sqlite:///… (default, in the data dir) or postgresql+psycopg://…"""
    broker_url: str | None = None
    """The broker central consumes from and that enrolled counter units are told to use."""
    ingest_workers: int = field(default_factory=default_workers)
    """Ingest worker processes (each verifies, opens and stores its share of the submissions)."""
    catalog: Path = SAMPLE_CATALOG
    """The city's procedure catalog (directory or published bundle) that staff and the pre-entry page use."""
    behind_tls: bool = field(default_factory=lambda: os.environ.get("MADOGUCHI_BEHIND_TLS", "") in TRUE)
    """Browsers reach central over HTTPS (a TLS proxy in front): the session cookie is `Secure` even when the
    proxy does not say so in `X-Forwarded-Proto`. Env MADOGUCHI_BEHIND_TLS=1."""

    @property
    def broker_tls(self) -> bool:
        """Whether central's broker is a TLS one (`mqtts://`), where central presents its certificates."""
        return self.broker_url is not None and parse_broker_url(self.broker_url).tls

    def mqtt_tls(self, identity: str) -> TlsFiles | None:
        """The key and certificate one of central's MQTT identities presents (in the data dir's
        `mqtt-clients/`, made by `madoguchi provision init` and renewed at start-up), or None without TLS."""
        return client_files(self.data_dir, identity) if self.broker_tls else None

    @classmethod
    def resolve(
        cls,
        *,
        data_dir: str | None,
        db_url: str | None,
        broker_url: str | None = None,
        ingest_workers: int | None = None,
        catalog: Path | None = None,
    ) -> "Settings":
        """Take each setting from its flag, else its MADOGUCHI_* environment variable, else the default."""
        directory = Path(data_dir or os.environ.get("MADOGUCHI_DATA_DIR") or DEFAULT_DATA_DIR)
        url = db_url or os.environ.get("MADOGUCHI_DB") or f"sqlite:///{directory / 'central.db'}"
        broker = broker_url or os.environ.get("MADOGUCHI_BROKER")
        workers = ingest_workers or int(os.environ.get("MADOGUCHI_INGEST_WORKERS") or 0) or default_workers()
        city_catalog = catalog or Path(os.environ.get("MADOGUCHI_CATALOG") or SAMPLE_CATALOG)
        return cls(
            data_dir=directory, db_url=url, broker_url=broker, ingest_workers=workers, catalog=city_catalog
        )
