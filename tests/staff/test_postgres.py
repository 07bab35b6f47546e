"""The staff side on PostgreSQL: QR before sync, the sync, correction, approval, webhooks, export, purge."""

import csv
import io
import random
from datetime import UTC, datetime
from pathlib import Path

from testbed.broker import Broker
from testbed.households import citizen
from testbed.postgres import PrivatePostgres
from testbed.services import central_service
from tests.spine.helpers import wait_until
from tests.staff.receiver import Receiver
from tests.staff.support import StaffCentral, login, wait_for_case
from tests.staff.test_export import approve_all
from tests.staff.test_webhooks import register


def test_counter_work_on_postgresql(tmp_path: Path, broker: Broker, postgres: PrivatePostgres) -> None:
    db = postgres.database()
    service = central_service(tmp_path, broker.url, db_url=db).start(timeout=60)
    try:
        central = StaffCentral(tmp_path, service, broker, db_url=db)
        central.add_user("pg_staff", role="supervisor")
        client = login(central, "pg_staff")
        case_id, qr, wire = central.slip_qr(citizen(random.Random(91), 91))
        assert client.post_form("/staff/counter", {"qr": qr}).status_code == 303
        fixed = {"field": "applicant.address", "value": "みどり市中央町２－２"}
        assert client.post_form(f"/staff/cases/{case_id}/corrections", fixed).status_code == 303
        central.publish("honcho", wire)
        case = wait_for_case(client, case_id, synced=True)
        receiver = Receiver(fail_first=1).start()
        try:
            register(central, receiver)
            approve_all(client, case_id, case)
            expected = sorted(p["id"] for p in case["summary"]["procedures"])
            wait_until(lambda: len(receiver.accepted) == len(expected), what="the webhooks")
            assert sorted(item["procedure_id"] for item in receiver.accepted) == expected
        finally:
            receiver.stop()

        done = central.cli("export", "--approved", "--format", "csv", "--encoding", "cp932")
        rows = list(csv.DictReader(io.StringIO(done.stdout.decode("cp932"), newline="")))
        assert {row["procedure_id"] for row in rows} == {p["id"] for p in case["summary"]["procedures"]}
        assert "みどり市中央町２－２" in {row["value"] for row in rows}
        actions = {entry["action"] for entry in client.http.get("/api/staff/access-log").json()}
        assert {"open_qr", "correct", "approve", "export"} <= actions

        assert central.cli("purge", "--before", datetime.now(UTC).isoformat()).stdout.strip() == b"1"
        assert client.http.get(f"/api/staff/cases/{case_id}").status_code == 404
    finally:
        service.kill()
