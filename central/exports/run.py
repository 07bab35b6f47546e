"""One export run, as `madoguchi central export` and the staff export endpoint do it.

JSON without `approved` keeps the original case export (every case with its status, one object per line);
everything else exports procedure records: JSON lines, or CSV in UTF-8 with BOM or CP932. Every exported
procedure's case is written to the access log under `user`. Never logs the records.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import IO, Literal

from sqlalchemy import Engine

from central.exports.cases import iter_cases, write_json_lines
from central.exports.csv_rows import CsvReport, Encoding, write_csv
from central.exports.procedures import iter_procedures, log_export, tracked

Format = Literal["csv", "json"]


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export."""

    fmt: Format
    approved: bool
    encoding: Encoding = "utf-8"
    since: datetime | None = None
    offices: frozenset[str] | None = None
    """None: every office (the CLI); a user's offices over HTTP."""
    procedures: frozenset[str] = frozenset()
    """Only these procedures (empty: all); not for the unchanged case export."""


def run_export(engine: Engine, wanted: ExportRequest, out: IO[bytes], user: str) -> CsvReport:
    """Write the export to `out`; the report lists CSV rows with characters the encoding lacks."""
    if wanted.fmt == "json" and wanted.encoding != "utf-8":
        raise ValueError("JSON is always UTF-8; --encoding applies to CSV")
    if wanted.fmt == "json" and not wanted.approved and wanted.offices is None and not wanted.procedures:
        count = write_json_lines(iter_cases(engine, wanted.since), out)
        return CsvReport(rows=count)
    cases: set[tuple[str, str]] = set()
    records = tracked(
        iter_procedures(
            engine,
            approved=wanted.approved,
            since=wanted.since,
            offices=wanted.offices,
            procedures=wanted.procedures,
        ),
        cases,
    )
    if wanted.fmt == "json":
        report = CsvReport(rows=write_json_lines(records, out))
    else:
        report = write_csv(records, out, wanted.encoding)
    scope = "approved" if wanted.approved else "all"
    log_export(engine, user, cases, f"{wanted.fmt}/{wanted.encoding}/{scope}")
    return report
