"""CSV for core systems and RPA: one value per row, in a stable column layout, UTF-8 with BOM or CP932.

Columns (documented in docs/staff.md, never reordered; new columns only ever go at the end):
    case_id, procedure_id, procedure_name, department, office_id, ticket, status, approved_at, approved_by,
    form, member, field, label, value, gaiji, unencodable
Rows of form `_household` carry the applicant (member 0) and each household member (1, 2, ...), dates
ISO 8601; then one row per field of each of the procedure's forms, its value as the printed form shows it
(dates in 和暦, 令和8年11月22日, as in central/forms/pdf.py).
In CP932 a character the code page lacks becomes 〓 and is named (U+XXXX) in that row's `unencodable`
column and in the returned report — never silently replaced. The JIS characters CP932 maps to other code
points (〜 → ～, − → －, …) are mapped, which loses nothing.

CSV injection (OWASP): a cell that starts with `=`, `+`, `-`, `@`, a tab or a line break would be run as a
formula by Excel or LibreOffice (and by RPA tools that drive them); such a cell gets a leading `'`, which the
spreadsheet shows as text and strips. Every cell is quoted when it holds a separator, quote or line break, so
no value can start a new cell. The JSON export keeps values exact.

Written as a stream: `csv_chunks` yields the bytes record by record, so memory stays flat however large the
export. Never logs values.
"""

import contextlib
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal, Protocol

from protocol.wareki import wareki_text

Encoding = Literal["utf-8", "cp932"]
COLUMNS = [
    "case_id",
    "procedure_id",
    "procedure_name",
    "department",
    "office_id",
    "ticket",
    "status",
    "approved_at",
    "approved_by",
    "form",
    "member",
    "field",
    "label",
    "value",
    "gaiji",
    "unencodable",
]
HOUSEHOLD_FORM = "_household"
GETA = "〓"
"""The customary stand-in for a character the target code page lacks."""
CP932_EQUIVALENTS = str.maketrans(
    {
        "\u301c": "\uff5e",
        "\u2212": "\uff0d",
        "\u2016": "\u2225",
        "\u00a2": "\uffe0",
        "\u00a3": "\uffe1",
    }
    | {"\u00ac": "\uffe2", "\u2014": "\u2015"}
)
"""JIS X 0208 code points that CP932 (Windows) maps to different Unicode characters."""
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What a spreadsheet reads as the start of a formula (OWASP CSV injection), or hides one behind."""
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_PERSON_FIELDS = (
    ("name", "氏名"),
    ("address", "住所"),
    ("birth_date", "生年月日"),
    ("sex", "性別"),
)
_MEMBER_FIELDS = (
    ("name", "氏名"),
    ("relation", "続柄"),
    ("birth_date", "生年月日"),
    ("sex", "性別"),
)


@dataclass(frozen=True, slots=True)
class Unencodable:
    """One CSV row (1 = first data row) with characters the target encoding lacks."""

    row: int
    case_id: str
    procedure_id: str
    field: str
    code_points: list[str]


@dataclass(slots=True)
class CsvReport:
    """How many rows were written and which of them lost characters."""

    rows: int = 0
    unencodable: list[Unencodable] = field(default_factory=list)


def _value_rows(
    record: dict[str, Any],
) -> Iterable[tuple[str, str, str, str, str, str]]:
    """(form, member, field, label, value, gaiji path) for the household, then each form field."""
    applicant = record["applicant"]
    for name, label in _PERSON_FIELDS:
        yield (
            HOUSEHOLD_FORM,
            "0",
            name,
            label,
            str(applicant[name]),
            f"applicant.{name}",
        )
    for index, member in enumerate(record["household"]):
        for name, label in _MEMBER_FIELDS:
            yield (
                HOUSEHOLD_FORM,
                str(index + 1),
                name,
                label,
                str(member[name]),
                f"household.{index}.{name}",
            )
    for form in record["forms"]:
        for item in form["fields"]:
            yield (
                form["id"],
                item["member"] or "",
                item["id"],
                item["label"],
                wareki_text(item["value"] or ""),  # as the printed form shows it
                "",
            )


def head_of(record: dict[str, Any]) -> list[str]:
    """The cells every CSV row of one procedure record starts with (the case and the procedure)."""
    return [
        record["case_id"],
        record["procedure_id"],
        record["procedure_name"],
        record["department"],
        record["office_id"],
        record["ticket"],
        record["status"],
        record["approved_at"] or "",
        record["approved_by"] or "",
    ]


def tails_of(record: dict[str, Any]) -> Iterable[list[str]]:
    """The rest of each CSV row of one procedure record (form to gaiji; `unencodable` comes last)."""
    flagged = set(record["gaiji"])
    for form, member, name, label, value, path in _value_rows(record):
        yield [form, member, name, label, value, "1" if path in flagged else ""]


def _cp932_cell(cell: str, missing: list[str]) -> str:
    """A cell CP932 can carry: equivalents mapped, anything else as 〓 with its code point noted."""
    if cell.isascii():  # ids, times, numbers: CP932 carries ASCII as it is
        return cell
    text = cell.translate(CP932_EQUIVALENTS)
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        pass
    else:
        return text
    kept = []
    for char in text:
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            missing.append(f"U+{ord(char):04X}")
            kept.append(GETA)
        else:
            kept.append(char)
    return "".join(kept)


def encodable(cells: list[str], encoding: Encoding) -> tuple[list[str], list[str]]:
    """The cells as the encoding can carry them, and the code points it could not."""
    if encoding == "utf-8":
        return cells, []
    missing: list[str] = []
    return [_cp932_cell(cell, missing) for cell in cells], missing


def neutralised(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: a leading `'` before anything that starts a formula
    (a plain number such as `-3` or `+1.5` stays as it is: it computes nothing)."""
    if cell.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell):
        return f"'{cell}"
    return cell


