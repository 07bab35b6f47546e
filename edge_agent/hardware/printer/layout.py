"""Turn a Slip into a short list of printable blocks, the one layout both the printer and the preview follow.

Blocks are plain data (text lines with a size, rules, the QR, a cut) so the ESC/POS writer and the PNG
renderer cannot drift apart. Layout decides what goes on the slip, never how bytes are encoded.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .slip import Slip

Size = Literal[1, 2, 4]
"""Character magnification: 1 normal, 2 for headings, 4 for the queue number."""


@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped to the paper width by the renderer."""

    text: str
    size: Size = 1
    center: bool = False
    indent: int = 0
    """Indentation of every line, in character cells."""
    hanging: int = 0
    """Extra indentation of the lines after the first (a checklist item's text under its box)."""
    small: bool = False
    """A secondary line (what is done at a counter, what to bring): a smaller font where the slip is drawn;
    a Kanji-mode printer prints it in its own font."""


@dataclass(frozen=True)
class Rule:
    """A horizontal separator."""


@dataclass(frozen=True)
class QrCode:
    """The case QR; its payload is Base45 text so QR alphanumeric mode keeps it intact."""

    text: str


@dataclass(frozen=True)
class Columns:
    """Two columns side by side: `aside` on the right at its natural width, `main` wrapped in the rest;
    one after the other (main first) where the paper is too narrow or the printer prints text itself."""

    main: tuple[Text, ...]
    aside: tuple[Text | QrCode, ...]


Block = Text | Rule | QrCode | Columns


def stacked(blocks: list[Block]) -> list[Text | Rule | QrCode]:
    """The blocks one under another, columns opened (main first): the order a reader reads them, and how
    a printer that lays out its own text prints them."""
    return [
        part
        for block in blocks
        for part in ((*block.main, *block.aside) if isinstance(block, Columns) else (block,))
    ]


_CJK_RANGES = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK = re.compile(f"[{_CJK_RANGES}]")
"""Japanese and Chinese: no spaces between words, so a line may break between any two characters."""


def listed(items: list[str]) -> str:
    """Items in one paragraph: "・" between Japanese or Chinese items (in CP932, so Kanji mode prints it),
    "; " between the others (lines break after it)."""
    return ("・" if all(_CJK.search(item) for item in items) else "; ").join(items)


def _header(slip: Slip) -> Block:
    """The queue number large on the right; its heading, the office and the time beside it."""
    beside = (slip.headings.ticket, slip.office, slip.issued_at)
    number = Text(slip.ticket, size=4)
    return Columns(main=tuple(Text(text, small=True) for text in beside if text), aside=(number,))


def _status_page(slip: Slip) -> Block:
    """The status page's QR on the right; what it is for and its address (to type in) beside it."""
    heading = (Text(slip.headings.status, small=True),) if slip.headings.status else ()
    return Columns(main=(*heading, Text(slip.status_url)), aside=(QrCode(slip.status_url),))


def _checklist(slip: Slip) -> list[Block]:
    """One box per counter with its place; what is done there, and what is only information, under it."""
    blocks: list[Block] = [Text(slip.headings.stops)] if slip.headings.stops else []
    for number, stop in enumerate(slip.stops, start=1):
        where = stop.location or stop.floor
        blocks.append(Text(f"□{number} {stop.name}" + (f" → {where}" if where else ""), hanging=3))
        if stop.procedures:
            blocks.append(Text(listed(stop.procedures), indent=3, small=True))
        if stop.guidance:
            mark = slip.headings.guidance
            blocks.append(Text(f"{mark} {listed(stop.guidance)}".strip(), indent=3, small=True))
    return blocks


def slip_blocks(slip: Slip) -> list[Block]:
    """The slip from top to bottom: queue number with office and time (and its status page), the counters
    as a checklist, documents, the case QR.

    Kept short (a household's slip should not reach the floor): one line per counter, its place and what
    is done there as one wrapped paragraph each in a smaller font, documents as one paragraph.
    """
    headings = slip.headings
    blocks: list[Block] = [_header(slip)]
    if slip.status_url:
        blocks.append(_status_page(slip))
    blocks += [Rule(), *_checklist(slip)]
    if slip.documents:
        documents = listed(slip.documents)
        said = f"{headings.documents}: {documents}" if headings.documents else documents
        blocks += [Rule(), Text(said, small=True)]
    if slip.qr_text:
        blocks += [Rule(), QrCode(slip.qr_text)] if not slip.documents else [QrCode(slip.qr_text)]
        if headings.qr:
            blocks.append(Text(headings.qr, center=True, small=True))
    return blocks


_NO_LINE_START = frozenset("、。・，．）」』】〕！？ー")
"""Japanese punctuation that must not begin a line (禁則): the word before it moves down too."""
_NO_LINE_END = frozenset("（「『【〔")
"""Opening brackets that must not end a line: they move down with the word they open."""
_TOKEN = re.compile(f"(?:【[^】\\s]{{1,4}}】|[{_CJK_RANGES}]|[^\\s{_CJK_RANGES}]+)\\s*|\\s+")
"""A short mark such as 【案内】, a Japanese or Chinese character, or a word of any other script, with the
spaces after it."""


def wrap(text: str, fits: Callable[[str], bool], rest: Callable[[str], bool] | None = None) -> list[str]:
    """Greedy line breaking at the paper width: between words, and between any two CJK characters (禁則
    kept); a word is cut only when it is longer than a line.

    `rest` says what fits on the lines after the first (a hanging indent); by default the same as `fits`.
    """
    lines: list[str] = []
    line: list[str] = []

    def room(candidate: list[str]) -> bool:
        return (fits if not lines or rest is None else rest)("".join(candidate).rstrip())

    def break_line() -> None:
        nonlocal line
        carried = 0
        while carried < len(line) - 1 and line[-1 - carried].strip() in _NO_LINE_END:
            carried += 1
        lines.append("".join(line[: len(line) - carried]).rstrip())
        line = line[len(line) - carried :]

    for token in _TOKEN.findall(text) or [""]:
        if room([*line, token]):
            line.append(token)
            continue
        if token[0] in _NO_LINE_START and len(line) > 1:
            last = line.pop()
            break_line()
            line.append(last)
        elif line:
            break_line()
        if room([*line, token]):
            line.append(token)
            continue
        for character in token:  # a word longer than a line
            if line and not room([*line, character]):
                break_line()
            line.append(character)
    lines.append("".join(line).rstrip())
    return lines
