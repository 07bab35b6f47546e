"""Central on PostgreSQL: the same ingest guarantees as on SQLite (idempotent, conflicts refused, the store
statement's upsert, export)."""

import asyncio
import random
import uuid
from pathlib import Path

from protocol import topics
from testbed.broker import Broker
from testbed.households import citizen
from testbed.postgres import PrivatePostgres
from testbed.services import central_service, central_url, issue_token
from testbed.simulated import SimulatedDevice
from tests.spine.helpers import case_ids, count_cases, exported, publish, reject_reasons, wait_until
from tests.spine.test_ingest import check_the_store_statement


def test_ingest_on_postgresql(tmp_path: Path, broker: Broker, postgres: PrivatePostgres) -> None:
    db = postgres.database()
    central = central_service(tmp_path, broker.url, db_url=db).start()
    try:
        unit = SimulatedDevice.enrol(central_url(central), issue_token(tmp_path, db_url=db))
        rng = random.Random(5)
        sealed = [unit.seal(citizen(rng, n)) for n in range(40)]
        conflicting = unit.seal(citizen(rng, 99), submission_id=uuid.UUID(sealed[0][0]))[1]
        topic = topics.submissions(unit.device_id)
        asyncio.run(
            publish(broker, [(topic, wire) for _ in range(3) for _, wire in sealed] + [(topic, conflicting)])
        )
        wait_until(lambda: "conflict" in reject_reasons(db), what="the conflict to be recorded")
        wait_until(lambda: count_cases(db)[0] == 40, what="40 cases")
        assert count_cases(db) == (40, 40)
        assert case_ids(db) == {sid for sid, _ in sealed}
        records = exported("--db", db, "--data-dir", str(tmp_path / "central"))
        assert {record["id"] for record in records} == case_ids(db)
    finally:
        central.kill()


def test_the_store_statement_on_postgresql(postgres: PrivatePostgres) -> None:
    check_the_store_statement(postgres.database())
