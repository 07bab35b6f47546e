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


@dataclass(frozen=True)
class Rule:
    """A horizontal separator."""


@dataclass(frozen=True)
class QrCode:
    """The case QR; its payload is Base45 text so QR alphanumeric mode keeps it intact."""

    text: str


Block = Text | Rule | QrCode

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
"""Japanese and Chinese: no spaces between words, so a line may break between any two characters."""


def listed(items: list[str]) -> str:
    """Items in one paragraph: "・" between Japanese or Chinese items (in CP932, so Kanji mode prints it),
    "; " between the others (lines break after it)."""
    return ("・" if all(_CJK.search(item) for item in items) else "; ").join(items)


def slip_blocks(slip: Slip) -> list[Block]:
    """The slip from top to bottom: office and time, queue number (and its status page), the counters as a
    checklist, documents, the case QR.

    Kept short (a household's slip should not reach the floor): one line per counter, its place and what
    is done there as one wrapped paragraph each, documents as one paragraph.
    """
    headings = slip.headings
    top = "  ".join(part for part in (slip.office, slip.issued_at) if part)
    blocks: list[Block] = [Text(top, center=True), Rule()]
    if headings.ticket:
        blocks.append(Text(headings.ticket, center=True))
    blocks.append(Text(slip.ticket, size=4, center=True))
    if slip.status_url:
        blocks += [Text(headings.status, center=True)] if headings.status else []
        blocks += [QrCode(slip.status_url), Text(slip.status_url, center=True)]
    blocks.append(Rule())
    if headings.stops:
        blocks.append(Text(headings.stops))
    for number, stop in enumerate(slip.stops, start=1):
        where = stop.location or stop.floor
        blocks.append(Text(f"□{number} {stop.name}" + (f" → {where}" if where else ""), hanging=3))
        if stop.procedures:
            blocks.append(Text(listed(stop.procedures), indent=3))
    if slip.documents:
        documents = listed(slip.documents)
        blocks += [Rule(), Text(f"{headings.documents}: {documents}" if headings.documents else documents)]
    if slip.qr_text:
        blocks += [Rule(), QrCode(slip.qr_text)] if not slip.documents else [QrCode(slip.qr_text)]
        if headings.qr:
            blocks.append(Text(headings.qr, center=True))
    return blocks


_NO_LINE_START = frozenset("、。・，．）」』】〕！？ー")
"""Japanese punctuation that must not begin a line (禁則): the character before it moves down too."""


def wrap(text: str, fits: Callable[[str], bool], rest: Callable[[str], bool] | None = None) -> list[str]:
    """Greedy line breaking: at spaces, and between any two CJK characters; a word without CJK characters
    moves to the next line whole unless it is longer than a line.

    `rest` says what fits on the lines after the first (a hanging indent); by default the same as `fits`.
    """
    lines: list[str] = []
    line = ""

    def room(candidate: str) -> bool:
        return (fits if not lines or rest is None else rest)(candidate)

    for token in re.findall(r"\S+\s*", text) or [""]:
        if room(line + token.rstrip()):
            line += token
            continue
        if line and not _CJK.search(token):
            lines.append(line.rstrip())
            line = ""
        for character in token:
            if line and not room(line + character.rstrip()):
                carried = line[-1] if character in _NO_LINE_START and len(line) > 1 else ""
                lines.append(line[: len(line) - len(carried)].rstrip())
                line = carried
            line += character
    lines.append(line.rstrip())
    return lines
