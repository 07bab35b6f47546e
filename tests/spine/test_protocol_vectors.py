"""The envelope format: the documented test vector, round trips, and a fuzzed decoder that never forges."""

import re
import uuid
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import envelope
from protocol.envelope import Reason, Rejected
from protocol.keys import CityPrivateKey, device_public_key
from protocol.messages import SubmissionBody

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def vector() -> dict[str, str]:
    block = DOC.read_text().split("## Test vector", 1)[1]
    return dict(re.findall(r"^(\w+): (.+)$", block, flags=re.MULTILINE))


VECTOR = vector()
CITY = CityPrivateKey.from_bytes(bytes.fromhex(VECTOR["city_private_key"]))
DEVICE = device_public_key(bytes.fromhex(VECTOR["device_public_key"]))
WIRE = bytes.fromhex(VECTOR["envelope"])


def open_envelope(wire: bytes) -> SubmissionBody:
    parsed = envelope.parse(wire)
    envelope.verify(parsed, DEVICE)
    return envelope.decrypt(parsed, CITY).body


def test_documented_vector_opens_to_the_documented_body() -> None:
    assert CITY.public.key_id.hex() == VECTOR["city_key_id"]
    body = open_envelope(WIRE)
    assert body == msgspec.json.decode(VECTOR["body_json"].encode(), type=SubmissionBody)
    assert envelope.parse(WIRE).submission_id == "01939b2e-6f00-7000-8000-000000000001"


def test_seal_and_open_round_trip() -> None:
    signer = ed25519.Ed25519PrivateKey.generate()
    body = open_envelope(WIRE)
    wire = envelope.seal(
        body,
        device_id="cu-x",
        submission_id=uuid.uuid4(),
        seq=9,
        created_at_ms=1,
        city=CITY.public,
        signer=signer,
    )
    parsed = envelope.parse(wire)
    envelope.verify(parsed, signer.public_key())
    assert envelope.decrypt(parsed, CITY).body == body


def test_a_different_device_key_does_not_verify() -> None:
    with pytest.raises(Rejected) as refused:
        envelope.verify(envelope.parse(WIRE), ed25519.Ed25519PrivateKey.generate().public_key())
    assert refused.value.reason is Reason.BAD_SIGNATURE


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_are_rejected_cleanly(data: bytes) -> None:
    with pytest.raises(Rejected):
        open_envelope(data)


@settings(max_examples=500, deadline=None)
@given(st.integers(0, len(WIRE) - 1), st.integers(1, 255), st.integers(0, 3))
def test_mutated_envelopes_never_open(position: int, flip: int, cut: int) -> None:
    mutated = bytearray(WIRE)
    mutated[position] ^= flip
    candidate = bytes(mutated[: len(mutated) - cut])
    with pytest.raises(Rejected):
        open_envelope(candidate)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(0, len(WIRE)))
def test_inserted_bytes_never_open(extra: bytes, position: int) -> None:
    with pytest.raises(Rejected):
        open_envelope(WIRE[:position] + extra + WIRE[position:])
