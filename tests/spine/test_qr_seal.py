"""Sealed QR payloads: round trip, wrong counter key, tampering, and a fuzzed decoder that never forges."""

import random

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol import base45
from protocol.qr_seal import CaseQr, CounterKey, PreEntryQr, QrError, QrKind, open_qr, seal_qr
from testbed.households import citizen

COUNTER = CounterKey(x25519.X25519PrivateKey.generate())
UNIT = ed25519.Ed25519PrivateKey.generate()
FACTS = citizen(random.Random(4), 1)
CASE = CaseQr(
    "01a2039c-ffbb-7b28-89b1-39debbc95f3d", "A001", "honcho", "cu-1", "2026-11-22T10:00:00+09:00", FACTS
)
TEXT = seal_qr(CASE, counter=COUNTER, issuer="cu-1", signer=UNIT)


def test_case_qr_round_trip_in_the_qr_alphanumeric_alphabet() -> None:
    assert set(TEXT) <= set(base45.ALPHABET)
    opened = open_qr(TEXT, COUNTER)
    opened.verify(UNIT.public_key())
    assert (opened.kind, opened.issuer, opened.payload) == (QrKind.CASE, "cu-1", CASE)


def test_preentry_qr_round_trip() -> None:
    pre = PreEntryQr("2026-11-22T09:00:00+09:00", FACTS)
    opened = open_qr(seal_qr(pre, counter=COUNTER, issuer="central", signer=UNIT), COUNTER)
    assert (opened.kind, opened.payload) == (QrKind.PREENTRY, pre)


def test_another_counter_key_cannot_open_it() -> None:
    with pytest.raises(QrError):
        open_qr(TEXT, CounterKey(x25519.X25519PrivateKey.generate()))


def test_another_issuer_key_does_not_verify() -> None:
    with pytest.raises(QrError):
        open_qr(TEXT, COUNTER).verify(ed25519.Ed25519PrivateKey.generate().public_key())


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(base45.decode(TEXT)) - 1), st.integers(1, 255))
def test_a_changed_byte_never_opens_and_verifies(position: int, flip: int) -> None:
    data = bytearray(base45.decode(TEXT))
    data[position] ^= flip
    with pytest.raises(QrError):
        open_qr(base45.encode(bytes(data)), COUNTER).verify(UNIT.public_key())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_is_refused_cleanly(text: str) -> None:
    with pytest.raises(QrError):
        open_qr(text, COUNTER)
