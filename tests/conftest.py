"""Fixtures every part's tests share: a private Mosquitto, central and edge processes, the PC/SC stack."""

import fcntl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser
from xdist.remote import Producer

from edge_agent.hardware.pcsc_stack import running_pcscd
from testbed.broker import Broker
from testbed.postgres import PrivatePostgres
from testbed.processes import Service
from testbed.services import central_service
from tests.support.browser import chromium
from tests.support.scheduling import PcscOnOneWorker

READER_LOCK = Path("/tmp/madoguchi-pcsc.lock")


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> PcscOnOneWorker:
    """Under pytest-xdist (`make test`) the PC/SC tests run on one worker, one after another."""
    return PcscOnOneWorker(config, log)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def pcsc_stack() -> Iterator[None]:
    """pcscd with vpcd for the whole run. The machine has one set of virtual readers, so a run holds them
    (a lock file) and a run from another checkout waits its turn instead of taking over a card."""
    with READER_LOCK.open("a") as lock:
        _wait_for_readers(lock)
        with running_pcscd():
            yield


def _wait_for_readers(lock: IO[str], timeout: float = 240.0) -> None:
    """Take the reader lock, failing with a reason (not pytest-timeout's stack dump) if it stays taken."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                pytest.fail(f"another test run holds the virtual card readers ({READER_LOCK})")
            time.sleep(0.5)


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
