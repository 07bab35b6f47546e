"""Fixtures for the fleet tests: the city CA in a temporary central data dir, and a private mTLS broker
running the production configuration for three units in two offices and central's identities; and `city`:
the test bed's secured broker (what `provision init` sets up) with a running central, shared by a module."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from central.db import make_engine
from central.fleet.ca_store import CityCA
from central.fleet.dynsec import EnrolledUnit, central_identities
from testbed.broker import Broker
from testbed.processes import Service
from testbed.services import central_service
from tests.fleet.tls_broker import TlsBroker

UNITS = [EnrolledUnit("cu-a", "honcho"), EnrolledUnit("cu-b", "honcho"), EnrolledUnit("cu-c", "shisho")]
CENTRAL = central_identities(2)


@pytest.fixture
def authority(tmp_path: Path) -> CityCA:
    """The city CA, created in a fresh central data dir."""
    return CityCA.load_or_create(tmp_path / "central")


@pytest.fixture
def fleet_broker(tmp_path: Path, authority: CityCA) -> Iterator[TlsBroker]:
    """mosquitto with the generated mTLS config and ACL for UNITS and CENTRAL."""
    broker = TlsBroker(tmp_path / "broker", authority)
    broker.write(UNITS, CENTRAL)
    broker.start()
    yield broker
    broker.stop()


@dataclass
class City:
    """The city's secured broker (as `provision init` sets it up) and central, shared by a module's tests."""

    workdir: Path
    broker: Broker
    central: Service

    @property
    def data_dir(self) -> Path:
        """Central's data dir."""
        return self.workdir / "central"

    @property
    def engine(self) -> Engine:
        """Central's database."""
        return make_engine(f"sqlite:///{self.data_dir / 'central.db'}")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    """A secured broker and central on SQLite, for the module's tests (each makes its own units)."""
    workdir = tmp_path_factory.mktemp("city")
    broker = Broker(workdir / "broker", workdir / "central").start()
    central = central_service(workdir, broker.url).start()
    yield City(workdir, broker, central)
    central.kill()
    broker.stop()
