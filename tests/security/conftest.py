"""Central serving HTTP only (no broker, no ingest), shared by a module's tests of its public pages."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from testbed.processes import Service
from testbed.services import central_service


@pytest.fixture(scope="module")
def http_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """`madoguchi central serve` on SQLite without a broker: the public and staff pages alone."""
    service = central_service(Path(tmp_path_factory.mktemp("central")), broker_url=None).start()
    yield service
    service.kill()
