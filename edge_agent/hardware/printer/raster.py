"""Draw slip blocks as a 1-bit image: the PNG preview, and what raster-mode printers print.

Text is drawn at the printer's resolution (203 dpi: a 24-dot base font, like the printers' own Font A), so the
preview is the printed slip dot for dot. Each run of text is drawn with the first system font that has its
characters (Noto Sans CJK for Japanese, Chinese and Korean, Noto Sans for Vietnamese and other Latin, Noto
Sans Devanagari for Nepali; see scripts/apt-packages.txt) and shaped by Pillow's Raqm layout, so every kiosk
language prints. This module draws; it must never talk to a printer.
"""

import functools
import io
import math
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw, ImageFont

from .layout import Block, Columns, QrCode, Rule, Text, wrap

BASE_DOTS = 24
"""Height of a normal character in dots; a cell (half-width character) is half of it."""
SMALL_DOTS = 19
"""Height of a secondary line's characters (2.5 mm, like a printer's small Kanji font)."""
LEADING = 3
"""Dots between lines (Devanagari marks above and below the letters reach into them)."""
QUIET_ZONE = 4
MAX_MODULE_DOTS = 4
"""A QR module is at most 4 dots (0.5 mm): big enough for the counters' cameras, short enough for the slip."""
FONTS = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 0),  # index 0: Noto Sans CJK JP
    (Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"), 0),
    (Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"), 0),
    (Path("/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf"), 0),
)
"""Fonts in the order they are tried for each character; the missing ones are skipped."""


class FontMissingError(RuntimeError):
    """No CJK font is installed (see scripts/apt-packages.txt)."""


@functools.cache
def _installed() -> tuple[tuple[Path, int, frozenset[int]], ...]:
    """The installed fonts with the code points each one draws."""
    found = []
    for path, index in FONTS:
        if path.exists():
            with TTFont(path, fontNumber=index, lazy=True) as font:
                found.append((path, index, frozenset(font.getBestCmap())))
    if not found:
        raise FontMissingError("install fonts-noto-cjk to print Japanese as raster")
    return tuple(found)


@functools.cache
def _font(choice: int, size: int) -> ImageFont.FreeTypeFont:
    path, index, _ = _installed()[choice]
    return ImageFont.truetype(str(path), size, index=index, layout_engine=ImageFont.Layout.RAQM)


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` (other than white space and joiners) that no installed font can draw."""
    fonts = _installed()
    return {
        character
        for character in text
        if not character.isspace()
        and character not in "\u200c\u200d"
        and not any(ord(character) in cmap for _, _, cmap in fonts)
    }


def runs(text: str) -> list[tuple[int, str]]:
    """The text cut into runs, each with the font that draws it: a run goes on while its font has the
    next character (spaces and marks stay with their word), so a word is never split between fonts."""
    fonts = _installed()
    result: list[tuple[int, str]] = []
    for character in text:
        code = ord(character)
        if result and (character.isspace() or code in fonts[result[-1][0]][2]):
            result[-1] = (result[-1][0], result[-1][1] + character)
            continue
        choice = next((number for number, (_, _, cmap) in enumerate(fonts) if code in cmap), 0)
        if result and result[-1][0] == choice:
            result[-1] = (choice, result[-1][1] + character)
        else:
            result.append((choice, character))
    return result


def text_width(text: str, size: int) -> float:
    """Dots a line takes at a character height of `size` dots."""
    return sum(_font(choice, size).getlength(part) for choice, part in runs(text))


def qr_code(text: str) -> segno.QRCode:
    """The QR symbol for a payload: alphanumeric mode for Base45, error correction level M."""
    return segno.make_qr(text, error="m", boost_error=False)


def qr_module_dots(text: str, width_dots: int) -> int:
    """The largest module size (dots) at which the QR and its quiet zone fit the paper, at most 4."""
    modules = int(qr_code(text).symbol_size(scale=1, border=QUIET_ZONE)[0])
    size = min(MAX_MODULE_DOTS, width_dots // modules)
    if size < 2:
        raise ValueError("the QR payload is too long for this paper width")
    return size


def _qr_image(text: str, width_dots: int) -> Image.Image:
    buffer = io.BytesIO()
    qr_code(text).save(buffer, kind="png", scale=qr_module_dots(text, width_dots), border=QUIET_ZONE)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("1")


def _indents(block: Text) -> tuple[int, int]:
    """Dots before the first line and before the others."""
    first = block.indent * BASE_DOTS // 2
    return first, first + block.hanging * BASE_DOTS // 2


def _dots(block: Text) -> int:
    """The height of the block's characters."""
    return (SMALL_DOTS if block.small else BASE_DOTS) * block.size


def text_lines(block: Text, width_dots: int) -> list[str]:
    """The block's text broken into the lines printed at this paper width."""
    size = _dots(block)
    first, rest = _indents(block)
    return wrap(
        block.text,
        lambda line: text_width(line, size) <= width_dots - first,
        lambda line: text_width(line, size) <= width_dots - rest,
    )


def line_height(size: int) -> int:
    """Dots from one line to the next for characters `size` dots high."""
    return size + LEADING


def _draw_text(block: Text, width_dots: int) -> Image.Image:
    size = _dots(block)
    lines = text_lines(block, width_dots)
    height = line_height(size)
    baseline = (height - size) // 2 + round(size * 0.88)
    image = Image.new("1", (width_dots, height * len(lines)), 1)
    draw = ImageDraw.Draw(image)
    first, rest = _indents(block)
    for row, line in enumerate(lines):
        x = float(rest if row else first)
        if block.center:
            x = max(0.0, (width_dots - text_width(line, size)) / 2)
        for choice, part in runs(line):
            font = _font(choice, size)
            draw.text((x, row * height + baseline), part, font=font, fill=0, anchor="ls")
            x += font.getlength(part)
    return image


def _inked_rows(image: Image.Image) -> Image.Image:
    """The image without the blank rows above and below its ink (a large number's line box is mostly
    room for accents it does not have)."""
    box = ImageChops.invert(image.convert("L")).getbbox()
    return image if box is None else image.crop((0, max(0, box[1] - LEADING), image.width, box[3] + LEADING))


def _natural_width(block: Text | QrCode, width_dots: int) -> int:
    """Dots a line of text or a QR code takes, unwrapped."""
    if isinstance(block, QrCode):
        return _qr_image(block.text, width_dots).width
    return math.ceil(text_width(block.text, _dots(block))) + _indents(block)[0]


def _draw_columns(block: Columns, width_dots: int) -> Image.Image:
    """`aside` at its natural width on the right, `main` beside it, both centred on each other; stacked
    when `main` would get less than two fifths of the paper."""
    aside_dots = max(_natural_width(part, width_dots) for part in block.aside)
    main_dots = width_dots - aside_dots - BASE_DOTS
    if main_dots < width_dots * 2 // 5:
        return draw_blocks([*block.main, *block.aside], width_dots)
    main = draw_blocks(list(block.main), main_dots)
    aside = _inked_rows(draw_blocks(list(block.aside), aside_dots))
    image = Image.new("1", (width_dots, max(main.height, aside.height)), 1)
    image.paste(main, (0, (image.height - main.height) // 2))
    image.paste(aside, (width_dots - aside_dots, (image.height - aside.height) // 2))
    return image


def _draw_rule(width_dots: int) -> Image.Image:
    image = Image.new("1", (width_dots, BASE_DOTS // 3), 1)
    ImageDraw.Draw(image).line((0, BASE_DOTS // 6, width_dots, BASE_DOTS // 6), fill=0, width=2)
    return image


def draw_block(block: Block, width_dots: int) -> Image.Image:
    """One block as a strip of paper `width_dots` wide."""
    if isinstance(block, Text):
        return _draw_text(block, width_dots)
    if isinstance(block, Rule):
        return _draw_rule(width_dots)
    if isinstance(block, Columns):
        return _draw_columns(block, width_dots)
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


__all__ = [
    "BASE_DOTS",
    "FontMissingError",
    "QrCode",
    "draw_block",
    "draw_blocks",
    "missing_glyphs",
    "png",
    "qr_module_dots",
    "text_lines",
]
