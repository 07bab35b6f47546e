"""The merge of synced cases into staff's records never holds SQLite's write lock while it plans."""

import random
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from sqlalchemy import func, insert, select

from central.cases.work import Merger
from central.db import make_engine
from central.models import Case, WorkCase
from procedures.planner import CatalogPlanner
from protocol.facts import Facts
from protocol.plan import Plan
from testbed.households import citizen

PLANNING_SECONDS = 0.15


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
    return [
        {
            "id": str(uuid.uuid4()),
            "device_id": "cu-test",
            "office_id": "honcho",
            "seq": n,
            "life_event": "move_in",
            "language": "ja",
            "ticket": f"A{n:03d}",
            "status": "received",
            "created_at": now,
            "received_at": now,
            "envelope_sha256": bytes(32),
            "body_sha256": bytes(32),
            "facts": msgspec.json.encode(citizen(rng, n)).decode(),
            "plan": "null",
        }
        for n in range(count)
    ]


def test_ingest_commits_while_a_merge_is_planning(tmp_path: Path) -> None:
    database = tmp_path / "central.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(insert(Case.__table__), synced_without_plan(6))  # type: ignore[attr-defined]
    planner = CatalogPlanner.load()
    merging = threading.Thread(target=Merger(engine, SlowPlanner(planner.catalog)))
    merging.start()
    commits = 0
    writer = sqlite3.connect(database, timeout=0.05, isolation_level=None)
    while merging.is_alive():  # what ingest does meanwhile: short write transactions, little patience
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
        writer.execute("INSERT INTO probe VALUES (1)")
        writer.execute("COMMIT")
        commits += 1
        time.sleep(0.01)
    merging.join()
    writer.close()
    assert commits > 10
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(WorkCase)).scalar_one() == 6
    engine.dispose()
