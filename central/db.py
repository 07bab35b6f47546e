"""Database engine for SQLite (default) and PostgreSQL; tables are created on first use.

SQLite runs in WAL mode with synchronous=FULL: central acknowledges a submission only after the commit, so
the commit must survive a power cut. Errors never quote their SQL parameters (`hide_parameters`): those are
facts and plans, and an error may be logged.
"""

from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import SQLModel, create_engine

from central import models  # noqa: F401 - registers the tables on SQLModel.metadata
from central.kpi import models as kpi_models  # noqa: F401 - the KPI slice's ratings
from central.queue import models as queue_models  # noqa: F401 - and the queue's


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine and the tables that are missing."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    SQLModel.metadata.create_all(engine)
    return engine
