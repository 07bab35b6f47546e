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

from sqlalchemy import ColumnElement, Engine, String, event, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FromClause
from sqlalchemy.sql.visitors import InternalTraversal
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


class json_text(ColumnElement[str]):  # noqa: N801 - named like the SQL functions it stands for
    """The part of a JSON text column at a path of keys, as text (a string as itself, an object or list as
    JSON, NULL if missing), taken out by the database: a page reads the few fields it shows of a large
    document without sending the whole of it to Python. `json_text(Case.plan, "counters")`; the keys are
    identifiers written in the code, never input."""

    type = String()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy reads it as declared on its base
        ("column", InternalTraversal.dp_clauseelement),
        ("path", InternalTraversal.dp_string_list),
    ]

    def __init__(self, column: ColumnElement[str], *path: str) -> None:
        if not path or not all(key.isidentifier() for key in path):
            raise ValueError("json_text takes identifier keys")
        self.column, self.path = column, path

    @property
    def _from_objects(self) -> list[FromClause]:
        return self.column._from_objects


@compiles(json_text, "sqlite")
def _json_text_sqlite(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    keys = "".join(f".{key}" for key in element.path)
    return f"json_extract({compiler.process(element.column, **kw)}, '${keys}')"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    keys = ",".join(element.path)
    return f"(CAST({compiler.process(element.column, **kw)} AS JSON) #>> '{{{keys}}}')"


class unindexed(ColumnElement[str]):  # noqa: N801 - reads as the column it wraps
    """A column whose own index the query must not use for this comparison. SQLite plans without
    statistics (central never runs ANALYZE) and takes any index on a compared column, even one that holds
    most of the table; its documented remedy is a unary `+`. PostgreSQL plans from statistics and gets the
    column as it is."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 - as on its base

    def __init__(self, column: ColumnElement[str]) -> None:
        self.column, self.type = column, column.type

    @property
    def _from_objects(self) -> list[FromClause]:
        return self.column._from_objects


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.column, **kw)}"


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
