"""The KPI figures as table rows: what the dashboard's tables show and what its CSV download holds.

The CSV is written by the exports' writer (central/exports/csv_rows.py): UTF-8 with a BOM or CP932, CRLF,
and a character CP932 lacks becomes 〓 (procedure names come from the city's catalog, so it should not
happen). Columns never reorder; new ones only ever go at the end (docs/kpi.md lists them).
"""

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Literal

from central.exports.csv_rows import Encoding, csv_writer, encodable
from central.kpi.figures import DayFigures, KpiReport, ProcedureFigures

Table = Literal["days", "procedures"]
DAY_COLUMNS = [
    "庁舎",
    "日付",
    "発券数",
    "利用件数",
    "平均窓口滞在時間（分）",
    "平均待ち時間（分）",
    "平均対応時間（分）",
    "平均後処理時間（分）",
    "後処理中の手続",
    "不在",
    "転送",
    "手書き削減項目数",
    "1件あたり手書き削減項目数",
    "満足度回答数",
    "満足度平均（10点満点）",
    "満足（8点以上）の割合（%）",
]
PROCEDURE_COLUMNS = [
    "手続ID",
    "手続名",
    "対応回数",
    "平均待ち時間（分）",
    "平均対応時間（分）",
    "平均後処理時間（分）",
    "後処理中",
]


def number(value: float | None) -> str:
    """One decimal, rounded half up as people round by hand (58.25 → 58.3); empty when there is nothing."""
    if value is None:
        return ""
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def day_row(figures: DayFigures, period: str) -> list[str]:
    """One office's day, or (with `day` None) its whole period, labelled `period`."""
    return [
        figures.office_id,
        figures.day.isoformat() if figures.day else period,
        str(figures.tickets),
        str(figures.cases_handled),
        number(figures.stay_minutes),
        number(figures.wait_minutes),
        number(figures.service_minutes),
        number(figures.after_work_minutes),
        str(figures.after_work_pending),
        str(figures.no_shows),
        str(figures.transfers),
        str(figures.fields_prefilled),
        number(figures.fields_prefilled_per_case),
        str(figures.ratings),
        number(figures.satisfaction),
        number(figures.satisfied_percent),
    ]


def procedure_row(figures: ProcedureFigures) -> list[str]:
    """One procedure over the period."""
    return [
        figures.procedure_id,
        figures.name,
        str(figures.visits),
        number(figures.wait_minutes),
        number(figures.service_minutes),
        number(figures.after_work_minutes),
        str(figures.after_work_pending),
    ]


def period_label(first: date, last: date) -> str:
    """How the period row names its period: an ISO 8601 interval (no wave dash, which CP932 maps)."""
    return f"{first.isoformat()}/{last.isoformat()}"


def _rows(report: KpiReport, table: Table, period: str) -> Iterator[list[str]]:
    if table == "procedures":
        yield PROCEDURE_COLUMNS
        yield from (procedure_row(row) for row in report.procedures)
        return
    yield DAY_COLUMNS
    yield from (day_row(row, period) for row in report.days)
    yield from (day_row(row, period) for row in report.offices)


def write_table(report: KpiReport, table: Table, period: str, out: IO[bytes], encoding: Encoding) -> None:
    """The days (then each office's period) or the procedures, as CSV."""
    with csv_writer(out, encoding) as writer:
        for cells in _rows(report, table, period):
            writer.writerow(encodable(cells, encoding)[0])
