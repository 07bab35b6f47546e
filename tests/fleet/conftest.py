"""Fixtures for the fleet tests: the city CA in a temporary central data dir, and a private mTLS broker
running the production configuration for three units in two offices and one central ingest worker."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from central.fleet.ca_store import CityCA
from central.fleet.dynsec import EnrolledUnit, central_identities
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
