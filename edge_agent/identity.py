"""The counter unit's identity: its two keys, its unit id and certificate, the city's and central's keys.

A unit holds two keys with two jobs: an Ed25519 device key that signs its envelopes, and a P-256 TLS key that
the city CA certifies for the broker. On first boot it makes both and enrols with a single-use token or its
approved serial number, sending its device key, a CSR for its TLS key and proof that it holds the device key;
neither private key ever leaves the unit. Later boots load what it saved. Before its certificate expires the
unit renews it by itself (`renew`): a new TLS key, and a request signed with its device key. The TLS files are
numbered, and identity.json names the current pair only once both are on disk, so a crash mid-renewal leaves
the old pair in use. Every key file is 0600. No personal data here.
"""

import base64
import json
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import msgspec
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from protocol.enrolment import (
    EnrolRequest,
    EnrolResponse,
    Refusal,
    RenewResponse,
    enrol_proof,
    make_csr,
    renew_request,
    renewal_due,
)
from protocol.keys import CityPublicKey, device_private_key, raw_public
from protocol.mqtt import TlsFiles
from protocol.qr_seal import CounterKey
from protocol.secret_file import write_secret_file

KEY_FILE = "device.key"
COUNTER_KEY_FILE = "counter.key"
IDENTITY_FILE = "identity.json"
CA_FILE = "ca.pem"
SERIAL_SOURCES = (Path("/sys/firmware/devicetree/base/serial-number"), Path("/proc/cpuinfo"))
"""Where a Raspberry Pi shows its serial number (the device tree, else the `Serial` line of cpuinfo)."""


class EnrolmentError(RuntimeError):
    """Enrolment or renewal was refused or impossible; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who this unit is, whom it seals to, and how it proves itself to the broker."""

    device_id: str
    office_id: str
    profile: str
    city: CityPublicKey
    broker_url: str
    central_url: str
    signer: ed25519.Ed25519PrivateKey
    counter: CounterKey
    central: ed25519.Ed25519PublicKey
    """Central's signing key: only what it signed (acks, configs, commands) is believed."""
    tls: TlsFiles
    generation: int
    """Which numbered TLS key and certificate are current (1 at enrolment, one more per renewal)."""

    def certificate(self) -> x509.Certificate:
        """The unit's current client certificate."""
        return x509.load_pem_x509_certificate(self.tls.cert.read_bytes())


def tls_files(data_dir: Path, generation: int) -> TlsFiles:
    """The numbered TLS key and certificate, beside the city CA's certificate."""
    return TlsFiles(
        data_dir / CA_FILE, data_dir / f"tls-{generation}.pem", data_dir / f"tls-{generation}.key"
    )


def _device_key(data_dir: Path) -> ed25519.Ed25519PrivateKey:
    path = data_dir / KEY_FILE
    if path.exists():
        return device_private_key(path.read_bytes())
    key = ed25519.Ed25519PrivateKey.generate()
    write_secret_file(path, key.private_bytes_raw())
    return key


def _new_tls_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key, written 0600 before its CSR goes anywhere."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_secret_file(path, pem, replace=True)
    return key


def load_identity(data_dir: Path) -> Identity | None:
    """Load a saved identity, or None if this unit has not enrolled yet."""
    path = data_dir / IDENTITY_FILE
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    if "tls" not in saved:
        raise EnrolmentError(
            f"{path} predates the unit's certificate: enrol this unit again (a demo: madoguchi demo --reset)"
        )
    return Identity(
        device_id=saved["device_id"],
        office_id=saved["office_id"],
        profile=saved["profile"],
        city=CityPublicKey.from_bytes(base64.b64decode(saved["city_public_key"])),
        broker_url=saved["broker_url"],
        central_url=saved["central_url"],
        signer=_device_key(data_dir),
        counter=CounterKey.from_bytes((data_dir / COUNTER_KEY_FILE).read_bytes()),
        central=ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(saved["central_key"])),
        tls=tls_files(data_dir, int(saved["tls"])),
        generation=int(saved["tls"]),
    )


