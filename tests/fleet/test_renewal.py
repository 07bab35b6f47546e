"""Certificate renewal without IT: a unit whose certificate is due renews it with a new key, signed by its
device key, and connects with the new one; central refuses renewals that are not the unit's, stale, or for a
revoked unit."""

import json
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import msgspec
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from central.fleet import ca
from central.fleet.ca_store import CityCA
from central.fleet.enrolment import revoke
from central.fleet.grants import issue_token
from protocol.enrolment import Refusal, RenewRequest, make_csr, renew_request, renewal_due
from testbed.services import edge_service
from testbed.simulated import SimulatedDevice
from tests.fleet.conftest import City
from tests.spine.helpers import wait_until


def renew(city: City, request: RenewRequest) -> httpx.Response:
    return httpx.post(
        f"{city.central.base_url}/api/enrol/renew",
        content=msgspec.json.encode(request),
        headers={"content-type": "application/json"},
        timeout=30,
    )


def reason(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, msgspec.json.decode(response.content, type=Refusal).detail


def health(unit_url: str) -> dict[str, object]:
    answer: dict[str, object] = httpx.get(f"{unit_url}/api/health", timeout=10).json()
    return answer


def test_a_unit_renews_a_due_certificate_by_itself_and_connects_with_the_new_one(
    city: City, tmp_path: Path
) -> None:
    unit = edge_service(tmp_path, city.central, issue_token(city.engine, "honcho")).start()
    unit.kill(signal.SIGTERM)
    data = tmp_path / "edge"
    saved = json.loads((data / "identity.json").read_text())
    key = serialization.load_pem_private_key((data / "tls-1.key").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    eleven_months_ago = datetime.now(UTC) - timedelta(days=340)
    authority = CityCA.load_or_create(city.data_dir)
    old = authority.certify_unit(saved["device_id"], make_csr(key, "x").encode(), eleven_months_ago)
    (data / "tls-1.pem").write_bytes(old)
    assert renewal_due(x509.load_pem_x509_certificate(old), datetime.now(UTC))

    unit.start()  # the same command line, token included: it simply starts, and renews
    try:
        wait_until(lambda: json.loads((data / "identity.json").read_text())["tls"] == 2, what="the renewal")
        fresh = x509.load_pem_x509_certificate((data / "tls-2.pem").read_bytes())
        assert fresh.subject.rfc4514_string() == f"CN={saved['device_id']}"
        assert not renewal_due(fresh, datetime.now(UTC))
        assert fresh.public_key() != key.public_key(), "a new key"
        assert not (data / "tls-1.pem").exists()
        assert not (data / "tls-1.key").exists()
        unit.kill(signal.SIGTERM)
        unit.start()  # connects with what it has now
        wait_until(lambda: health(unit.base_url)["broker_connected"] is True, what="a connection")
    finally:
        unit.kill(signal.SIGTERM)
    assert len([item for item in authority.certificates() if item.identity == saved["device_id"]]) == 3


def test_central_renews_only_for_the_unit_itself_now_and_never_once_revoked(city: City) -> None:
    unit = SimulatedDevice.enrol(city.central.base_url, issue_token(city.engine, "honcho"))
    csr = make_csr(ec.generate_private_key(ec.SECP256R1()), "x")
    now = datetime.now(UTC)

    good = renew(city, renew_request(unit.signer, unit.device_id, csr, now))
    assert good.status_code == 201, good.text
    cert = x509.load_pem_x509_certificate(good.json()["certificate"].encode())
    assert cert.subject.rfc4514_string() == f"CN={unit.device_id}"
    assert cert.not_valid_after_utc > now + ca.CLIENT_VALIDITY - timedelta(days=1)

    stranger = ed25519.Ed25519PrivateKey.generate()
    assert reason(renew(city, renew_request(stranger, unit.device_id, csr, now))) == (
        403,
        "the renewal request is not signed by the unit's device key",
    )
    stale = renew(city, renew_request(unit.signer, unit.device_id, csr, now - timedelta(hours=1)))
    assert reason(stale) == (403, "the renewal request's time is too far from central's clock")
    assert reason(renew(city, renew_request(unit.signer, "cu-nobody", csr, now))) == (
        403,
        "unknown unit cu-nobody",
    )
    revoke(city.engine, unit.device_id)
    assert reason(renew(city, renew_request(unit.signer, unit.device_id, csr, now))) == (
        403,
        f"unit {unit.device_id} is revoked",
    )
