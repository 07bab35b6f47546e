"""Exports against hostile values: CSV cells that a spreadsheet would run are neutralised (OWASP), the JSON
export stays exact, and exports stream with flat memory (defects 4 and 5 of the review)."""

import csv
import io
import random
import re
import tracemalloc
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.cases.actions import approve
from central.cases.interview import record_interview
from central.db import make_engine
from central.exports.csv_rows import CsvReport, Encoding, csv_chunks, neutralised
from central.exports.run import ExportRequest, Format, run_export
from central.models import CaseProcedure, Role
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from protocol.wareki import wareki_text
from testbed.households import citizen

HOSTILE = ['=HYPERLINK("http://x.example/","a")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1+1", "\r=1"]
# a supervisor: clerks approve only their own department
STAFF = Staff("tester", Role.SUPERVISOR, frozenset({"honcho"}), frozenset(), "csrf")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A real SQLite database with one approved interview case whose applicant is named `=HYPERLINK(...)` and
    whose household members carry the other formula starts."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'central.db'}")
    facts = citizen(random.Random(4), 4)
    facts = msgspec.structs.replace(
        facts,
        applicant=msgspec.structs.replace(
            facts.applicant, name=HOSTILE[0], address="@" + facts.applicant.address
        ),
        household=[msgspec.structs.replace(facts.household[0], name=name) for name in HOSTILE[1:]],
    )
    case_id = record_interview(engine, CatalogPlanner.load(SAMPLE_CATALOG), STAFF, "honcho", facts)
    with Session(engine) as session:
        procedures = [row.procedure_id for row in session.exec(select(CaseProcedure))]
    for procedure_id in procedures:
        approve(engine, STAFF, case_id, procedure_id)
    yield engine
    engine.dispose()


def export(engine: Engine, fmt: Format, encoding: Encoding = "utf-8") -> bytes:
    out = io.BytesIO()
    run_export(engine, ExportRequest(fmt, approved=True, encoding=encoding), out, user="test")
    return out.getvalue()


@pytest.mark.parametrize(("encoding", "codec"), [("utf-8", "utf-8-sig"), ("cp932", "cp932")])
def test_no_csv_cell_starts_a_formula(engine: Engine, encoding: Encoding, codec: str) -> None:
    rows = list(csv.reader(io.StringIO(export(engine, "csv", encoding).decode(codec), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\n")]
    values = {row[13] for row in rows[1:]}
    assert {"'" + name for name in HOSTILE} <= values  # shown as text, nothing lost
    assert any(value.startswith("'@") for value in values)


def test_the_json_export_keeps_values_exact(engine: Engine) -> None:
    records = [msgspec.json.decode(line) for line in export(engine, "json").splitlines()]
    assert records
    assert all(record["applicant"]["name"] == HOSTILE[0] for record in records)
    assert all([m["name"] for m in record["household"]] == HOSTILE[1:] for record in records)


def test_form_dates_are_in_wareki_as_the_printed_form_shows_them(engine: Engine) -> None:
    written = {
        (record["procedure_id"], form["id"], item["id"], item["member"] or ""): item["value"]
        for record in map(msgspec.json.decode, export(engine, "json").splitlines())
        for form in record["forms"]
        for item in form["fields"]
        if item["value"] and re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", item["value"])
    }
    assert written, "the case's forms carry dates"
    rows = csv.reader(io.StringIO(export(engine, "csv").decode("utf-8-sig"), newline=""))
    shown = {(row[1], row[9], row[11], row[10]): row[13] for row in rows}
    for key, value in written.items():
        assert shown[key] == wareki_text(value)
        assert shown[key].startswith(("令和", "平成", "昭和"))


def _records(count: int) -> Iterator[dict[str, Any]]:
    """Procedure records as large as the facts bounds allow (200 rows each), made one at a time."""
    for index in range(count):
        yield {
            "case_id": f"case-{index}",
            "procedure_id": "tennyu_todoke",
            "procedure_name": "転入届",
            "department": "市民課",
            "office_id": "honcho",
            "ticket": "A001",
            "status": "done",
            "approved_at": None,
            "approved_by": None,
            "applicant": {"name": "山" * 100, "address": "町" * 200, "birth_date": "1990-01-01", "sex": "1"},
            "household": [{"name": "川" * 100, "relation": "child", "birth_date": "2010-01-01", "sex": "2"}]
            * 19,
            "forms": [
                {
                    "id": "f",
                    "fields": [
                        {"id": f"x{n}", "label": "項目", "member": None, "value": "値" * 100}
                        for n in range(100)
                    ],
                }
            ],
            "gaiji": [],
        }


def test_csv_streams_with_flat_memory() -> None:
    """10 MB of CSV is written with a peak far below its size: nothing builds the whole body."""
    tracemalloc.start()
    written = 0
    try:
        for chunk in csv_chunks(_records(250), "cp932", CsvReport()):
            written += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written > 8_000_000
    assert peak < 1_000_000


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("-3", "-3"),
        ("+1.5", "+1.5"),
        ("-2+3", "'-2+3"),
        ("=1", "'=1"),
        ("@A1", "'@A1"),
        ("-", "'-"),
        ("a=1", "a=1"),
    ],
)
def test_plain_numbers_stay_numbers_and_anything_else_that_computes_is_text(cell: str, shown: str) -> None:
    assert neutralised(cell) == shown
