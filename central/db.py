"""Database engine for SQLite (default) and PostgreSQL; tables are created on first use.

SQLite runs in WAL mode with synchronous=FULL: central acknowledges a submission only after the commit, so
the commit must survive a power cut. Errors never quote their SQL parameters (`hide_parameters`): those are
facts and plans, and an error may be logged.

A SQLite database holds every citizen's facts, so it is private like the key files beside it: its directory
0700, the file (and the WAL and shared-memory files SQLite makes with the file's mode) 0600. Checked at every
start: a file or directory open to others is closed (and the fix logged); one that cannot be fixed (another
owner) stops central with a message saying what to do.
"""

import logging
import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, make_url
from sqlmodel import SQLModel, create_engine

from central import models  # noqa: F401 - registers the tables on SQLModel.metadata
from central.fleet import tables  # noqa: F401 - and the fleet's
from central.kpi import models as kpi_models  # noqa: F401 - the KPI slice's ratings
from central.queue import models as queue_models  # noqa: F401 - and the queue's


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


log = logging.getLogger(__name__)
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


class UnsafeDatabaseError(RuntimeError):
    """The database's file or directory is open to other users and central cannot close it."""


def _close(path: Path, mode: int) -> None:
    """Make `path` private (mode `mode`) if other users can reach it."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077 == 0:
        return
    try:
        path.chmod(mode)
    except OSError as exc:
        raise UnsafeDatabaseError(
            f"{path} is open to other users (mode {current:04o}) and central cannot change it: "
            f"run `chmod {mode:04o} {path}` as its owner"
        ) from exc
    log.warning("%s was open to other users (mode %04o); now %04o", path, current, mode)


def secure_sqlite_file(database: Path) -> None:
    """Create the database's directory 0700 and the file 0600, or close existing ones (see module doc)."""
    database.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _close(database.parent, PRIVATE_DIR)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for path in (database, *(database.with_name(database.name + end) for end in SQLITE_COMPANIONS)):
        if path.exists():
            _close(path, PRIVATE_FILE)


def secure_database(url: str) -> None:
    """For a SQLite file: `secure_sqlite_file`; other databases keep their own access control."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if database and database != ":memory:" and not database.startswith("file:"):
        secure_sqlite_file(Path(database))


def make_engine(url: str) -> Engine:
    """Create the engine and the tables that are missing."""
    secure_database(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    SQLModel.metadata.create_all(engine)
    return engine
