"""A4 PDFs of a plan's forms, prefilled and laid out like the paper originals, for the citizen's signature.

Each form gets its own page(s): the title, the case's queue number, the form's fields as a ruled table
(label | value), the household rows as a ruled grid, boxes for signatures, and the staff-use box. Dates are
printed in 和暦 as Japanese forms expect. Text is set in IPA明朝 (Debian `fonts-ipafont-mincho`), so every
prefilled value is real text in the PDF. Never logs a value.
"""

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from protocol.plan import FilledField, FilledForm, Plan
from protocol.wareki import wareki_text

FONT = "IPAMincho"
FONT_FILES = (
    Path("/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"),
)
WIDTH, HEIGHT = A4
MARGIN = 15 * mm
ROW = 9 * mm
LABEL_WIDTH = 42 * mm
SIGNATURE_HEIGHT = 22 * mm
SHADE = Color(0.92, 0.92, 0.92)
GREY = Color(0.45, 0.45, 0.45)
TEXT_SIZE = 11.0
MIN_TEXT_SIZE = 6.0


class FontMissingError(RuntimeError):
    """No Japanese TrueType font is installed (install fonts-ipafont-mincho)."""


@functools.cache
def _font() -> str:
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path)))
            return FONT
    raise FontMissingError("install the Debian package fonts-ipafont-mincho")


@dataclass(frozen=True, slots=True)
class Slip:
    """What identifies the printed forms at the counter."""

    ticket: str
    case_id: str
    printed: str = ""
    """When it was printed, on the city's clock (central/city_time.py)."""


def _fitted_size(text: str, width: float, size: float = TEXT_SIZE) -> float:
    """The largest size up to `size` at which text fits the width (never below MIN_TEXT_SIZE)."""
    natural = pdfmetrics.stringWidth(text, FONT, size)
    return size if natural <= width else max(MIN_TEXT_SIZE, size * width / natural)


class _Page:
    """A canvas with a cursor that moves down the page and starts a new page when it runs out."""

    def __init__(self, canvas: Canvas, title: str, slip: Slip) -> None:
        self.canvas = canvas
        self.title = title
        self.slip = slip
        self.y = 0.0
        self._head(first=True)

    def _head(self, first: bool) -> None:
        canvas = self.canvas
        canvas.setFont(FONT, 9)
        canvas.drawRightString(WIDTH - MARGIN, HEIGHT - MARGIN, f"受付番号 {self.slip.ticket}")
        canvas.setFont(FONT, 20)
        canvas.drawCentredString(
            WIDTH / 2,
            HEIGHT - MARGIN - 12 * mm,
            self.title + ("" if first else "（続き）"),
        )
        self.y = HEIGHT - MARGIN - 22 * mm

    def need(self, height: float) -> None:
        """Make room for `height` below the cursor, on a new page if need be."""
        if self.y - height < MARGIN + 8 * mm:
            self.footer()
            self.canvas.showPage()
            self._head(first=False)

    def footer(self) -> None:
        """The line every page ends with."""
        self.canvas.setFont(FONT, 8)
        self.canvas.setFillColor(GREY)
        self.canvas.drawString(MARGIN, MARGIN, "内容をご確認のうえ、署名欄にご署名ください。（窓口で印刷）")
        printed = f"印刷 {self.slip.printed}　" if self.slip.printed else ""
        self.canvas.drawRightString(WIDTH - MARGIN, MARGIN, f"{printed}案件 {self.slip.case_id}")
        self.canvas.setFillColor(black)

    def cell(self, x: float, width: float, height: float, text: str, *, shaded: bool = False) -> None:
        """A ruled cell at the cursor line, text vertically centred and shrunk to fit."""
        canvas = self.canvas
        bottom = self.y - height
        if shaded:
            canvas.setFillColor(SHADE)
            canvas.rect(x, bottom, width, height, stroke=0, fill=1)
            canvas.setFillColor(black)
        canvas.rect(x, bottom, width, height, stroke=1, fill=0)
        if text:
            size = _fitted_size(text, width - 3 * mm)
            canvas.setFont(FONT, size)
            canvas.drawString(x + 1.5 * mm, bottom + (height - size * 0.8) / 2, text)

    def heading(self, text: str) -> None:
        """A small section heading."""
        self.need(8 * mm + ROW)
        self.y -= 6 * mm
        self.canvas.setFont(FONT, 11)
        self.canvas.drawString(MARGIN, self.y, text)
        self.y -= 2 * mm


