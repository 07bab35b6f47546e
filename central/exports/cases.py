"""Case export as JSON lines: every case with its status, one object per line (DESIGN.md CLI contract)."""

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.models import Case

_encoder = msgspec.json.Encoder()


def case_record(case: Case) -> dict[str, Any]:
    """The exported shape of one case; facts and plan are nested objects, not strings."""
    return {
        "id": case.id,
        "status": case.status,
        "office_id": case.office_id,
        "device_id": case.device_id,
        "life_event": case.life_event,
        "language": case.language,
        "ticket": case.ticket,
        "created_at": case.created_at.isoformat(),
        "received_at": case.received_at.isoformat(),
        "facts": msgspec.json.decode(case.facts),
        "plan": msgspec.json.decode(case.plan),  # exported as stored: the unit's plan, or null
    }


def iter_cases(engine: Engine, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Yield exported records in arrival order, optionally only those received at or after `since`."""
    query = select(Case).order_by(col(Case.received_at), col(Case.id))
    if since is not None:
        query = query.where(col(Case.received_at) >= since)
    with Session(engine) as session:
        for case in session.exec(query).yield_per(500):
            yield case_record(case)


def write_json_lines(records: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    """Write one JSON object per line; returns how many were written."""
    count = 0
    for record in records:
        out.write(_encoder.encode(record) + b"\n")
        count += 1
    return count
