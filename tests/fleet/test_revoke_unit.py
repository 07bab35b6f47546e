"""`madoguchi provision revoke` on a running fleet: the revoked unit is dropped from the broker at once and
refused when it tries again, while central goes on ingesting from the other units; the counter key is rotated,
the new one reaches the other units, and the revoked unit's configuration (its copy of the old key) leaves the
broker."""

import random
import signal
import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from sqlmodel import Session

from central.fleet.channel import CLEARED
from central.fleet.counter_keys import load_counter_keys
from central.fleet.grants import issue_token
from central.fleet.tables import UnitChannel
from testbed.households import citizen, facts_json
from testbed.processes import Service
from testbed.services import MADOGUCHI, ROOT, edge_service
from tests.fleet.conftest import City
from tests.spine.helpers import case_ids, wait_until

REFUSED = "certificate verify failed"
"""What mosquitto logs when it refuses a client's certificate (a revoked one among others)."""


def health(unit: Service) -> dict[str, object]:
    answer: dict[str, object] = httpx.get(unit.health_url, timeout=10).json()
    return answer


def connected(unit: Service) -> bool:
    return health(unit)["broker_connected"] is True


def submit(unit: Service, serial: int) -> str:
    body = facts_json(citizen(random.Random(serial), serial))
    created = httpx.post(
        f"{unit.base_url}/api/submissions",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["submission_id"])


@pytest.fixture
def units(city: City, tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    """Two counter units of the same office, enrolled and connected."""
    started = [
        edge_service(tmp_path, city.central, issue_token(city.engine, "honcho"), name=name).start()
        for name in ("lost", "kept")
    ]
    try:
        for unit in started:
            wait_until(partial(connected, unit), what="a connection")
        yield started[0], started[1]
    finally:
        for unit in started:
            unit.kill(signal.SIGTERM)


def revoke(city: City, unit_id: str) -> subprocess.CompletedProcess[str]:
    argv = [*MADOGUCHI, "provision", "revoke", "--central-data", str(city.data_dir), unit_id]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_a_revoked_unit_is_dropped_and_refused_while_the_others_go_on(
    city: City, units: tuple[Service, Service]
) -> None:
    lost, kept = units
    lost_id = str(health(lost)["device_id"])
    before = {submit(lost, 1), submit(kept, 2)}
    wait_until(lambda: before <= case_ids(city.workdir), what="both units' cases")
    old_key = counter_key_id(city)
    wait_until(lambda: fleet(kept)["counter_key_id"] == old_key, what="the kept unit's counter key")
    done = revoke(city, lost_id)
    assert done.returncode == 0, done.stderr
    new_key = counter_key_id(city)
    assert new_key != old_key
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"central refuses {lost_id}'s envelopes")
    assert lines[1].startswith(
        f"counter key rotated (new key {new_key}): central pushes it to every other unit"
    )
    assert lines[2:] == [
        "revoked 1 certificate(s); the broker reloaded its CRL and refuses them",
        f"removed {lost_id} from the broker's access rules (its connection, if any, is gone)",
    ]
    log = city.broker.workdir / "mosquitto.log"
    refusals_before = log.read_text().count(REFUSED)  # after the command's own check that it is refused

    wait_until(lambda: not connected(lost), what="the lost unit to be dropped")
    stranded = submit(lost, 3)
    wait_until(
        lambda: log.read_text().count(REFUSED) > refusals_before,
        what="the lost unit to try again and be refused",
    )
    after = submit(kept, 4)
    wait_until(lambda: after in case_ids(city.workdir), what="the kept unit's case after the revocation")
    assert stranded not in case_ids(city.workdir)
    assert health(lost)["broker_connected"] is False
    assert health(lost)["outbox_depth"] == 1
    assert httpx.get(f"{city.central.base_url}/health", timeout=10).json()["broker_connected"] is True

    crl = x509.load_pem_x509_crl((city.broker.files / "crl.pem").read_bytes())
    revoked_serials = {entry.serial_number for entry in crl}
    lost_cert = x509.load_pem_x509_certificate((lost_dir(lost) / "tls-1.pem").read_bytes())
    assert lost_cert.serial_number in revoked_serials
    wait_until(lambda: fleet(kept)["counter_key_id"] == new_key, what="the new counter key at the kept unit")
    wait_until(lambda: published(city, lost_id) == CLEARED, what="the lost unit's configuration cleared")
    again = revoke(city, lost_id)
    assert again.returncode == 0, again.stderr  # a second run finishes what an interrupted one left
    assert again.stdout.splitlines()[1] == f"counter key: already rotated for {lost_id}"
    assert counter_key_id(city) == new_key


def fleet(unit: Service) -> dict[str, object]:
    report: dict[str, object] = health(unit)["fleet"]  # type: ignore[assignment]
    return report


def counter_key_id(city: City) -> str:
    return load_counter_keys(city.data_dir).current.key_id.hex()


def published(city: City, unit_id: str) -> str:
    """What central last left retained on the unit's config topic."""
    with Session(city.engine) as session:
        row = session.get(UnitChannel, unit_id)
        return row.published if row else ""


def lost_dir(unit: Service) -> Path:
    return Path(unit.argv[unit.argv.index("--data-dir") + 1])
