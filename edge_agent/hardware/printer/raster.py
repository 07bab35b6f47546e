"""Draw slip blocks as a 1-bit image: the PNG preview, and what raster-mode printers print.

Text is drawn with a CJK font from the system (fonts-noto-cjk, else IPA Gothic) at the printer's resolution
(203 dpi: a 24-dot base font, like the printers' own Font A), so the preview is the printed slip dot for dot.
This module draws; it must never talk to a printer.
"""

import functools
import io
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from .layout import Block, QrCode, Rule, Text, wrap

BASE_DOTS = 24
"""Height of a normal character in dots; a cell (half-width character) is half of it."""
QUIET_ZONE = 4
_FONTS = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 0),  # index 0: Noto Sans CJK JP
    (Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"), 0),
)


class FontMissingError(RuntimeError):
    """No CJK font is installed (see scripts/apt-packages.txt)."""


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    for path, index in _FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size, index=index)
    raise FontMissingError("install fonts-noto-cjk to print Japanese as raster")


def qr_code(text: str) -> segno.QRCode:
    """The QR symbol for a payload: alphanumeric mode for Base45, error correction level M."""
    return segno.make_qr(text, error="m", boost_error=False)


def qr_module_dots(text: str, width_dots: int) -> int:
    """The largest module size (dots) at which the QR and its quiet zone fit the paper, at most 8."""
    modules = int(qr_code(text).symbol_size(scale=1, border=QUIET_ZONE)[0])
    size = min(8, width_dots // modules)
    if size < 2:
        raise ValueError("the QR payload is too long for this paper width")
    return size


def _qr_image(text: str, width_dots: int) -> Image.Image:
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="png", scale=qr_module_dots(text, width_dots), border=QUIET_ZONE)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("1")


def _text_lines(block: Text, width_dots: int) -> list[str]:
    font = _font(BASE_DOTS * block.size)
    indent_dots = block.indent * BASE_DOTS // 2
    return wrap(block.text, lambda line: font.getlength(line) <= width_dots - indent_dots)


def _draw_text(block: Text, width_dots: int) -> Image.Image:
    font = _font(BASE_DOTS * block.size)
    lines = _text_lines(block, width_dots)
    ascent, descent = font.getmetrics()
    line_height = ascent + descent
    image = Image.new("1", (width_dots, line_height * len(lines)), 1)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        x = block.indent * BASE_DOTS // 2
        if block.center:
            x = max(0, (width_dots - int(font.getlength(line))) // 2)
        draw.text((x, row * line_height), line, font=font, fill=0)
    return image


def _draw_rule(width_dots: int) -> Image.Image:
    image = Image.new("1", (width_dots, BASE_DOTS), 1)
    ImageDraw.Draw(image).line((0, BASE_DOTS // 2, width_dots, BASE_DOTS // 2), fill=0, width=2)
    return image


def draw_block(block: Block, width_dots: int) -> Image.Image:
    """One block as a strip of paper `width_dots` wide."""
    if isinstance(block, Text):
        return _draw_text(block, width_dots)
    if isinstance(block, Rule):
        return _draw_rule(width_dots)
    qr = _qr_image(block.text, width_dots)
    strip = Image.new("1", (width_dots, qr.height), 1)
    strip.paste(qr, ((width_dots - qr.width) // 2, 0))
    return strip


def draw_blocks(blocks: list[Block], width_dots: int) -> Image.Image:
    """Blocks stacked top to bottom on one strip of paper."""
    strips = [draw_block(block, width_dots) for block in blocks]
    image = Image.new("1", (width_dots, sum(strip.height for strip in strips) or 1), 1)
    top = 0
    for strip in strips:
        image.paste(strip, (0, top))
        top += strip.height
    return image


def png(image: Image.Image) -> bytes:
    """PNG bytes of an image."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


__all__ = ["BASE_DOTS", "FontMissingError", "QrCode", "draw_block", "draw_blocks", "png", "qr_module_dots"]
