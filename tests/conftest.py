"""Fixtures every part's tests share: a private Mosquitto, central and edge processes."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from testbed.broker import Broker
from testbed.postgres import PrivatePostgres
from testbed.processes import Service
from testbed.services import central_service


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A private Mosquitto on a free port, with its own config and persistence."""
    running = Broker(tmp_path / "broker", tmp_path / "central").start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL cluster for the whole run; each test takes a fresh database from it."""
    cluster = PrivatePostgres().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def central(tmp_path: Path, broker: Broker) -> Iterator[Service]:
    """`madoguchi central serve` on SQLite, consuming from the private broker."""
    service = central_service(tmp_path, broker.url).start()
    yield service
    service.kill()
