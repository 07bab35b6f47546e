"""The counter unit's identity: its own Ed25519 key, its device id, the city's and central's keys, the broker.

On first boot the unit makes its key and enrols with a single-use token; afterwards it loads what it
saved. The private key file is created 0600 and never leaves the unit. No personal data here.
"""

import base64
import json
import socket
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol.enrolment import EnrolRequest, EnrolResponse
from protocol.keys import CityPublicKey, device_private_key, raw_public
from protocol.qr_seal import CounterKey
from protocol.secret_file import write_secret_file

KEY_FILE = "device.key"
COUNTER_KEY_FILE = "counter.key"
IDENTITY_FILE = "identity.json"


class EnrolmentError(RuntimeError):
    """Enrolment was refused or impossible; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who this unit is and whom it seals to."""

    device_id: str
    office_id: str
    city: CityPublicKey
    broker_url: str
    signer: ed25519.Ed25519PrivateKey
    counter: CounterKey
    central: ed25519.Ed25519PublicKey
    """Central's signing key: only what it signed (acks, configs, commands) is believed."""


def _device_key(data_dir: Path) -> ed25519.Ed25519PrivateKey:
    path = data_dir / KEY_FILE
    if path.exists():
        return device_private_key(path.read_bytes())
    key = ed25519.Ed25519PrivateKey.generate()
    write_secret_file(path, key.private_bytes_raw())
    return key


def load_identity(data_dir: Path) -> Identity | None:
    """Load a saved identity, or None if this unit has not enrolled yet."""
    path = data_dir / IDENTITY_FILE
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    if "central_key" not in saved:
        raise EnrolmentError(
            f"{path} predates signed acks: enrol this unit again (a demo: madoguchi demo --reset)"
        )
    return Identity(
        device_id=saved["device_id"],
        office_id=saved["office_id"],
        city=CityPublicKey.from_bytes(base64.b64decode(saved["city_public_key"])),
        broker_url=saved["broker_url"],
        signer=_device_key(data_dir),
        counter=CounterKey.from_bytes((data_dir / COUNTER_KEY_FILE).read_bytes()),
        central=ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(saved["central_key"])),
    )


def enrol(data_dir: Path, central_url: str, token: str, timeout: float = 30.0) -> Identity:
    """Enrol with central using a single-use token and save the resulting identity."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key = _device_key(data_dir)
    request = EnrolRequest(token=token, public_key=raw_public(key), hostname=socket.gethostname())
    try:
        response = httpx.post(
            central_url.rstrip("/") + "/api/enrol",
            content=msgspec.json.encode(request),
            headers={"content-type": "application/json"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise EnrolmentError(f"cannot reach central at {central_url}: {exc}") from exc
    if response.status_code != 201:
        raise EnrolmentError(f"central refused enrolment ({response.status_code}): {response.text[:200]}")
    answer = msgspec.json.decode(response.content, type=EnrolResponse)
    saved = {
        "device_id": answer.device_id,
        "office_id": answer.office_id,
        "city_public_key": base64.b64encode(answer.city_public_key).decode(),
        "broker_url": answer.broker_url,
        "central_key": base64.b64encode(answer.central_key).decode(),
    }
    write_secret_file(data_dir / COUNTER_KEY_FILE, answer.counter_key, replace=True)
    write_secret_file(data_dir / IDENTITY_FILE, json.dumps(saved, indent=2).encode(), replace=True)
    identity = load_identity(data_dir)
    assert identity is not None
    return identity