def _value(item: FilledField) -> str:
    return wareki_text(item.value) if item.value is not None else ""


def _labelled_rows(page: _Page, fields: Iterable[FilledField]) -> None:
    value_width = WIDTH - 2 * MARGIN - LABEL_WIDTH
    for item in fields:
        page.need(ROW)
        page.cell(MARGIN, LABEL_WIDTH, ROW, item.label, shaded=True)
        page.cell(MARGIN + LABEL_WIDTH, value_width, ROW, _value(item))
        page.y -= ROW


def _member_grid(page: _Page, fields: list[FilledField]) -> None:
    columns = list(dict.fromkeys(item.id for item in fields))
    labels = {item.id: item.label for item in fields}
    members = list(dict.fromkeys(item.member for item in fields))
    width = (WIDTH - 2 * MARGIN) / len(columns)
    page.need(ROW * 2)
    for index, column in enumerate(columns):
        page.cell(MARGIN + index * width, width, ROW, labels[column], shaded=True)
    page.y -= ROW
    for member in members:
        values = {item.id: _value(item) for item in fields if item.member == member}
        page.need(ROW)
        for index, column in enumerate(columns):
            page.cell(MARGIN + index * width, width, ROW, values.get(column, ""))
        page.y -= ROW


def _signature_boxes(page: _Page, fields: list[FilledField]) -> None:
    for item in fields:
        page.need(SIGNATURE_HEIGHT)
        page.cell(MARGIN, LABEL_WIDTH, SIGNATURE_HEIGHT, item.label, shaded=True)
        page.cell(MARGIN + LABEL_WIDTH, WIDTH - 2 * MARGIN - LABEL_WIDTH, SIGNATURE_HEIGHT, "")
        page.canvas.setFont(FONT, 7)
        page.canvas.setFillColor(GREY)
        page.canvas.drawString(MARGIN + LABEL_WIDTH + 1.5 * mm, page.y - 4 * mm, "ご本人が署名してください")
        page.canvas.setFillColor(black)
        page.y -= SIGNATURE_HEIGHT


def draw_form(canvas: Canvas, form: FilledForm, procedure_name: str, slip: Slip) -> None:
    """One form, on as many pages as it takes."""
    page = _Page(canvas, form.title, slip)
    canvas.setFont(FONT, 10)
    canvas.drawString(MARGIN, page.y, f"手続：{procedure_name}")
    page.y -= 3 * mm
    by_source: dict[str, list[FilledField]] = {
        "signature": [],
        "staff": [],
        "rows": [],
        "head": [],
    }
    for item in form.fields:
        kind = item.source if item.source in ("signature", "staff") else "rows" if item.member else "head"
        by_source[kind].append(item)
    _labelled_rows(page, by_source["head"])
    if by_source["rows"]:
        page.heading("世帯員")
        _member_grid(page, by_source["rows"])
    if by_source["signature"]:
        page.heading("署名欄")
        _signature_boxes(page, by_source["signature"])
    if by_source["staff"]:
        page.heading("職員記入欄（記入しないでください）")
        _labelled_rows(page, by_source["staff"])
    page.footer()
    canvas.showPage()


def forms_pdf(plan: Plan | None, slip: Slip, department: str | None = None) -> bytes:
    """Every form of the plan (or of one department's procedures), one after another, as one PDF."""
    _font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"申請書 受付番号 {slip.ticket}")
    names = {item.id: item.name.ja for item in plan.procedures} if plan else {}
    procedures = plan.procedures if plan else []
    wanted = {item.id for item in procedures if department in (None, item.department.ja)}
    forms = [form for form in plan.forms if form.procedure in wanted] if plan else []
    for form in forms:
        draw_form(canvas, form, names.get(form.procedure, form.procedure), slip)
    if not forms:
        canvas.setFont(FONT, 14)
        canvas.drawString(MARGIN, HEIGHT - MARGIN - 12 * mm, "印刷する申請書はありません")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
