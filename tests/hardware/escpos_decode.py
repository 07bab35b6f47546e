"""Decode the ESC/POS bytes our slips are made of back into text, QR payloads and raster images.

A strict reader of exactly the commands the slip writer and python-escpos send: anything else fails the
test, so an unexpected command cannot slip through unnoticed.
"""

from dataclasses import dataclass, field

from PIL import Image


@dataclass
class Decoded:
    lines: list[str] = field(default_factory=list)
    qr_payloads: list[bytes] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    status_requests: list[int] = field(default_factory=list)
    cut: bool = False


def _raster(data: bytes, at: int) -> tuple[Image.Image, int]:
    width_bytes = int.from_bytes(data[at + 4 : at + 6], "little")
    height = int.from_bytes(data[at + 6 : at + 8], "little")
    start = at + 8
    end = start + width_bytes * height
    # GS v 0 bits: 1 = black; PIL "1" mode raw bits: 1 = white.
    inverted = bytes(b ^ 0xFF for b in data[start:end])
    return Image.frombytes("1", (width_bytes * 8, height), inverted), end


def decode(data: bytes) -> Decoded:
    out = Decoded()
    line = bytearray()
    kanji = False
    at = 0
    while at < len(data):
        two = data[at : at + 2]
        if two in (b"\x1c&", b"\x1c.", b"\x1b@"):
            kanji = two == b"\x1c&"
            at += 2
        elif two in (b"\x1cC", b"\x1bt", b"\x1d!", b"\x1ba", b"\x1bd", b"\x1dV"):
            out.cut = out.cut or two == b"\x1dV"
            at += 3
        elif two == b"\x10\x04":
            out.status_requests.append(data[at + 2])
            at += 3
        elif data.startswith(b"\x1d(k", at):
            size = int.from_bytes(data[at + 3 : at + 5], "little")
            body = data[at + 5 : at + 5 + size]
            if body[:3] == b"1P0":
                out.qr_payloads.append(body[3:])
            at += 5 + size
        elif data.startswith(b"\x1dv0", at):
            image, at = _raster(data, at)
            out.images.append(image)
        elif data[at] == 0x0A:
            out.lines.append(line.decode("cp932"))
            line.clear()
            at += 1
        elif data[at] < 0x20 or (data[at] >= 0x80 and not kanji):
            raise AssertionError(f"unexpected byte {data[at]:02X} at {at} (kanji mode {kanji})")
        else:
            line.append(data[at])
            at += 1
    return out


def stack(images: list[Image.Image]) -> Image.Image:
    """Raster fragments one below the other, as the paper comes out."""
    width = max(image.width for image in images)
    result = Image.new("1", (width, sum(image.height for image in images)), 1)
    top = 0
    for image in images:
        result.paste(image, (0, top))
        top += image.height
    return result
