"""One central (SQLite, private broker) for the queue tests, with a user at the offices they use.

Each test works in its own office, so tests never see each other's tickets.
"""

from collections.abc import Iterator

import pytest

from testbed.broker import Broker
from testbed.services import central_service
from tests.queue.support import OFFICES
from tests.staff.support import StaffCentral


@pytest.fixture(scope="module")
def queue_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffCentral]:
    """Central with `desk_staff` at every test office and `other_staff` at another one."""
    workdir = tmp_path_factory.mktemp("queue")
    broker = Broker(workdir / "broker", workdir / "central").start()
    service = central_service(workdir, broker.url).start(timeout=60)
    central = StaffCentral(workdir, service, broker)
    central.seed_users([("desk_staff", "staff", OFFICES), ("other_staff", "staff", ("elsewhere",))])
    yield central
    service.kill()
    broker.stop()
