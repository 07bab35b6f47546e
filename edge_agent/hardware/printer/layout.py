"""Turn a Slip into a short list of printable blocks, the one layout both the printer and the preview follow.

Blocks are plain data (text lines with a size, rules, the QR, a cut) so the ESC/POS writer and the PNG
renderer cannot drift apart. Layout decides what goes on the slip, never how bytes are encoded.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .slip import Slip, heading

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


@dataclass(frozen=True)
class Rule:
    """A horizontal separator."""


@dataclass(frozen=True)
class QrCode:
    """The case QR; its payload is Base45 text so QR alphanumeric mode keeps it intact."""

    text: str


Block = Text | Rule | QrCode


def slip_blocks(slip: Slip) -> list[Block]:
    """The slip from top to bottom: office, queue number (and its status page), counters in order, documents,
    the case QR."""
    blocks: list[Block] = [Text(slip.office, size=2, center=True)]
    if slip.issued_at:
        blocks.append(Text(slip.issued_at, center=True))
    blocks += [Rule(), Text(heading("ticket", slip.language), center=True)]
    blocks.append(Text(slip.ticket, size=4, center=True))
    if slip.status_url:
        blocks += [Text(heading("status", slip.language), center=True), QrCode(slip.status_url)]
        blocks.append(Text(slip.status_url, center=True))
    blocks += [Rule(), Text(heading("stops", slip.language))]
    for number, stop in enumerate(slip.stops, start=1):
        blocks.append(Text(f"□ {number}. {stop.name}", size=2))
        if where := " ".join(part for part in (stop.floor, stop.location) if part):
            blocks.append(Text(where, indent=4))
        blocks += [Text(f"・{procedure}", indent=4) for procedure in stop.procedures]
    if slip.documents:
        blocks += [Rule(), Text(heading("documents", slip.language))]
        blocks += [Text(f"・{document}", indent=2) for document in slip.documents]
    if slip.qr_text:
        blocks += [Rule(), QrCode(slip.qr_text), Text(heading("qr", slip.language), center=True)]
    return blocks


def wrap(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy line breaking: at spaces where the text has them, between any two characters otherwise."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\S+\s*", text) or [""]:
        if fits(line + token.rstrip()):
            line += token
            continue
        if line:
            lines.append(line.rstrip())
            line = ""
        for character in token:
            if line and not fits(line + character.rstrip()):
                lines.append(line.rstrip())
                line = ""
            line += character
    lines.append(line.rstrip())
    return lines
