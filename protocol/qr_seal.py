"""Sealed QR payloads: the case QR on a slip and the pre-entry QR made on a phone.

Both are sealed to the **counter key** (HPKE base mode, DHKEM(X25519)/HKDF-SHA256/AES-256-GCM), which every
enrolled counter unit and central hold, so any counter can open them offline; both are signed by their
issuer (the unit that printed the slip, or central's pre-entry page) with Ed25519. The text is Base45 so a
QR code in alphanumeric mode carries it intact (zbar mangles binary QR payloads).

    text = Base45( version:u8 || kind:u8 || msgpack [issuer, key_id:bin8, sealed] || sig:64 )

`sealed` holds the zlib-compressed msgpack payload; HPKE `info` binds version, kind, issuer and key id.
Nothing here logs; errors never contain the payload.
"""

import contextlib
import enum
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from protocol import base45
from protocol.facts import Facts
from protocol.keys import key_id

VERSION = 1
SIGNATURE_LEN = 64
MAX_TEXT = 4296
"""The most alphanumeric characters a QR code (version 40, ECC L) holds; longer text is refused unread."""
MAX_PLAIN = 64 * 1024
SIGN_DOMAIN = b"madoguchi/v1/qr-signature\x00"
INFO_DOMAIN = b"madoguchi/v1/qr\x00"
SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)


class QrKind(enum.IntEnum):
    """What a QR carries."""

    CASE = 1
    PREENTRY = 2


class QrError(ValueError):
    """Not one of our QR codes, tampered with, or sealed to another counter key."""


class CaseQr(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A case's essentials, printed on the slip so any counter can open the case before it syncs."""

    submission_id: str
    ticket: str
    office_id: str
    device_id: str
    issued_at: str
    facts: Facts


class PreEntryQr(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Facts a citizen entered at home (行かない・書かない), to prefill a kiosk session."""

    created_at: str
    facts: Facts


KINDS = frozenset(kind.value for kind in QrKind)
Payload = CaseQr | PreEntryQr
_TYPES: dict[QrKind, type[CaseQr] | type[PreEntryQr]] = {QrKind.CASE: CaseQr, QrKind.PREENTRY: PreEntryQr}


class _Header(msgspec.Struct, array_like=True, forbid_unknown_fields=True, frozen=True):
    issuer: str
    key_id: bytes
    sealed: bytes


@dataclass(frozen=True, slots=True)
class CounterKey:
    """The shared counter key pair (X25519), as held by central and every enrolled unit."""

    private: x25519.X25519PrivateKey

    @classmethod
    def from_bytes(cls, raw: bytes) -> "CounterKey":
        """Load the 32 raw private bytes."""
        return cls(x25519.X25519PrivateKey.from_private_bytes(raw))

    @property
    def raw(self) -> bytes:
        """The 32 raw private bytes."""
        return self.private.private_bytes_raw()

    @property
    def key_id(self) -> bytes:
        """SHA-256 prefix of the public key, carried in every QR."""
        return key_id(self.private.public_key().public_bytes_raw())


@dataclass(frozen=True, slots=True)
class OpenedQr:
    """An opened QR: what it is, who issued it, and the payload."""

    kind: QrKind
    issuer: str
    payload: Payload
    signed_bytes: bytes
    signature: bytes

    def verify(self, issuer_key: ed25519.Ed25519PublicKey) -> None:
        """Check the issuer's signature; raise QrError if it does not hold."""
        try:
            issuer_key.verify(self.signature, SIGN_DOMAIN + self.signed_bytes)
        except InvalidSignature as exc:
            raise QrError("the QR's signature does not match its issuer") from exc


def _info(kind: QrKind, issuer: str, kid: bytes) -> bytes:
    return INFO_DOMAIN + bytes([VERSION, kind]) + issuer.encode() + b"\x00" + kid


def seal_qr(payload: Payload, *, counter: CounterKey, issuer: str, signer: ed25519.Ed25519PrivateKey) -> str:
    """Seal, sign and Base45-encode a payload for a QR code."""
    kind = QrKind.CASE if isinstance(payload, CaseQr) else QrKind.PREENTRY
    kid = counter.key_id
    plain = zlib.compress(msgspec.msgpack.encode(payload), 9)
    sealed = SUITE.encrypt(plain, counter.private.public_key(), info=_info(kind, issuer, kid))
    unsigned = bytes([VERSION, kind]) + msgspec.msgpack.encode(_Header(issuer, kid, sealed))
    return base45.encode(unsigned + signer.sign(SIGN_DOMAIN + unsigned))


def open_qr(text: str, counter: CounterKey) -> OpenedQr:
    """Decode and decrypt a QR text; the caller verifies the signature when it knows the issuer's key."""
    if len(text) > MAX_TEXT:
        raise QrError("too long for a QR code")
    try:
        data = base45.decode(text.strip())
    except ValueError as exc:
        raise QrError("not a Madoguchi QR code") from exc
    if len(data) < 2 + SIGNATURE_LEN or data[0] != VERSION or data[1] not in KINDS:
        raise QrError("not a Madoguchi QR code")
    kind = QrKind(data[1])
    try:
        header = msgspec.msgpack.decode(data[2:-SIGNATURE_LEN], type=_Header)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise QrError("damaged QR code") from exc
    if header.key_id != counter.key_id:
        raise QrError("sealed to another counter key")
    try:
        plain = SUITE.decrypt(header.sealed, counter.private, info=_info(kind, header.issuer, header.key_id))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(plain, MAX_PLAIN)
        if inflater.unconsumed_tail:
            raise QrError("payload too large")
        payload = msgspec.msgpack.decode(raw, type=_TYPES[kind])
    except QrError:
        raise
    except Exception as exc:  # InvalidTag, zlib.error, msgspec errors: all mean "not ours or damaged"
        raise QrError("damaged or tampered QR code") from exc
    return OpenedQr(kind, header.issuer, payload, data[:-SIGNATURE_LEN], data[-SIGNATURE_LEN:])


def open_qr_with(text: str, keys: Sequence[CounterKey]) -> OpenedQr:
    """Open a QR text with whichever of these counter keys sealed it (the current one, and the previous one
    for a while after a rotation); QrError if none did."""
    for key in keys[:-1]:
        with contextlib.suppress(QrError):
            return open_qr(text, key)
    return open_qr(text, keys[-1])
