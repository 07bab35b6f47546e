"""APDU vocabulary of the My Number Card's card-info input-support application (券面事項入力補助AP).

Shared by the PC/SC driver and the card emulator so both speak exactly the same bytes. The AIDs, file ids
and status words come from public implementations tested against real cards (jpki/myna,
soltia48/myna-card); `docs/hardware.md` lists what the code sends and what was verified here. This module
only builds and names bytes; it must never hold or log a PIN or any personal data.
"""

from typing import Final

INPUT_SUPPORT_AID: Final = bytes.fromhex("D3921000310001010408")
"""券面事項入力補助AP, always sent in full (a DF can be selected by a prefix of its name)."""

CARD_SURFACE_AID: Final = bytes.fromhex("D3921000310001010402")
JPKI_AID: Final = bytes.fromhex("D392F000260100000001")

EF_MY_NUMBER: Final = 0x0001
EF_BASIC_FOUR: Final = 0x0002
EF_INTEGRITY: Final = 0x0003
EF_PIN: Final = 0x0011
"""These file ids fit in five bits, so each also serves as the file's short id (SFI)."""

SW_OK: Final = 0x9000
SW_END_OF_FILE: Final = 0x6282
"""Warning: fewer bytes than Le were available; the data returned is still good."""
SW_BLOCKED_CARD: Final = 0x6984
SW_BLOCKED_ISO: Final = 0x6983
SW_SECURITY_NOT_SATISFIED: Final = 0x6982
SW_FILE_NOT_FOUND: Final = 0x6A82
SW_WRONG_P1P2: Final = 0x6A86
SW_REFERENCE_NOT_FOUND: Final = 0x6A88
SW_WRONG_OFFSET: Final = 0x6B00
SW_INS_NOT_SUPPORTED: Final = 0x6D00
SW_WRONG_LENGTH: Final = 0x6700

INS_SELECT: Final = 0xA4
INS_VERIFY: Final = 0x20
INS_READ_BINARY: Final = 0xB0

MAX_SHORT_LE: Final = 256


def select_df(aid: bytes) -> bytes:
    """SELECT a dedicated file (application) by its full DF name, no response data."""
    return bytes([0x00, INS_SELECT, 0x04, 0x0C, len(aid)]) + aid


def select_ef(fid: int) -> bytes:
    """SELECT an elementary file of the current application by its 2-byte file id."""
    return bytes([0x00, INS_SELECT, 0x02, 0x0C, 0x02]) + fid.to_bytes(2, "big")


def verify(sfi: int, pin: bytes = b"") -> bytes:
    """VERIFY against the PIN EF with short file id `sfi`; without data it only asks the tries left."""
    header = bytes([0x00, INS_VERIFY, 0x00, 0x80 | sfi])
    return header + bytes([len(pin)]) + pin if pin else header


def read_binary_sfi(sfi: int, offset: int, length: int) -> bytes:
    """READ BINARY selecting the EF by short file id (offset ≤ 255); Le 0 means 256 bytes."""
    return bytes([0x00, INS_READ_BINARY, 0x80 | sfi, offset, length % MAX_SHORT_LE])


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY from the current EF at a 15-bit offset; Le 0 means 256 bytes."""
    return bytes([0x00, INS_READ_BINARY]) + offset.to_bytes(2, "big") + bytes([length % MAX_SHORT_LE])


def tries_left(sw: int) -> int | None:
    """The PIN tries left encoded in a 63Cx status word, or None for any other status word."""
    return sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None