def _encoded(line: str, encoding: Encoding, first: bool) -> bytes:
    if encoding == "cp932":
        return line.encode("cp932")
    return ("\ufeff" if first else "").encode() + line.encode()


def csv_chunks(records: Iterable[dict[str, Any]], encoding: Encoding, report: CsvReport) -> Iterator[bytes]:
    """The header, then each record's rows, as encoded bytes; fills `report` as it goes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    first = True
    for record in records:
        head, head_missing = encodable([neutralised(cell) for cell in head_of(record)], encoding)
        for tail in tails_of(record):  # the head is checked once a record, not once a row
            kept, missing = encodable([neutralised(cell) for cell in tail], encoding)
            missing = head_missing + missing
            report.rows += 1
            if missing:
                report.unencodable.append(
                    Unencodable(report.rows, record["case_id"], record["procedure_id"], tail[2], missing)
                )
            writer.writerow([*head, *kept, " ".join(missing)])
        yield _encoded(buffer.getvalue(), encoding, first)
        first = False
        buffer.seek(0)
        buffer.truncate()
    if first:  # no records: the header alone
        yield _encoded(buffer.getvalue(), encoding, first)


class RowWriter(Protocol):
    """What `csv.writer` returns, as far as callers use it."""

    def writerow(self, row: Iterable[str], /) -> Any:
        """Write one row."""


class _Neutralising:
    """A CSV writer whose every cell is `neutralised` first."""

    def __init__(self, writer: RowWriter) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[str], /) -> Any:
        return self._writer.writerow([neutralised(cell) for cell in row])


@contextlib.contextmanager
def csv_writer(out: IO[bytes], encoding: Encoding) -> Iterator[RowWriter]:
    """A CSV writer onto `out`: UTF-8 with a BOM (so Excel reads it as UTF-8) or CP932, CRLF line ends, no
    cell starting a formula (`neutralised`).

    Cells must already be `encodable`; `out` stays open."""
    text = io.TextIOWrapper(out, encoding="cp932" if encoding == "cp932" else "utf-8-sig", newline="")
    yield _Neutralising(csv.writer(text, lineterminator="\r\n"))
    text.flush()
    text.detach()


def write_csv(records: Iterable[dict[str, Any]], out: IO[bytes], encoding: Encoding) -> CsvReport:
    """Write the header and every record's rows; returns the report of unencodable characters."""
    report = CsvReport()
    for chunk in csv_chunks(records, encoding, report):
        out.write(chunk)
    return report
