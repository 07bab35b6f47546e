"""A broker outage never holds up a call; once the broker is back, the office's newest state is retained."""

import time
from pathlib import Path

from central.fleet.publisher import WAIT_FOR_SESSION
from testbed.broker import Broker
from testbed.processes import Service
from tests.queue.support import counter, published_where
from tests.staff.support import StaffCentral, login

OFFICE = "outage"


def test_calls_go_on_during_a_broker_outage_and_the_newest_state_follows(
    tmp_path: Path, broker: Broker, central: Service
) -> None:
    staff = StaffCentral(tmp_path, central, broker)
    staff.seed_users([("desk_staff", "staff", (OFFICE,))])
    desk = login(staff, "desk_staff")
    broker.stop()
    started = time.monotonic()
    for _ in range(3):
        response = desk.post_form("/staff/queue/shimin/issue", {"office": OFFICE, "counters": "shimin"})
        assert response.status_code == 303, response.text
    response = desk.post_form("/staff/queue/shimin/next", {"office": OFFICE, "desk": "1"})
    assert response.status_code == 303, response.text
    # four actions: waiting on the broker would have cost WAIT_FOR_SESSION (10 s) each
    assert time.monotonic() - started < WAIT_FOR_SESSION
    broker.start()
    state = published_where(staff, OFFICE, lambda state: counter(state, "shimin") == (2, ["W002", "W003"]))
    assert [call.ticket for call in state.calls] == ["W001"]
