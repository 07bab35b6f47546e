"""Queries and waits the spine tests share."""

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col

from central.db import make_engine
from central.models import Case, Reject


def central_db(workdir: Path) -> str:
    """The SQLite URL of the central started by the `central` fixture."""
    return f"sqlite:///{workdir / 'central' / 'central.db'}"


def count_cases(workdir: Path) -> tuple[int, int]:
    """(rows, distinct ids) in central's case table."""
    engine = make_engine(central_db(workdir))
    with Session(engine) as session:
        rows = session.execute(select(func.count()).select_from(Case)).scalar_one()
        distinct = session.execute(select(func.count(func.distinct(col(Case.id))))).scalar_one()
    engine.dispose()
    return rows, distinct


def case_ids(workdir: Path) -> set[str]:
    """Every case id central holds."""
    engine = make_engine(central_db(workdir))
    with Session(engine) as session:
        ids = set(session.execute(select(col(Case.id))).scalars())
    engine.dispose()
    return ids


def reject_reasons(workdir: Path) -> list[str]:
    """Recorded rejection reasons, oldest first."""
    engine = make_engine(central_db(workdir))
    with Session(engine) as session:
        reasons = list(session.execute(select(col(Reject.reason)).order_by(col(Reject.id))).scalars())
    engine.dispose()
    return reasons


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    """Poll until condition() is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
