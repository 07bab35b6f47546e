"""Signed acks: central's word that submissions are committed, which alone lets a unit delete them.

An ack deletes the only other copy of a citizen's submission, so a unit believes nothing on its acks topic
but a valid signature by central's signing key (Ed25519; the unit gets its public half at enrolment) over the
unit's own id and the submission ids. The wire form is JSON on `devices/{id}/acks`:

    {"v": 2, "device_id": "cu-…", "ids": ["<uuid>", …], "sig": "<base64 Ed25519, 64 bytes>"}

signed over SIGN_DOMAIN || device_id || 0x00 || ids joined by "\\n". Everything is bounded before any work (at
most MAX_ACK_BYTES on the wire, MAX_ACK_IDS canonical UUIDs). A replayed genuine ack names only ids already
deleted; an ack for another unit fails the signature. Nothing here logs ids.
"""

from collections.abc import Iterator
from typing import Annotated, Literal

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

MAX_ACK_IDS = 2000
"""Ids in one ack: central commits at most this many envelopes per batch; more go in several acks."""
MAX_ACK_BYTES = 128 * 1024
SIGN_DOMAIN = b"madoguchi/v1/ack-signature\x00"
SubmissionId = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]


class AckError(ValueError):
    """Not an ack this unit may act on: oversized, malformed, for another unit, or not signed by central."""


class SignedAck(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Central → unit: these submission ids are committed to central's database."""

    v: Literal[2]
    device_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    ids: Annotated[list[SubmissionId], msgspec.Meta(min_length=1, max_length=MAX_ACK_IDS)]
    sig: Annotated[bytes, msgspec.Meta(min_length=64, max_length=64)]


_decoder = msgspec.json.Decoder(SignedAck)


def _signed_bytes(device_id: str, ids: list[str]) -> bytes:
    return SIGN_DOMAIN + device_id.encode() + b"\x00" + "\n".join(ids).encode()


def sign_acks(key: ed25519.Ed25519PrivateKey, device_id: str, ids: list[str]) -> Iterator[bytes]:
    """The signed ack payloads for a unit's committed ids, MAX_ACK_IDS per ack."""
    for start in range(0, len(ids), MAX_ACK_IDS):
        chunk = ids[start : start + MAX_ACK_IDS]
        sig = key.sign(_signed_bytes(device_id, chunk))
        yield msgspec.json.encode(SignedAck(v=2, device_id=device_id, ids=chunk, sig=sig))


def open_ack(payload: bytes, device_id: str, central: ed25519.Ed25519PublicKey) -> list[str]:
    """The ids of a valid ack from central to this unit; raises AckError for anything else."""
    if len(payload) > MAX_ACK_BYTES:
        raise AckError(f"ack of {len(payload)} bytes")
    try:
        ack = _decoder.decode(payload)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise AckError(f"malformed ack: {exc}") from None
    if ack.device_id != device_id:
        raise AckError("ack for another unit")
    try:
        central.verify(ack.sig, _signed_bytes(ack.device_id, ack.ids))
    except InvalidSignature:
        raise AckError("ack not signed by central") from None
    return ack.ids
