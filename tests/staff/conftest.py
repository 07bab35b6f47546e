"""One central (SQLite, private broker) for the whole staff suite, with users at two offices.

Tests share it, so each test makes its own cases and never counts what others made.
"""

from collections.abc import Iterator

import pytest

from central.webhooks.targets import ALLOW_ENV
from testbed.broker import Broker
from testbed.services import central_service
from tests.staff.support import StaffCentral


@pytest.fixture(scope="session", autouse=True)
def loopback_receivers() -> Iterator[None]:
    """Test webhook receivers listen on 127.0.0.1: the allow-list names it for the staff suite's centrals."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ALLOW_ENV, "127.0.0.1")
        yield


@pytest.fixture(scope="session")
def staff_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffCentral]:
    """Central with staff `honcho_staff` and supervisor `honcho_boss` at honcho, and `kita_staff` at kita."""
    workdir = tmp_path_factory.mktemp("staff")
    broker = Broker(workdir / "broker", workdir / "central").start()
    service = central_service(workdir, broker.url).start(timeout=60)
    central = StaffCentral(workdir, service, broker)
    central.seed_users(
        [
            ("honcho_staff", "staff", ("honcho",)),
            ("honcho_boss", "supervisor", ("honcho",)),
            ("kita_staff", "staff", ("kita",)),
        ]
    )
    yield central
    service.kill()
    broker.stop()
