"""Preparing synced cases for staff (plan, procedure rows) never holds SQLite's write lock while it plans."""

import random
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlmodel import col

from central.cases.prepare import Preparer
from central.db import make_engine
from central.ingest.devices import KnownDevice
from central.ingest.store import synced_case
from central.models import Case, CaseProcedure
from procedures.planner import CatalogPlanner
from protocol.facts import Facts
from protocol.messages import SubmissionBody, Ticket
from protocol.plan import Plan
from testbed.households import citizen

PLANNING_SECONDS = 0.6
"""Longer than the writer's patience below, so a lock held while planning would fail it."""


@dataclass(frozen=True, slots=True)
class SlowPlanner(CatalogPlanner):
    """The real planner, made as slow as a big household on a Raspberry Pi."""

    def __call__(self, facts: Facts) -> Plan:
        time.sleep(PLANNING_SECONDS)
        return CatalogPlanner.__call__(self, facts)


def synced_without_plan(count: int) -> list[dict[str, object]]:
    """Case rows as ingest stores them for units that sent no plan (central plans them)."""
    rng = random.Random(8)
    now = datetime.now(UTC)
    unit = KnownDevice("cu-test", "honcho", b"", revoked=False)
    return [
        synced_case(
            str(uuid.uuid4()),
            unit,
            n,
            SubmissionBody(citizen(rng, n), Ticket(f"A{n:03d}", "honcho", now.isoformat())),
            now,
            now,
            (bytes(32), bytes(32)),
        )
        for n in range(count)
    ]


def test_ingest_commits_while_cases_are_being_prepared(tmp_path: Path) -> None:
    database = tmp_path / "central.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(insert(Case.__table__), synced_without_plan(4))  # type: ignore[attr-defined]
    planner = CatalogPlanner.load()
    preparing = threading.Thread(target=Preparer(engine, SlowPlanner(planner.catalog)))
    preparing.start()
    commits = 0
    writer = sqlite3.connect(database, timeout=0.3, isolation_level=None)
    while preparing.is_alive():  # what ingest does meanwhile: short write transactions, little patience
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
        writer.execute("INSERT INTO probe VALUES (1)")
        writer.execute("COMMIT")
        commits += 1
        time.sleep(0.01)
    preparing.join()
    writer.close()
    assert commits > 10
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(col(Case.prepared_at).is_not(None))).scalar_one() == 4
        assert conn.execute(select(func.count(func.distinct(col(CaseProcedure.case_id))))).scalar_one() == 4
        assert conn.execute(select(func.count()).where(col(Case.plan) == "null")).scalar_one() == 0
    engine.dispose()
