"""Send slip blocks to an ESC/POS printer: Kanji-mode CP932 text or raster images, native or raster QR.

python-escpos 3.1 encodes kanji as GB18030, so its `text()` is never used for Japanese: in "kanji" mode a
line goes out as `FS &` + CP932 bytes + `FS .` (Shift_JIS selected once with `FS C 1`); a line CP932 cannot
encode (Korean, Vietnamese) falls back to a raster image of that line. In Kanji mode the printer's own font
prints every line, small ones too, and columns one under the other, so such a slip is longer than its
raster preview. This module must never write the slip anywhere but to the printer it is given.
"""

from collections.abc import Sequence
from typing import Any, Literal

from .layout import Block, Columns, QrCode, Rule, Text, stacked, wrap
from .raster import BASE_DOTS, draw_blocks, qr_module_dots

INIT = b"\x1b@"
KANJI_SHIFT_JIS = b"\x1cC\x01"
KATAKANA_TABLE = b"\x1bt\x01"
"""ESC t 1: single-byte codes 0xA1-0xDF print as half-width katakana, as in CP932."""
KANJI_ON = b"\x1c&"
KANJI_OFF = b"\x1c."
LINE_FEED = b"\n"
_ALIGN = {False: b"\x1ba\x00", True: b"\x1ba\x01"}
QR_ECLEVEL_M = 1


def _size_command(size: int) -> bytes:
    """GS ! n: character width and height magnification (both `size` times)."""
    return b"\x1d!" + bytes([(size - 1) << 4 | (size - 1)])


def _cells(line: str) -> int:
    """Half-width cells a line takes in Kanji mode: a CP932 double-byte character takes two."""
    return len(line.encode("cp932"))


def _encodable(text: str) -> bool:
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


class SlipWriter:
    """Writes blocks to one open python-escpos printer according to the profile's choices."""

    def __init__(
        self,
        printer: Any,
        *,
        width_dots: int,
        japanese: Literal["kanji", "raster"],
        qr: Literal["native", "raster"],
    ) -> None:
        self._printer, self._width = printer, width_dots
        self._japanese, self._qr = japanese, qr
        self._pending: list[Block] = []

    def write(self, blocks: list[Block]) -> None:
        """Initialise the printer, print the blocks, feed and cut."""
        self._printer._raw(INIT + (KANJI_SHIFT_JIS + KATAKANA_TABLE if self._japanese == "kanji" else b""))
        self._write(blocks)
        self._flush_images()
        self._printer.cut()

    def _write(self, blocks: Sequence[Block]) -> None:
        for block in blocks:
            if self._printed_as_image(block):
                self._pending.append(block)
            elif isinstance(block, Columns):  # the printer lays text out itself: one column under the other
                self._write(stacked([block]))
            elif isinstance(block, QrCode):
                self._flush_images()
                self._native_qr(block)
            else:
                self._flush_images()
                self._kanji(block)

    def _printed_as_image(self, block: Block) -> bool:
        if isinstance(block, QrCode):
            return self._qr == "raster"
        if isinstance(block, Text) and not _encodable(block.text):
            return True
        return self._japanese == "raster"

    def _flush_images(self) -> None:
        if self._pending:
            self._printer._raw(_ALIGN[False])
            self._printer.image(draw_blocks(self._pending, self._width), impl="bitImageRaster")
            self._pending = []

    def _native_qr(self, block: QrCode) -> None:
        self._printer._raw(_ALIGN[True])
        size = qr_module_dots(block.text, self._width)
        self._printer.qr(block.text, ec=QR_ECLEVEL_M, size=size, native=True)
        self._printer._raw(_ALIGN[False])

    def _kanji(self, block: Text | Rule) -> None:
        cells_per_line = self._width * 2 // BASE_DOTS
        if isinstance(block, Rule):
            self._printer._raw(_size_command(1) + _ALIGN[False] + b"-" * cells_per_line + LINE_FEED)
            return
        room = cells_per_line // block.size - block.indent
        self._printer._raw(_size_command(block.size) + _ALIGN[block.center])
        lines = wrap(
            block.text,
            lambda candidate: _cells(candidate) <= room,
            lambda candidate: _cells(candidate) <= room - block.hanging,
        )
        for number, line in enumerate(lines):
            text = " " * (block.indent + (block.hanging if number else 0)) + line
            self._printer._raw(KANJI_ON + text.encode("cp932") + KANJI_OFF + LINE_FEED)
        self._printer._raw(_size_command(1))
