"""Sealed submission envelopes: sign + encrypt on the counter unit, verify + open on central.

Wire format (version 1), all of it covered by the device's Ed25519 signature:

    version:u8 || msgpack [device_id, submission_id:bin16, seq, created_at_ms, key_id:bin8, sealed] || sig:64

`sealed` is HPKE (RFC 9180) base mode, ML-KEM-768+X25519 / HKDF-SHA256 / AES-256-GCM, to the city key, of
the zstd-compressed msgpack SubmissionBody; the HPKE `info` binds device id, submission id and key id.
Opening is split into parse → verify → decrypt so central can skip decryption for exact replays.
Nothing here logs, and errors never carry plaintext.
"""

import enum
import hashlib
import uuid
from dataclasses import dataclass

import msgspec
import zstandard
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from protocol.keys import CityPrivateKey, CityPublicKey
from protocol.messages import BODY_VERSION, SubmissionBody

VERSION = 1
MAX_ENVELOPE_BYTES = 256 * 1024
MAX_BODY_BYTES = 4 * 1024 * 1024
"""Decompression bound: a hostile body cannot make central inflate more than this."""
SIGNATURE_LEN = 64
SIGN_DOMAIN = b"madoguchi/v1/envelope-signature\x00"
INFO_DOMAIN = b"madoguchi/v1/submission\x00"
SUITE = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)

_compressor = zstandard.ZstdCompressor(level=3)
_decompressor = zstandard.ZstdDecompressor()
_body_encoder = msgspec.msgpack.Encoder()
_body_decoder = msgspec.msgpack.Decoder(SubmissionBody)


class Reason(enum.StrEnum):
    """Why central refused an envelope; recorded with every rejection."""

    OVERSIZED = "oversized"
    MALFORMED = "malformed"
    UNKNOWN_VERSION = "unknown_version"
    UNKNOWN_DEVICE = "unknown_device"
    REVOKED_DEVICE = "revoked_device"
    DEVICE_MISMATCH = "device_mismatch"
    BAD_SIGNATURE = "bad_signature"
    WRONG_KEY = "wrong_key"
    UNDECRYPTABLE = "undecryptable"
    CONFLICT = "conflict"


class Rejected(Exception):  # noqa: N818 - it names the outcome, as callers read it: `except Rejected`
    """An envelope central must refuse; `reason` is one of the recorded classes."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail


class Header(msgspec.Struct, array_like=True, forbid_unknown_fields=True, frozen=True):
    """The signed, unencrypted part of an envelope: routing and ordering, no personal data."""

    device_id: str
    submission_id: bytes
    seq: int
    created_at_ms: int
    key_id: bytes
    sealed: bytes


_header_decoder = msgspec.msgpack.Decoder(Header)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A structurally valid envelope, not yet verified or opened."""

    header: Header
    wire: bytes
    submission_id: str
    """The submission id in canonical UUID text form."""
    digest: bytes
    """SHA-256 of the whole envelope: equal digests are exact replays."""


def encode_body(body: SubmissionBody) -> bytes:
    """The msgpack form of a body (what is compressed and sealed)."""
    return _body_encoder.encode(body)


def decode_body(raw: bytes) -> SubmissionBody:
    """Decode a body's msgpack form; raises msgspec.DecodeError."""
    return _body_decoder.decode(raw)


