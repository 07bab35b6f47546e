"""Base45 (RFC 9285): bytes as text in the QR code alphanumeric alphabet, how our QR payloads travel.

Two bytes become three characters and one trailing byte two, so a QR code in alphanumeric mode carries the
bytes intact (decoders such as zbar mangle binary-mode payloads). Pure functions; no I/O.
"""

from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES: Final = {character: value for value, character in enumerate(ALPHABET)}


class Base45Error(ValueError):
    """The text is not valid Base45."""


def encode(data: bytes) -> str:
    """Encode bytes as Base45 text."""
    out: list[str] = []
    for start in range(0, len(data), 2):
        pair = data[start : start + 2]
        value = int.from_bytes(pair, "big")
        digits = 3 if len(pair) == 2 else 2
        for _ in range(digits):
            value, digit = divmod(value, 45)
            out.append(ALPHABET[digit])
    return "".join(out)


def decode(text: str) -> bytes:
    """Decode Base45 text; raises Base45Error on a bad character, length or value."""
    if len(text) % 3 == 1:
        raise Base45Error("Base45 text length leaves a single character")
    out = bytearray()
    for start in range(0, len(text), 3):
        chunk = text[start : start + 3]
        try:
            value = sum(_VALUES[character] * 45**power for power, character in enumerate(chunk))
        except KeyError as error:
            raise Base45Error(f"not a Base45 character: {error.args[0]!r}") from None
        size = 2 if len(chunk) == 3 else 1
        if value >= 256**size:
            raise Base45Error("Base45 group out of range")
        out += value.to_bytes(size, "big")
    return bytes(out)