def _post(url: str, body: msgspec.Struct, timeout: float) -> bytes:
    """POST JSON to central; EnrolmentError with central's reason unless it answers 201."""
    try:
        response = httpx.post(
            url,
            content=msgspec.json.encode(body),
            headers={"content-type": "application/json"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise EnrolmentError(f"cannot reach central at {url}: {type(exc).__name__}") from exc
    if response.status_code != 201:
        try:
            reason = msgspec.json.decode(response.content, type=Refusal).detail
        except msgspec.DecodeError:
            reason = response.text[:200]
        raise EnrolmentError(f"central refused ({response.status_code}): {reason}")
    return response.content


def _serial_in(text: str) -> str:
    """The `Serial` line of cpuinfo, or a file that holds only a serial number (the device tree's)."""
    found = re.search(r"(?m)^Serial\s*:\s*(\S+)", text)
    if found:
        return found.group(1)
    single = text.strip("\x00\n ")
    return single if re.fullmatch(r"[0-9A-Za-z-]{4,64}", single) else ""


def machine_serial(sources: tuple[Path, ...] = SERIAL_SOURCES) -> str:
    """This board's serial number (a Raspberry Pi's), or EnrolmentError if it shows none."""
    for source in sources:
        try:
            serial = _serial_in(source.read_bytes().decode(errors="replace"))
        except OSError:
            continue
        if serial.strip("0"):  # boards without one show zeros
            return serial
    raise EnrolmentError("this machine shows no serial number: enrol with --token instead")


def enrol(
    data_dir: Path, central_url: str, *, token: str = "", serial: str = "", office: str = ""
) -> Identity:
    """Enrol with central (a token, or a serial number IT approved) and save the resulting identity."""
    data_dir.mkdir(parents=True, exist_ok=True)
    signer = _device_key(data_dir)
    files = tls_files(data_dir, 1)
    csr = make_csr(_new_tls_key(files.key), socket.gethostname())
    request = EnrolRequest(
        public_key=raw_public(signer),
        csr=csr,
        proof=enrol_proof(signer, csr),
        token=token,
        serial=serial,
        office_id=office,
        hostname=socket.gethostname()[:128],
    )
    try:
        content = _post(central_url.rstrip("/") + "/api/enrol", request, timeout=30.0)
    except EnrolmentError as exc:
        raise EnrolmentError(f"enrolment: {exc}") from exc
    answer = msgspec.json.decode(content, type=EnrolResponse)
    write_secret_file(files.cert, answer.certificate.encode(), replace=True)
    write_secret_file(files.ca, answer.ca_chain.encode(), replace=True)
    write_secret_file(data_dir / COUNTER_KEY_FILE, answer.counter_key, replace=True)
    saved = {
        "device_id": answer.device_id,
        "office_id": answer.office_id,
        "profile": answer.profile,
        "city_public_key": base64.b64encode(answer.city_public_key).decode(),
        "broker_url": answer.broker_url,
        "central_url": central_url,
        "central_key": base64.b64encode(answer.central_key).decode(),
        "tls": 1,
    }
    write_secret_file(data_dir / IDENTITY_FILE, json.dumps(saved, indent=2).encode(), replace=True)
    identity = load_identity(data_dir)
    assert identity is not None
    return identity


def certificate_due(identity: Identity, now: datetime | None = None) -> bool:
    """Whether the unit's certificate is due for renewal."""
    return renewal_due(identity.certificate(), now or datetime.now(UTC))


def renew(data_dir: Path, identity: Identity) -> Identity:
    """Renew the unit's certificate with a new TLS key, signed by its device key; returns the new identity."""
    generation = identity.generation + 1
    files = tls_files(data_dir, generation)
    csr = make_csr(_new_tls_key(files.key), socket.gethostname())
    request = renew_request(identity.signer, identity.device_id, csr, datetime.now(UTC))
    try:
        content = _post(identity.central_url.rstrip("/") + "/api/enrol/renew", request, timeout=30.0)
    except EnrolmentError as exc:
        files.key.unlink(missing_ok=True)
        raise EnrolmentError(f"certificate renewal: {exc}") from exc
    answer = msgspec.json.decode(content, type=RenewResponse)
    write_secret_file(files.cert, answer.certificate.encode(), replace=True)
    write_secret_file(files.ca, answer.ca_chain.encode(), replace=True)
    saved = json.loads((data_dir / IDENTITY_FILE).read_text())
    saved["tls"] = generation
    write_secret_file(data_dir / IDENTITY_FILE, json.dumps(saved, indent=2).encode(), replace=True)
    identity.tls.cert.unlink(missing_ok=True)
    identity.tls.key.unlink(missing_ok=True)
    renewed = load_identity(data_dir)
    assert renewed is not None
    return renewed
