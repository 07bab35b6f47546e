"""BER-TLV encoding and the EF 0002 (basic four facts) layout of the My Number Card.

The decoder accepts both the short and the long (81 xx / 82 xx xx) length forms and raises
MalformedCardDataError, never IndexError, on anything else. It must never log the values it decodes.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Final, get_args

from protocol.facts import Person, Sex

from .errors import MalformedCardDataError

TAG_BASIC_FOUR: Final = 0xFF20
TAG_OFFSETS: Final = 0xDF21
TAG_NAME: Final = 0xDF22
TAG_ADDRESS: Final = 0xDF23
TAG_BIRTH_DATE: Final = 0xDF24
TAG_SEX: Final = 0xDF25
TAG_MY_NUMBER: Final = 0xFF10

_SEXES: Final[frozenset[str]] = frozenset(get_args(Sex))


def encode_length(length: int) -> bytes:
    """BER length: short form below 128, else 81 xx or 82 xx xx."""
    if length < 0x80:
        return bytes([length])
    if length <= 0xFF:
        return bytes([0x81, length])
    return bytes([0x82]) + length.to_bytes(2, "big")


def encode(tag: int, value: bytes) -> bytes:
    """One TLV with a one- or two-byte tag."""
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    return tag_bytes + encode_length(len(value)) + value


def read_header(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """Parse the tag and length at `offset`: (tag, length, offset of the value)."""
    try:
        tag = data[offset]
        offset += 1
        if tag & 0x1F == 0x1F:
            tag = tag << 8 | data[offset]
            offset += 1
        first = data[offset]
        offset += 1
        if first < 0x80:
            return tag, first, offset
        size = first & 0x7F
        if size not in (1, 2):
            raise MalformedCardDataError(f"unsupported BER length form {first:02X}")
        length = int.from_bytes(data[offset : offset + size], "big")
        if offset + size > len(data):
            raise IndexError
    except IndexError:
        raise MalformedCardDataError("TLV header runs past the end of the data") from None
    return tag, length, offset + size


def total_length(data: bytes) -> int:
    """Bytes the outer TLV at the start of `data` occupies, header included."""
    _, length, value_offset = read_header(data)
    return value_offset + length


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Iterate over consecutive TLVs filling `data` exactly."""
    offset = 0
    while offset < len(data):
        tag, length, value_offset = read_header(data, offset)
        offset = value_offset + length
        if offset > len(data):
            raise MalformedCardDataError(f"TLV {tag:04X} runs past the end of its parent")
        yield tag, data[value_offset:offset]


def outer_value(data: bytes, expected_tag: int) -> bytes:
    """The value of the outer TLV, checking its tag and that the data holds all of it."""
    tag, length, value_offset = read_header(data)
    if tag != expected_tag:
        raise MalformedCardDataError(f"expected tag {expected_tag:04X}, found {tag:04X}")
    if value_offset + length > len(data):
        raise MalformedCardDataError("outer TLV is longer than the data read")
    return data[value_offset : value_offset + length]


def _text(fields: dict[int, bytes], tag: int) -> str:
    try:
        return fields[tag].decode("utf-8")
    except KeyError:
        raise MalformedCardDataError(f"field {tag:04X} is missing") from None
    except UnicodeDecodeError:
        raise MalformedCardDataError(f"field {tag:04X} is not UTF-8") from None


def _iso_date(yyyymmdd: str) -> str:
    try:
        if len(yyyymmdd) != 8 or not yyyymmdd.isascii():
            raise ValueError
        return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])).isoformat()
    except ValueError:
        raise MalformedCardDataError("birth date is not a YYYYMMDD date") from None


def decode_basic_four(data: bytes) -> Person:
    """Decode EF 0002 (filler after the outer TLV is ignored) into the basic four facts."""
    fields = dict(iter_tlv(outer_value(data, TAG_BASIC_FOUR)))
    sex = _text(fields, TAG_SEX)
    if sex not in _SEXES:
        raise MalformedCardDataError("sex is not an ISO 5218 code")
    return Person(
        name=_text(fields, TAG_NAME),
        address=_text(fields, TAG_ADDRESS),
        birth_date=_iso_date(_text(fields, TAG_BIRTH_DATE)),
        sex=sex,  # type: ignore[arg-type]  # checked against the Literal's values just above
    )


def encode_basic_four(person: Person) -> bytes:
    """EF 0002's outer TLV for `person`, with the DF21 offset table as the card has it."""
    birth = person.birth_date.replace("-", "").encode("ascii")
    values = [person.name.encode(), person.address.encode(), birth, person.sex.encode("ascii")]
    tlvs = [encode(tag, value) for tag, value in zip(range(TAG_NAME, TAG_SEX + 1), values, strict=True)]
    # The offsets count from the start of the file, so they depend on the outer header's size.
    body_length = 11 + sum(map(len, tlvs))
    header_length = 2 + len(encode_length(body_length))
    offsets, position = bytearray(), header_length + 11
    for tlv in tlvs:
        offsets += position.to_bytes(2, "big")
        position += len(tlv)
    return encode(TAG_BASIC_FOUR, encode(TAG_OFFSETS, bytes(offsets)) + b"".join(tlvs))


def decode_my_number(data: bytes) -> str:
    """Decode EF 0001: the 12 ASCII digits of the My Number."""
    value = outer_value(data, TAG_MY_NUMBER)
    if len(value) != 12 or not value.isdigit():
        raise MalformedCardDataError("My Number is not 12 digits")
    return value.decode("ascii")
