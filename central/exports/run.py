"""One export run, the one path every export takes — `madoguchi central export` and the staff export endpoint.

Two kinds of record: every case with its lifecycle status (JSON lines; the CLI's `--format json` without
`--approved`), or procedure records (JSON lines, or CSV in UTF-8 with BOM or CP932), approved ones or all.
Whatever the kind, format and caller, every exported case gets an access-log entry under `user` naming the
format (`json/utf-8/cases`, `csv/cp932/approved`, ...), written as the records go out, a window at a time,
and for the last window once the export is out (or the reader stopped reading). Streamed: records are read in
chunks and written as they come, and the log holds one window of case ids, so memory stays flat however
large the export. Never logs records.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Literal

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session

from central.audit import log
from central.exports.cases import iter_cases
from central.exports.csv_rows import CsvReport, Encoding, csv_chunks
from central.exports.procedures import iter_procedures

Format = Literal["csv", "json"]
Record = dict[str, Any]
_encoder = msgspec.json.Encoder()
LOG_EVERY = 20_000
"""Records per access-log window (about 200 cases of approved procedures, 20,000 of whole cases)."""


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
    """Only these procedures (empty: all); procedure records only."""
    until: datetime | None = None
    """Only what was approved (or changed) at or before this moment: two reads of one request agree."""
    every_case: bool = False
    """Every case with its lifecycle status instead of procedure records (JSON only)."""

    @property
    def scope(self) -> str:
        """What the access log calls this export's records."""
        return "cases" if self.every_case else "approved" if self.approved else "all"


def _check(wanted: ExportRequest) -> None:
    if wanted.fmt == "json" and wanted.encoding != "utf-8":
        raise ValueError("JSON is always UTF-8; --encoding applies to CSV")
    if wanted.every_case and (wanted.fmt != "json" or wanted.approved or wanted.procedures):
        raise ValueError("the every-case export is JSON lines of whole cases; CSV is per procedure")


def _records(engine: Engine, wanted: ExportRequest) -> Iterator[tuple[str, str, Record]]:
    """(case id, office id, record) of everything the request selects."""
    if wanted.every_case:
        for case in iter_cases(engine, wanted.since, wanted.offices, wanted.until):
            yield case["id"], case["office_id"], case
        return
    for record in iter_procedures(
        engine,
        approved=wanted.approved,
        since=wanted.since,
        until=wanted.until,
        offices=wanted.offices,
        procedures=wanted.procedures,
    ):
        yield record["case_id"], record["office_id"], record


class _ExportLog:
    """The access log of one export, written as the records go out: the cases of each `LOG_EVERY` records
    are logged together, so memory holds one window of case ids however large the export. A case is
    logged once per window it appears in (an approved-order export can meet a case again later)."""

    def __init__(self, engine: Engine, user: str, what: str) -> None:
        self.engine, self.user, self.what = engine, user, what
        self.window: dict[str, str] = {}
        self.records = 0

    def tracked(self, records: Iterable[tuple[str, str, Record]]) -> Iterator[Record]:
        """Pass the records through, noting each case; a full window is logged before the next record."""
        for case_id, office_id, record in records:
            if self.records and self.records % LOG_EVERY == 0:
                self.flush()
            self.window[case_id] = office_id
            self.records += 1
            yield record

    def flush(self) -> None:
        """Log the window's cases in one transaction."""
        if not self.window:
            return
        with Session(self.engine) as session:
            subjects = ((office_id, case_id) for case_id, office_id in sorted(self.window.items()))
            log.record_each(session, self.user, "export", subjects, detail=self.what)
            session.commit()
        self.window.clear()


def _chunks(engine: Engine, wanted: ExportRequest, user: str, report: CsvReport) -> Iterator[bytes]:
    logged = _ExportLog(engine, user, f"{wanted.fmt}/{wanted.encoding}/{wanted.scope}")
    records = logged.tracked(_records(engine, wanted))
    try:
        if wanted.fmt == "csv":
            yield from csv_chunks(records, wanted.encoding, report)
            return
        for record in records:
            report.rows += 1
            yield _encoder.encode(record) + b"\n"
    finally:  # what went out is logged, even when the reader stopped half-way
        logged.flush()


def stream_export(engine: Engine, wanted: ExportRequest, user: str) -> tuple[Iterator[bytes], CsvReport]:
    """The export as a stream of bytes, and its report (complete once the stream is exhausted).

    Raises ValueError for a request that makes no sense, before anything is read.
    """
    _check(wanted)
    report = CsvReport()
    return _chunks(engine, wanted, user, report), report


def unencodable_rows(engine: Engine, wanted: ExportRequest) -> list[int]:
    """The CSV rows where the encoding lacks characters, read ahead of a stream (nothing logged)."""
    report = CsvReport()
    if wanted.fmt == "csv" and wanted.encoding != "utf-8":
        for _ in csv_chunks((record for _, _, record in _records(engine, wanted)), wanted.encoding, report):
            pass
    return [row.row for row in report.unencodable]


def run_export(engine: Engine, wanted: ExportRequest, out: IO[bytes], user: str) -> CsvReport:
    """Write the export to `out` and log it; the report lists CSV rows with characters the encoding lacks."""
    chunks, report = stream_export(engine, wanted, user)
    for chunk in chunks:
        out.write(chunk)
    return report
