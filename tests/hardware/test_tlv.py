"""The EF 0002 decoder on recorded-style byte strings: every length form, filler, and each kind of damage."""

from collections.abc import Callable

import pytest

from edge_agent.hardware.card.errors import MalformedCardDataError
from edge_agent.hardware.card.tlv import decode_basic_four, decode_my_number, encode_basic_four, total_length
from protocol.facts import Person

PERSON = Person(name="山田　花子", address="東京都千代田区千代田１－１", birth_date="1990-12-31", sex="2")


def test_short_form_with_filler() -> None:
    data = encode_basic_four(PERSON)
    assert data[2] < 0x80
    assert decode_basic_four(data + b"\xff" * 40) == PERSON


@pytest.mark.parametrize(("address_length", "form"), [(60, 0x81), (120, 0x82)])
def test_long_forms(address_length: int, form: int) -> None:
    person = Person(name=PERSON.name, address="町" * address_length, birth_date="2001-01-01", sex="9")
    data = encode_basic_four(person)
    assert data[2] == form
    assert total_length(data) == len(data)
    assert decode_basic_four(data + b"\x00" * 8) == person


def test_offset_table_points_at_each_field() -> None:
    data = encode_basic_four(PERSON)
    offsets = [int.from_bytes(data[i : i + 2], "big") for i in range(6, 14, 2)]
    assert [data[offset : offset + 2] for offset in offsets] == [
        b"\xdf\x22",
        b"\xdf\x23",
        b"\xdf\x24",
        b"\xdf\x25",
    ]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d[:20], "longer than the data"),
        (lambda d: b"\xff\x21" + d[2:], "expected tag FF20"),
        (lambda d: d[:2] + b"\x83\x00\x00\x10" + d[3:], "unsupported BER length"),
        (lambda d: d.replace(b"1990", b"19x0"), "not a YYYYMMDD date"),
        (lambda d: d.replace(b"\xdf\x25\x01\x32", b"\xdf\x25\x01\x35"), "ISO 5218"),
        (lambda d: d.replace(b"\xdf\x25\x01\x32", b"\xdf\x26\x01\x32"), "DF25 is missing"),
        (lambda d: d.replace("山".encode(), b"\xe5\xb1\xff"), "not UTF-8"),
        (lambda d: d[:1], "past the end"),
    ],
)
def test_damage_is_a_clear_error(damage: Callable[[bytes], bytes], message: str) -> None:
    with pytest.raises(MalformedCardDataError, match=message):
        decode_basic_four(damage(encode_basic_four(PERSON)))


def test_my_number() -> None:
    assert decode_my_number(b"\xff\x10\x0c123456789018\xff\xff") == "123456789018"
    with pytest.raises(MalformedCardDataError):
        decode_my_number(b"\xff\x10\x0c12345678901X\xff\xff")
