"""Signed webhooks: each approved procedure arrives exactly once despite failures; dead letters."""

import random
from collections.abc import Iterator

import pytest

from testbed.households import citizen
from tests.spine.helpers import wait_until
from tests.staff.receiver import Receiver
from tests.staff.support import StaffCentral, login, wait_for_case
from tests.staff.test_export import approve_all


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver(fail_first=2).start()
    yield running
    running.stop()


def register(central: StaffCentral, receiver: Receiver, *procedures: str) -> None:
    args = [arg for procedure in procedures for arg in ("--procedure", procedure)]
    receiver.secret = central.cli("webhook", "add", receiver.url, *args).stdout.decode().strip()


def test_each_approved_procedure_arrives_once_signed(staff_central: StaffCentral, receiver: Receiver) -> None:
    register(staff_central, receiver)
    client = login(staff_central, "honcho_staff")
    case_ids = [staff_central.sync(citizen(random.Random(seed), seed)) for seed in (51, 52)]
    expected = set()
    for case_id in case_ids:
        case = wait_for_case(client, case_id)
        approve_all(client, case_id, case)
        expected |= {(case_id, p["id"]) for p in case["summary"]["procedures"]}

    def all_arrived() -> bool:
        return {(item["case_id"], item["procedure_id"]) for item in receiver.accepted} >= expected

    wait_until(all_arrived, timeout=60, what="every approved procedure delivered")
    mine = [
        (item["case_id"], item["procedure_id"]) for item in receiver.accepted if item["case_id"] in case_ids
    ]
    assert sorted(mine) == sorted(expected), "each exactly once"
    assert receiver.bad_signatures == 0
    assert all(count == 3 for count in receiver.attempts.values()), "two injected failures, then success"
    assert all(item["approved_by"] == "honcho_staff" for item in receiver.accepted)


def test_refused_deliveries_go_to_the_dead_letters_and_can_be_resent(staff_central: StaffCentral) -> None:
    receiver = Receiver(status=400).start()
    try:
        register(staff_central, receiver, "tennyu_todoke")
        client = login(staff_central, "honcho_staff")
        case_id = staff_central.sync(citizen(random.Random(53), 53))
        approve_all(client, case_id, wait_for_case(client, case_id))
        boss = login(staff_central, "honcho_boss")

        def dead() -> list[dict[str, object]]:
            rows = boss.http.get("/api/staff/webhooks").json()
            return [row for row in rows if row["case_id"] == case_id and row["status"] == "dead"]

        wait_until(lambda: bool(dead()), timeout=30, what="a dead letter")
        [letter] = dead()
        assert letter["procedure_id"] == "tennyu_todoke"
        assert client.http.get("/api/staff/webhooks").status_code == 403, "staff cannot read the dead letters"
        receiver.status = 200  # the core system is fixed
        assert boss.post_form(f"/staff/webhooks/{letter['id']}/resend").status_code == 303
        wait_until(lambda: any(item["case_id"] == case_id for item in receiver.accepted), what="the re-send")
        assert [item["procedure_id"] for item in receiver.accepted if item["case_id"] == case_id] == [
            "tennyu_todoke"
        ]
    finally:
        receiver.stop()
