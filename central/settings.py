"""Central's settings: command-line flags first, then MADOGUCHI_* environment variables, then defaults.

The data dir is the single source of truth for the database: `central serve` records the database URL it
uses in DATA_DIR/database.url, and every other command given that data dir (user add, export, webhook add,
purge, provision token, ...) reads it from there, so nobody writes to a database central is not using. A
command given another `--db` than the recorded one is refused. Never logs the URL (it may hold a password).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from central.fleet.setup import client_files
from procedures.planner import SAMPLE_CATALOG
from protocol.mqtt import TlsFiles
from protocol.urls import parse_broker_url

DEFAULT_DATA_DIR = Path("var/central")
DB_URL_FILE = "database.url"
"""In the data dir: the database URL central serves from (owner-only: it may hold a password)."""
CITY_TIME_ZONE = "Asia/Tokyo"
"""The city's time zone unless MADOGUCHI_TIME_ZONE says otherwise (central/city_time.py)."""


class DatabaseMismatchError(ValueError):
    """A command named another database than the one its data dir records."""


def recorded_db_url(data_dir: Path) -> str | None:
    """The database URL recorded in a data dir, or None if central has never recorded one there."""
    path = data_dir / DB_URL_FILE
    return path.read_text(encoding="utf-8").strip() or None if path.is_file() else None


def record_db_url(data_dir: Path, url: str) -> None:
    """Record the database URL in the data dir, readable by its owner only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DB_URL_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(url + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


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
        serving: bool = False,
    ) -> "Settings":
        """Take each setting from its flag, else its MADOGUCHI_* environment variable, else the default; the
        database from its flag or variable, else the data dir's record, else SQLite in the data dir.

        `serving` (central serve) records the database it uses in the data dir, replacing an older record (the
        city moved its database); any other command raises DatabaseMismatchError when it names another
        database than the recorded one.
        """
        directory = Path(data_dir or os.environ.get("MADOGUCHI_DATA_DIR") or DEFAULT_DATA_DIR)
        url = _database(directory, db_url or os.environ.get("MADOGUCHI_DB"), serving)
        broker = broker_url or os.environ.get("MADOGUCHI_BROKER")
        workers = ingest_workers or int(os.environ.get("MADOGUCHI_INGEST_WORKERS") or 0) or default_workers()
        city_catalog = catalog or Path(os.environ.get("MADOGUCHI_CATALOG") or SAMPLE_CATALOG)
        return cls(
            data_dir=directory, db_url=url, broker_url=broker, ingest_workers=workers, catalog=city_catalog
        )


def _database(directory: Path, named: str | None, serving: bool) -> str:
    recorded = recorded_db_url(directory)
    if named and recorded and named != recorded and not serving:
        raise DatabaseMismatchError(
            f"{directory / DB_URL_FILE} records the database central serves from, and --db (or MADOGUCHI_DB) "
            "names another one: give only --data-dir"
        )
    url = named or recorded or f"sqlite:///{directory.resolve() / 'central.db'}"
    if serving and url != recorded:
        record_db_url(directory, url)
    return url
