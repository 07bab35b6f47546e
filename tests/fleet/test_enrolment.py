"""Enrolment on a running central and the city's broker: who may enrol, every refusal with its reason, and a
unit that enrolled connecting at once with the certificate it got for its own key."""

import asyncio
import hashlib
import random
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import msgspec
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from sqlalchemy import update

from central.fleet.grants import add_serial, approve_serial, issue_token
from central.models import EnrolmentToken
from edge_agent.identity import EnrolmentError, machine_serial
from protocol import topics
from protocol.enrolment import SMALL_ORDER, EnrolRequest, Refusal, enrol_proof, make_csr
from testbed.households import citizen
from testbed.services import EMULATED_PROFILE, MADOGUCHI, ROOT, edge_service
from testbed.simulated import SimulatedDevice, enrolment_request, post_enrolment
from tests.fleet.conftest import City
from tests.spine.helpers import case_ids, wait_until


def refusal(city: City, request: EnrolRequest) -> tuple[int, str]:
    """(status, reason) of an enrolment central refuses."""
    response = post_enrolment(city.central.base_url, request)
    assert response.status_code != 201, "central enrolled what it should refuse"
    return response.status_code, msgspec.json.decode(response.content, type=Refusal).detail


def fresh_request(**grant: str) -> EnrolRequest:
    return enrolment_request(
        ed25519.Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1()), **grant
    )


def token(city: City, office: str = "honcho") -> str:
    return issue_token(city.engine, office)


def test_a_token_enrols_one_unit_which_connects_at_once_and_is_ingested(city: City, tmp_path: Path) -> None:
    unit = SimulatedDevice.enrol(city.central.base_url, token(city))
    cert = x509.load_pem_x509_certificate(unit.certificate)
    assert cert.subject.rfc4514_string() == f"CN={unit.device_id}"  # the CA chose the name, not the CSR
    assert unit.broker_url == city.broker.url
    assert unit.broker_url.startswith("mqtts://")
    sid, wire = unit.seal(citizen(random.Random(1), 1))

    async def send() -> None:
        async with unit.client(tmp_path) as client:  # admitted to the running broker during enrolment
            await client.publish(topics.submissions(unit.device_id), wire, qos=1)

    asyncio.run(send())
    wait_until(lambda: sid in case_ids(city.workdir), what="the new unit's first case at central")


def test_a_used_expired_unknown_or_other_offices_token_is_refused_saying_why(city: City) -> None:
    used = token(city)
    SimulatedDevice.enrol(city.central.base_url, used)
    assert refusal(city, fresh_request(token=used)) == (403, "enrolment token already used: issue a new one")

    expired = token(city)
    table = EnrolmentToken.__table__  # type: ignore[attr-defined]
    with city.engine.begin() as conn:
        hashed = hashlib.sha256(expired.encode()).hexdigest()
        moment = datetime.now(UTC) - timedelta(minutes=1)
        conn.execute(update(table).where(table.c.token_sha256 == hashed).values(expires_at=moment))
    assert refusal(city, fresh_request(token=expired)) == (403, "enrolment token expired: issue a new one")

    assert refusal(city, fresh_request(token="no-such-token")) == (403, "unknown enrolment token")

    elsewhere = token(city, "shisho")
    assert refusal(city, fresh_request(token=elsewhere, office_id="honcho")) == (
        403,
        "wrong office: this token is for shisho, not honcho",
    )
    assert SimulatedDevice.enrol(city.central.base_url, elsewhere).office_id == "shisho", "nothing was spent"


def test_serial_numbers_enrol_once_registered_and_approved_by_it(city: City) -> None:
    serial = "10000000ABCDEF01"
    assert refusal(city, fresh_request(serial=serial)) == (
        403,
        "unknown serial number 10000000abcdef01: IT registers it (provision serial add)",
    )
    add_serial(city.engine, serial, "honcho", profile="pi5-standard")
    assert refusal(city, fresh_request(serial=serial)) == (
        403,
        "serial number 10000000abcdef01 not yet approved (provision serial approve)",
    )
    approve_serial(city.engine, serial)
    assert refusal(city, fresh_request(serial=serial, office_id="kita"))[1].startswith("wrong office")
    enrolled = post_enrolment(city.central.base_url, fresh_request(serial=serial.lower()))
    assert enrolled.status_code == 201, enrolled.text
    assert (enrolled.json()["office_id"], enrolled.json()["profile"]) == ("honcho", "pi5-standard")
    status, reason = refusal(city, fresh_request(serial=serial))
    assert (status, reason) == (
        403,
        f"serial number 10000000abcdef01 already enrolled {enrolled.json()['device_id']}: approve it again",
    )
    approve_serial(city.engine, serial)  # the board was reinstalled: IT approves it again
    assert post_enrolment(city.central.base_url, fresh_request(serial=serial)).status_code == 201