def inflate(frame: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    """Decompress one zstd frame, never producing more than `limit` bytes.

    python-zstandard's `max_output_size` is ignored when a frame declares its content size (which our own
    compressor always writes), so the declared size is checked first and the frame is then read as a stream
    capped at the limit: a small hostile frame cannot make central allocate gigabytes.
    """
    if zstandard.frame_content_size(frame) > limit:
        raise Rejected(Reason.OVERSIZED, f"body inflates past {limit} bytes")
    parts: list[bytes] = []
    size = 0
    with _decompressor.stream_reader(frame) as reader:
        while chunk := reader.read(min(1 << 20, limit + 1 - size)):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Rejected(Reason.OVERSIZED, f"body inflates past {limit} bytes")
    return b"".join(parts)


def _info(device_id: str, submission_id: bytes, key_id: bytes) -> bytes:
    return INFO_DOMAIN + device_id.encode() + b"\x00" + submission_id + key_id


def seal(
    body: SubmissionBody,
    *,
    device_id: str,
    submission_id: uuid.UUID,
    seq: int,
    created_at_ms: int,
    city: CityPublicKey,
    signer: ed25519.Ed25519PrivateKey,
) -> bytes:
    """Compress, encrypt to the city and sign a submission body; returns the wire bytes."""
    sid = submission_id.bytes
    plaintext = _compressor.compress(encode_body(body))
    sealed = SUITE.encrypt(plaintext, city.key, info=_info(device_id, sid, city.key_id))
    header = Header(device_id, sid, seq, created_at_ms, city.key_id, sealed)
    unsigned = bytes([VERSION]) + msgspec.msgpack.encode(header)
    wire = unsigned + signer.sign(SIGN_DOMAIN + unsigned)
    if len(wire) > MAX_ENVELOPE_BYTES:
        raise Rejected(Reason.OVERSIZED, f"{len(wire)} bytes")
    return wire


def parse(wire: bytes) -> Parsed:
    """Check size, version and structure; never verifies or decrypts."""
    if len(wire) > MAX_ENVELOPE_BYTES:
        raise Rejected(Reason.OVERSIZED, f"{len(wire)} bytes")
    if len(wire) < 1 + SIGNATURE_LEN:
        raise Rejected(Reason.MALFORMED, "too short")
    if wire[0] != VERSION:
        raise Rejected(Reason.UNKNOWN_VERSION, f"version {wire[0]}")
    try:
        header = _header_decoder.decode(wire[1:-SIGNATURE_LEN])
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # msgspec raises the latter for bad UTF-8
        raise Rejected(Reason.MALFORMED, "bad header") from exc
    if len(header.submission_id) != 16 or not header.device_id or header.seq < 0:
        raise Rejected(Reason.MALFORMED, "bad header fields")
    return Parsed(
        header=header,
        wire=wire,
        submission_id=str(uuid.UUID(bytes=header.submission_id)),
        digest=hashlib.sha256(wire).digest(),
    )


def verify(parsed: Parsed, device_key: ed25519.Ed25519PublicKey) -> None:
    """Check the device's signature over the whole envelope."""
    try:
        device_key.verify(parsed.wire[-SIGNATURE_LEN:], SIGN_DOMAIN + parsed.wire[:-SIGNATURE_LEN])
    except InvalidSignature as exc:
        raise Rejected(Reason.BAD_SIGNATURE) from exc


@dataclass(frozen=True, slots=True)
class Opened:
    """A decrypted body and the SHA-256 of its plaintext, which tells a replay from a conflicting reuse."""

    body: SubmissionBody
    digest: bytes


def decrypt(parsed: Parsed, city: CityPrivateKey) -> Opened:
    """Open a verified envelope with the city's private key."""
    header = parsed.header
    if header.key_id != city.public.key_id:
        raise Rejected(Reason.WRONG_KEY, header.key_id.hex())
    try:
        plaintext = SUITE.decrypt(
            header.sealed, city.key, info=_info(header.device_id, header.submission_id, header.key_id)
        )
    except Exception as exc:  # cryptography raises InvalidTag or ValueError here
        raise Rejected(Reason.UNDECRYPTABLE) from exc
    try:
        raw = inflate(plaintext)
        body = decode_body(raw)
    except (zstandard.ZstdError, msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise Rejected(Reason.MALFORMED, "bad body") from exc
    if body.v != BODY_VERSION:
        raise Rejected(Reason.UNKNOWN_VERSION, f"body version {body.v}")
    return Opened(body=body, digest=hashlib.sha256(raw).digest())
