"""Defects 1 and 2 of the hostile-network review, at the protocol: a unit acts only on bounded acks that
central signed for it."""

import uuid

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol.acks import MAX_ACK_BYTES, MAX_ACK_IDS, AckError, open_ack, sign_acks

CENTRAL = ed25519.Ed25519PrivateKey.generate()
IDS = [str(uuid.uuid4()) for _ in range(3)]


def test_a_signed_ack_opens_to_its_ids() -> None:
    [payload] = sign_acks(CENTRAL, "cu-a", IDS)
    assert open_ack(payload, "cu-a", CENTRAL.public_key()) == IDS


def test_many_ids_are_split_into_bounded_acks() -> None:
    ids = [str(uuid.uuid4()) for _ in range(MAX_ACK_IDS + 1)]
    payloads = list(sign_acks(CENTRAL, "cu-a", ids))
    assert len(payloads) == 2
    assert all(len(payload) <= MAX_ACK_BYTES for payload in payloads)
    assert [i for p in payloads for i in open_ack(p, "cu-a", CENTRAL.public_key())] == ids


def forged(**fields: object) -> bytes:
    return msgspec.json.encode({"v": 2, "device_id": "cu-a", "ids": IDS, "sig": bytes(64)} | fields)


@pytest.mark.parametrize(
    "payload",
    [
        msgspec.json.encode({"ids": IDS}),  # today's unsigned ack
        forged(),  # a signature of zeros
        next(sign_acks(ed25519.Ed25519PrivateKey.generate(), "cu-a", IDS)),  # signed by someone else
        next(sign_acks(CENTRAL, "cu-b", IDS)),  # central's genuine ack for another unit
        forged(ids=[str(uuid.uuid4()) for _ in range(300_000)]),  # the sync-killer
        forged(ids=["1 OR 1=1"]),
        forged(ids=[]),
        b"\xff" * 100,
    ],
)
def test_anything_else_is_refused_before_it_can_delete_a_submission(payload: bytes) -> None:
    with pytest.raises(AckError):
        open_ack(payload, "cu-a", CENTRAL.public_key())


def test_a_tampered_id_list_fails_the_signature() -> None:
    [payload] = sign_acks(CENTRAL, "cu-a", IDS)
    ack = msgspec.json.decode(payload)
    ack["ids"] = [*IDS, str(uuid.uuid4())]
    with pytest.raises(AckError, match="not signed by central"):
        open_ack(msgspec.json.encode(ack), "cu-a", CENTRAL.public_key())
