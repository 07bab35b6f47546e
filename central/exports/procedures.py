"""Read procedures for export: approved ones (what core systems pick up) or all, with their case records.

Used by the one export path (central/exports/run.py), which writes the access log. Never logs the records.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.exports.cases import CHUNK
from central.exports.records import gaiji_fields, procedure_record
from central.models import Case, CaseProcedure

STREAM_ROWS = 500
"""Rows fetched at a time: an export's memory stays flat however many procedures it writes."""


def iter_procedures(
    engine: Engine,
    *,
    approved: bool,
    since: datetime | None = None,
    until: datetime | None = None,
    offices: frozenset[str] | None = None,
    procedures: frozenset[str] = frozenset(),
) -> Iterator[dict[str, Any]]:
    """Procedure records in approval (or update) order; `offices` None means every office, and an empty
    `procedures` every procedure (a department's system usually wants its own procedures only)."""
    moment = col(CaseProcedure.approved_at) if approved else col(CaseProcedure.updated_at)
    query = (
        select(CaseProcedure, Case)
        .join(Case, col(Case.id) == col(CaseProcedure.case_id))
        .order_by(moment, col(CaseProcedure.case_id), col(CaseProcedure.procedure_id))
        .execution_options(yield_per=STREAM_ROWS)
    )
    if approved:
        query = query.where(col(CaseProcedure.approved_at).is_not(None))
    if since is not None:
        query = query.where(moment >= since)
    if until is not None:
        query = query.where(moment <= until)
    if offices is not None:
        query = query.where(col(Case.office_id).in_(offices))
    if procedures:
        query = query.where(col(CaseProcedure.procedure_id).in_(procedures))
    with Session(engine) as session:
        last, flagged = "", list[str]()
        for row, case in session.exec(query.execution_options(yield_per=CHUNK)):
            if case.id != last:  # rows come in chunks; one case's flags are kept, not every case's
                last, flagged = case.id, gaiji_fields(session, case.id)
            yield procedure_record(case, row, flagged)
