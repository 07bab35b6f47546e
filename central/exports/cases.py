"""The every-case export as JSON lines: each case central holds, with its lifecycle status, one per line.

This is the CLI contract's `madoguchi central export --format json` (docs/staff.md documents the shape): the
one case record — origin, lifecycle status, when it synced, the current (corrected) facts and plan — and its
procedures with their status. Read in chunks, so memory stays flat however many cases the city keeps.
Never logs a record.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.cases.views import ProcedureRow, procedures_of
from central.city_time import city_iso
from central.models import Case

CHUNK = 500


def _moment(value: datetime | None) -> str | None:
    """ISO 8601 on the city's clock with its offset (the same instant as stored, readable as local time)."""
    return city_iso(value) if value else None


def case_record(case: Case, procedures: Sequence[ProcedureRow]) -> dict[str, Any]:
    """The exported shape of one case; facts and plan are nested objects, not strings."""
    return {
        "id": case.id,
        "status": case.status,
        "origin": case.origin,
        "office_id": case.office_id,
        "device_id": case.device_id,
        "life_event": case.life_event,
        "language": case.language,
        "ticket": case.ticket,
        "created_at": _moment(case.created_at),
        "received_at": _moment(case.received_at),
        "updated_at": _moment(case.updated_at),
        "facts": msgspec.json.decode(case.facts),
        "plan": msgspec.json.decode(case.plan),
        "procedures": [
            {
                "id": row.procedure_id,
                "name": row.name,
                "counter": row.counter,
                "status": row.status,
                "approved_at": _moment(row.approved_at),
                "approved_by": row.approved_by,
            }
            for row in procedures
        ],
    }


def iter_cases(
    engine: Engine,
    since: datetime | None = None,
    offices: frozenset[str] | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Case records in order of their last change, optionally only those changed at or after `since`
    (and at or before `until`); `offices` None means every office."""
    query = select(Case).order_by(col(Case.updated_at), col(Case.id)).execution_options(yield_per=CHUNK)
    if since is not None:
        query = query.where(col(Case.updated_at) >= since)
    if until is not None:
        query = query.where(col(Case.updated_at) <= until)
    if offices is not None:
        query = query.where(col(Case.office_id).in_(offices))
    with Session(engine) as session:
        for chunk in session.exec(query).partitions():
            procedures = procedures_of(session, [case.id for case in chunk])
            for case in chunk:
                yield case_record(case, procedures[case.id])
