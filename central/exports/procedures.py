"""Read procedures for export: approved ones (what core systems pick up) or all, with their case records.

Used by the CLI export and the staff export endpoint; every case exported gets an access-log entry under the
exporting user. Never logs the records themselves.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.audit import log
from central.exports.records import gaiji_fields, procedure_record
from central.models import CaseProcedure, WorkCase


def iter_procedures(
    engine: Engine,
    *,
    approved: bool,
    since: datetime | None = None,
    offices: frozenset[str] | None = None,
    procedures: frozenset[str] = frozenset(),
) -> Iterator[dict[str, Any]]:
    """Procedure records in approval (or update) order; `offices` None means every office, and an empty
    `procedures` every procedure (a department's system usually wants its own procedures only)."""
    moment = col(CaseProcedure.approved_at) if approved else col(CaseProcedure.updated_at)
    query = (
        select(CaseProcedure, WorkCase)
        .join(WorkCase, col(WorkCase.id) == col(CaseProcedure.case_id))
        .order_by(moment, col(CaseProcedure.case_id), col(CaseProcedure.procedure_id))
    )
    if approved:
        query = query.where(col(CaseProcedure.approved_at).is_not(None))
    if since is not None:
        query = query.where(moment >= since)
    if offices is not None:
        query = query.where(col(WorkCase.office_id).in_(offices))
    if procedures:
        query = query.where(col(CaseProcedure.procedure_id).in_(procedures))
    with Session(engine) as session:
        flagged: dict[str, list[str]] = {}
        for row, work in session.exec(query):
            if work.id not in flagged:
                flagged[work.id] = gaiji_fields(session, work.id)
            yield procedure_record(work, row, flagged[work.id])


def tracked(records: Iterable[dict[str, Any]], cases: set[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """Pass records through, noting each (case id, office id) for the access log."""
    for record in records:
        cases.add((record["case_id"], record["office_id"]))
        yield record


def log_export(engine: Engine, user: str, cases: set[tuple[str, str]], what: str) -> None:
    """One access-log entry per exported case."""
    with Session(engine) as session:
        for case_id, office_id in sorted(cases):
            log.record(
                session,
                user,
                "export",
                office_id=office_id,
                case_id=case_id,
                detail=what,
            )
        session.commit()
