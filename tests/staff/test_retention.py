"""Retention: cases past the period are purged by the scheduled job's code, and each purge is logged."""

import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from central.db import make_engine
from central.models import CaseKey, CaseVersion
from testbed.broker import Broker
from testbed.households import citizen
from testbed.processes import Service
from tests.spine.helpers import case_ids
from tests.staff.support import StaffCentral, login, wait_for_case


def test_purge_deletes_expired_cases_and_logs_it(tmp_path: Path, broker: Broker, central: Service) -> None:
    staff_central = StaffCentral(tmp_path, central, broker)
    staff_central.add_user("boss", role="supervisor")
    client = login(staff_central, "boss")
    old = staff_central.sync(citizen(random.Random(61), 61))
    created = datetime.fromisoformat(wait_for_case(client, old)["summary"]["created_at"])
    cutoff = (created + timedelta(milliseconds=1)).isoformat()  # the unit stamps cases to the millisecond
    fixed = {"field": "applicant.name", "value": "訂正　花子"}  # a version and search keys to purge too
    assert client.post_form(f"/staff/cases/{old}/corrections", fixed).status_code == 303
    new = staff_central.sync(citizen(random.Random(62), 62))
    wait_for_case(client, new)
    assert staff_central.cli("purge", "--before", cutoff).stdout.strip() == b"1"
    engine = make_engine(f"sqlite:///{staff_central.data_dir / 'central.db'}")
    with Session(engine) as session:
        for table in (CaseVersion, CaseKey):
            assert not session.exec(select(table).where(table.case_id == old)).all()
    engine.dispose()
    assert client.http.get(f"/api/staff/cases/{old}").status_code == 404
    assert client.http.get(f"/api/staff/cases/{new}").status_code == 200
    assert case_ids(tmp_path) == {new}
    purges = [
        entry for entry in client.http.get("/api/staff/access-log").json() if entry["action"] == "purge"
    ]
    assert [(entry["case_id"], entry["user"]) for entry in purges] == [(old, "retention")]
    assert staff_central.cli("purge").stdout.strip() == b"0", "nothing is five years old"