def test_malformed_requests_are_refused_with_422_saying_why(city: City) -> None:
    signer, tls_key = ed25519.Ed25519PrivateKey.generate(), ec.generate_private_key(ec.SECP256R1())
    good = enrolment_request(signer, tls_key, token=token(city))
    cases = {
        "the device key is not a valid Ed25519 key (small order, e.g. all zeros)": msgspec.structs.replace(
            good, public_key=bytes(32)
        ),
        "the device key must be 32 bytes (Ed25519), got 31": msgspec.structs.replace(
            good, public_key=bytes(31)
        ),
        "malformed CSR: not a PEM certificate signing request": msgspec.structs.replace(
            good, csr="not a CSR"
        ),
        "malformed CSR: the key must be ECDSA P-256": msgspec.structs.replace(
            good,
            csr=(other := make_csr(ec.generate_private_key(ec.SECP384R1()), "x")),
            proof=enrol_proof(signer, other),
        ),
        "the proof does not verify: the device key did not sign this CSR": msgspec.structs.replace(
            good, proof=ed25519.Ed25519PrivateKey.generate().sign(b"something else")
        ),
        "give either an enrolment token or a serial number": msgspec.structs.replace(good, token=""),
    }
    for reason, request in cases.items():
        assert refusal(city, request) == (422, reason)
    for small in SMALL_ORDER:
        status, reason = refusal(city, msgspec.structs.replace(good, public_key=small))
        assert (status, reason.split(" (")[0]) == (422, "the device key is not a valid Ed25519 key")
    assert post_enrolment(city.central.base_url, good).status_code == 201, "the token was never spent"


def test_the_unit_prints_why_it_was_refused_and_a_later_start_needs_no_token(
    city: City, tmp_path: Path
) -> None:
    argv = [
        *MADOGUCHI,
        "edge",
        "run",
        "--profile",
        str(EMULATED_PROFILE),
        "--data-dir",
        str(tmp_path / "unit"),
    ]
    argv += ["--central", city.central.base_url, "--token", "no-such-token"]
    refused = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode == 1
    assert "enrolment: central refused (403): unknown enrolment token" in refused.stderr
    argv = [*argv[:-4], "--listen", "127.0.0.1:1"]
    unenrolled = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert "this unit is not enrolled" in unenrolled.stderr


def test_every_blocked_device_key_really_has_small_order() -> None:
    """Edwards25519 arithmetic (RFC 8032): 8 times each listed point is the neutral point."""
    p = 2**255 - 19
    d = -121665 * pow(121666, p - 2, p) % p

    def point(raw: bytes, sign: int) -> tuple[int, int] | None:
        y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
        x2 = (y * y - 1) * pow(d * y * y + 1, p - 2, p) % p
        x = pow(x2, (p + 3) // 8, p)
        x = x if (x * x - x2) % p == 0 else x * pow(2, (p - 1) // 4, p) % p
        if (x * x - x2) % p:
            return None
        return (p - x if (x & 1) != sign and x else x, y % p)

    def add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
        t = d * a[0] * b[0] * a[1] * b[1]
        return (
            (a[0] * b[1] + b[0] * a[1]) * pow(1 + t, p - 2, p) % p,
            (a[1] * b[1] + a[0] * b[0]) * pow(1 - t, p - 2, p) % p,
        )

    for raw in SMALL_ORDER:
        start = point(raw, 0)
        assert start is not None, raw.hex()
        multiple = start
        for _ in range(3):
            multiple = add(multiple, multiple)
        assert multiple == (0, 1), f"{raw.hex()} times 8 is not the neutral point"
    assert len(SMALL_ORDER) == 7


def test_a_unit_enrols_by_its_approved_serial_number(city: City, tmp_path: Path) -> None:
    add_serial(city.engine, "00000000c0ffee42", "kita")
    approve_serial(city.engine, "00000000c0ffee42")
    unit = edge_service(tmp_path, city.central, token="", name="by-serial")
    at = unit.argv.index("--token")
    unit.argv[at : at + 2] = ["--serial", "00000000C0FFEE42", "--office", "kita"]
    unit.start()
    try:
        assert httpx.get(unit.health_url, timeout=10).json()["office_id"] == "kita"
    finally:
        unit.kill(signal.SIGTERM)


def test_the_boards_serial_number_is_read_where_a_pi_shows_it(tmp_path: Path) -> None:
    devicetree, cpuinfo, bare = tmp_path / "serial-number", tmp_path / "cpuinfo", tmp_path / "x86-cpuinfo"
    devicetree.write_bytes(b"10000000abcdef01\x00")
    cpuinfo.write_text("processor\t: 0\nModel\t\t: Raspberry Pi 5\nSerial\t\t: 2c3a4b5d6e7f8091\n")
    bare.write_text("processor\t: 0\nmodel name\t: QEMU\n")
    assert machine_serial((devicetree, cpuinfo)) == "10000000abcdef01"
    assert machine_serial((tmp_path / "absent", cpuinfo)) == "2c3a4b5d6e7f8091"
    zeros = tmp_path / "zeros"
    zeros.write_text("Serial\t\t: 0000000000000000\n")
    with pytest.raises(EnrolmentError, match="shows no serial number"):
        machine_serial((zeros, bare, tmp_path / "absent"))
