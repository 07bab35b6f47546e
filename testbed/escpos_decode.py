"""Decode the ESC/POS bytes our slips are made of back into text, QR payloads, raster images and paper length.

A strict reader of exactly the commands the slip writer and python-escpos send: anything else fails the
test, so an unexpected command cannot slip through unnoticed.

The paper a job takes (`Decoded.paper_dots`) is exact for raster images and a native QR (its modules times
the module size sent), and a model for text: each line feed advances the default line spacing of the Epson
TM series, 1/6 inch, or the characters' height when they are taller (24-dot Kanji font A times `GS !`).
Like the raster slips' measure, it leaves out the feed to the cutter (`ESC d`), which depends on the printer.
"""

from dataclasses import dataclass, field

import segno
from PIL import Image

DOTS_PER_INCH = 203
LINE_SPACING_DOTS = round(DOTS_PER_INCH / 6)
"""ESC 2, the default line spacing: 1/6 inch."""
FONT_DOTS = 24
"""Kanji font A (and ANK font A) is 24 dots tall."""


@dataclass
class Decoded:
    lines: list[str] = field(default_factory=list)
    qr_payloads: list[bytes] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    status_requests: list[int] = field(default_factory=list)
    cut: bool = False
    paper_dots: int = 0
    """Paper fed for the text lines, images and QR codes (see the module's docstring)."""

    @property
    def paper_cm(self) -> float:
        return self.paper_dots * 2.54 / DOTS_PER_INCH


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
    height = module = 1
    at = 0
    while at < len(data):
        two = data[at : at + 2]
        if two in (b"\x1c&", b"\x1c.", b"\x1b@"):
            kanji = two == b"\x1c&"
            at += 2
        elif two in (b"\x1cC", b"\x1bt", b"\x1d!", b"\x1ba", b"\x1bd", b"\x1dV"):
            out.cut = out.cut or two == b"\x1dV"
            height = (data[at + 2] & 0x0F) + 1 if two == b"\x1d!" else height
            at += 3
        elif two == b"\x10\x04":
            out.status_requests.append(data[at + 2])
            at += 3
        elif data.startswith(b"\x1d(k", at):
            size = int.from_bytes(data[at + 3 : at + 5], "little")
            body = data[at + 5 : at + 5 + size]
            module = body[2] if body[:2] == b"1C" else module
            if body[:3] == b"1P0":
                out.qr_payloads.append(body[3:])
            if body[:2] == b"1Q":  # print the stored symbol (model 2, level M, as the writer sends)
                symbol = segno.make(out.qr_payloads[-1].decode(), error="m", micro=False)
                out.paper_dots += int(symbol.symbol_size(border=0)[1]) * module
            at += 5 + size
        elif data.startswith(b"\x1dv0", at):
            image, at = _raster(data, at)
            out.images.append(image)
            out.paper_dots += image.height
        elif data[at] == 0x0A:
            out.lines.append(line.decode("cp932"))
            out.paper_dots += max(LINE_SPACING_DOTS, FONT_DOTS * height)
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
