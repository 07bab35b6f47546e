"""CSV for core systems and RPA: one value per row, in a stable column layout, UTF-8 with BOM or CP932.

Columns (documented in docs/staff.md, never reordered; new columns only ever go at the end):
    case_id, procedure_id, procedure_name, department, office_id, ticket, status, approved_at, approved_by,
    form, member, field, label, value, gaiji, unencodable
Rows of form `_household` carry the applicant (member 0) and each household member (1, 2, ...); then one row
per field of each of the procedure's forms. In CP932 a character the code page lacks becomes 〓 and is named
(U+XXXX) in that row's `unencodable` column and in the returned report — never silently replaced. The JIS
characters CP932 maps to other code points (〜 → ～, − → －, …) are mapped, which loses nothing.
Never logs values.
"""

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal, Protocol

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
                item["value"] or "",
                "",
            )


def rows_of(record: dict[str, Any]) -> Iterable[list[str]]:
    """The CSV rows of one procedure record (without the `unencodable` column)."""
    head = [
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
    flagged = set(record["gaiji"])
    for form, member, name, label, value, path in _value_rows(record):
        yield [*head, form, member, name, label, value, "1" if path in flagged else ""]


def _cp932_cell(cell: str, missing: list[str]) -> str:
    """A cell CP932 can carry: equivalents mapped, anything else as 〓 with its code point noted."""
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


class RowWriter(Protocol):
    """What `csv.writer` returns, as far as callers use it."""

    def writerow(self, row: Iterable[str], /) -> Any:
        """Write one row."""


@contextlib.contextmanager
def csv_writer(out: IO[bytes], encoding: Encoding) -> Iterator[RowWriter]:
    """A CSV writer onto `out`: UTF-8 with a BOM (so Excel reads it as UTF-8) or CP932, CRLF line ends.

    Cells must already be `encodable`; `out` stays open."""
    text = io.TextIOWrapper(out, encoding="cp932" if encoding == "cp932" else "utf-8-sig", newline="")
    yield csv.writer(text, lineterminator="\r\n")
    text.flush()
    text.detach()


def write_csv(records: Iterable[dict[str, Any]], out: IO[bytes], encoding: Encoding) -> CsvReport:
    """Write the header and every record's rows; returns the report of unencodable characters."""
    report = CsvReport()
    with csv_writer(out, encoding) as writer:
        writer.writerow(COLUMNS)
        for record in records:
            for cells in rows_of(record):
                kept, missing = encodable(cells, encoding)
                report.rows += 1
                if missing:
                    report.unencodable.append(
                        Unencodable(
                            report.rows,
                            record["case_id"],
                            record["procedure_id"],
                            cells[11],
                            missing,
                        )
                    )
                writer.writerow([*kept, " ".join(missing)])
    return report
