"""The enrolment exchange: a counter unit trades a token or an approved serial number, its two public keys
and a certificate signing request for its identity; later it renews its certificate on its own.

A unit holds two keys with two jobs: its Ed25519 device key signs envelopes (and proves, here, that the unit
holds it), and its P-256 TLS key, made on the unit and never sent anywhere, is what the city CA certifies
for the broker. Both requests carry an Ed25519 signature: the enrolment's over the CSR (proof of
possession), the renewal's over the unit id, the CSR and the time (the unit's current identity is what
authenticates a renewal, so IT is not needed). Everything here is pure: no files, no network, no logging.
"""

from datetime import datetime, timedelta
from typing import Annotated

import msgspec
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

ENROL_DOMAIN = b"madoguchi/v1/enrol-proof\x00"
RENEW_DOMAIN = b"madoguchi/v1/renew-certificate\x00"
RENEW_BEFORE = timedelta(days=30)
"""A certificate with less than this left is due for renewal (units and central's own identities alike)."""
RENEW_CLOCK_SKEW = timedelta(minutes=10)
"""How far a renewal's timestamp may be from central's clock: an old signed request is not replayed."""

Pem = Annotated[str, msgspec.Meta(max_length=4096)]
Short = Annotated[str, msgspec.Meta(max_length=128)]
Raw = Annotated[bytes, msgspec.Meta(max_length=128)]

SMALL_ORDER = frozenset(
    bytes.fromhex(encoding)
    for encoding in (
        "00" * 32,
        "01" + "00" * 31,
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ec" + "ff" * 30 + "7f",
        "ed" + "ff" * 30 + "7f",
        "ee" + "ff" * 30 + "7f",
    )
)
"""Ed25519 public keys of order 1, 2, 4 or 8, with the sign bit cleared (libsodium's list): such a key
proves nothing, since signatures that verify under it can be made without any private key."""


class EnrolRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Sent by a counter unit on first boot: one of token or serial, its keys, and proof it holds them."""

    public_key: Raw
    """The unit's Ed25519 device key (32 raw bytes; base64 in JSON), which signs its envelopes."""
    csr: Pem
    """A PEM certificate signing request for the unit's own P-256 TLS key (its subject is ignored)."""
    proof: Raw
    """The device key's signature over ENROL_DOMAIN and the CSR's text (`enrol_proof`)."""
    token: Short = ""
    """A single-use enrolment token from `madoguchi provision token`."""
    serial: Short = ""
    """Or the unit's hardware serial number, pre-registered and approved by IT."""
    office_id: Short = ""
    """The office the unit asks to join ("": the one its token or serial is for)."""
    hostname: Short = ""


class EnrolResponse(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Central's answer: who the unit is now, its certificate, whom to seal to, and where the broker is."""

    device_id: str
    """The unit id, which is also its certificate's CN, its MQTT user name and client id."""
    office_id: str
    profile: str
    """The device profile IT chose for the unit ("" if none)."""
    city_public_key: bytes
    broker_url: str
    counter_key: bytes
    """The shared counter key (X25519, 32 raw bytes) that seals and opens QR codes offline."""
    central_key: bytes
    """Central's signing key's public half (Ed25519, 32 raw bytes): a unit acts on no ack, config or
    command that this key did not sign."""
    certificate: str
    """The unit's client certificate (PEM) for the key in its CSR."""
    ca_chain: str
    """The city CA's certificate (PEM), which signed the broker's certificate too."""


class RenewRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A unit asking for a new certificate for a new TLS key, signed with its device key."""

    device_id: Short
    csr: Pem
    at_ms: int
    """When the unit signed (milliseconds since the epoch); central refuses it far from its own clock."""
    signature: Raw


class RenewResponse(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The new certificate (PEM) and the CA's."""

    certificate: str
    ca_chain: str


class Refusal(msgspec.Struct, frozen=True):
    """Central's error body (Litestar's): the status and the reason to show IT."""

    status_code: int
    detail: str


class InvalidDeviceKey(ValueError):  # noqa: N818 - reads as the outcome at the call site
    """Not an Ed25519 public key a unit could hold: wrong length, or of small order (e.g. all zeros)."""


def device_key(raw: bytes) -> ed25519.Ed25519PublicKey:
    """Load a unit's Ed25519 public key, refusing the wrong length and every small-order key."""
    if len(raw) != 32:
        raise InvalidDeviceKey(f"the device key must be 32 bytes (Ed25519), got {len(raw)}")
    if raw[:31] + bytes([raw[31] & 0x7F]) in SMALL_ORDER:
        raise InvalidDeviceKey("the device key is not a valid Ed25519 key (small order, e.g. all zeros)")
    try:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise InvalidDeviceKey("the device key is not a valid Ed25519 key") from exc


def make_csr(key: ec.EllipticCurvePrivateKey, name: str) -> str:
    """A PEM CSR for key (the CA ignores the subject and sets the unit id itself)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name or "madoguchi-unit")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def enrol_proof(signer: ed25519.Ed25519PrivateKey, csr: str) -> bytes:
    """The device key's signature that binds it to the CSR."""
    return signer.sign(ENROL_DOMAIN + csr.encode())


def proof_holds(public: ed25519.Ed25519PublicKey, csr: str, proof: bytes) -> bool:
    """Whether proof is the device key's signature over the CSR."""
    try:
        public.verify(proof, ENROL_DOMAIN + csr.encode())
    except InvalidSignature:
        return False
    return True


def _renewal_bytes(device_id: str, csr: str, at_ms: int) -> bytes:
    return RENEW_DOMAIN + msgspec.msgpack.encode([device_id, csr, at_ms])


def renew_request(signer: ed25519.Ed25519PrivateKey, device_id: str, csr: str, now: datetime) -> RenewRequest:
    """A signed renewal request for the CSR of a new TLS key."""
    at_ms = int(now.timestamp() * 1000)
    return RenewRequest(device_id, csr, at_ms, signer.sign(_renewal_bytes(device_id, csr, at_ms)))


def renewal_fault(public: ed25519.Ed25519PublicKey, request: RenewRequest, now: datetime) -> str | None:
    """Why central must refuse this renewal request (a bad signature, a stale time), or None."""
    try:
        public.verify(request.signature, _renewal_bytes(request.device_id, request.csr, request.at_ms))
    except InvalidSignature:
        return "the renewal request is not signed by the unit's device key"
    if abs(now.timestamp() * 1000 - request.at_ms) > RENEW_CLOCK_SKEW.total_seconds() * 1000:
        return "the renewal request's time is too far from central's clock"
    return None


def renewal_due(cert: x509.Certificate, now: datetime, margin: timedelta = RENEW_BEFORE) -> bool:
    """Whether cert has less than margin left (or has expired)."""
    return cert.not_valid_after_utc - now < margin
