"""Base45 against RFC 9285's examples and as a round trip of any bytes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol import base45


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
    ],
)
def test_rfc_9285_examples(data: bytes, text: str) -> None:
    assert base45.encode(data) == text
    assert base45.decode(text) == data


@given(st.binary(max_size=600))
def test_round_trip(data: bytes) -> None:
    text = base45.encode(data)
    assert set(text) <= set(base45.ALPHABET)
    assert base45.decode(text) == data


@pytest.mark.parametrize("text", ["GGW", "ZZZ", "A", "ab3", "BB8A"])
def test_invalid_text(text: str) -> None:
    with pytest.raises(base45.Base45Error):
        base45.decode(text)
