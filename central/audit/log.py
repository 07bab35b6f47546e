"""Write and read the access log. Entries name ids and actions, never a citizen's data."""

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.models import AccessEntry

_table = AccessEntry.__table__  # type: ignore[attr-defined]
BATCH = 1000
"""Entries per insert statement (an export logs every case it wrote)."""


def record(
    session: Session,
    user: str,
    action: str,
    *,
    office_id: str | None = None,
    case_id: str | None = None,
    detail: str = "",
) -> None:
    """Add one entry to the caller's transaction, so the log and the act commit together."""
    record_each(session, user, action, [(office_id, case_id)], detail)


def record_each(
    session: Session,
    user: str,
    action: str,
    subjects: Iterable[tuple[str | None, str | None]],
    detail: str = "",
) -> None:
    """Add one entry per (office id, case id) to the caller's transaction: plain inserts of many rows at
    a time (no ORM object to build and flush), as cheap as a logged view or a large export can have them."""
    at, batch = datetime.now(UTC), list[dict[str, object]]()
    for office_id, case_id in subjects:
        entry = {"office_id": office_id, "case_id": case_id}
        batch.append(entry | {"at": at, "user_name": user, "action": action, "detail": detail[:200]})
        if len(batch) == BATCH:
            session.connection().execute(sa.insert(_table), batch)
            batch = []
    if batch:
        session.connection().execute(sa.insert(_table), batch)


def entries(
    engine: Engine,
    offices: frozenset[str] | None,
    case_id: str | None = None,
    limit: int = 500,
) -> list[AccessEntry]:
    """The newest entries first, for these offices (None: all, e.g. purges) and optionally one case."""
    query = select(AccessEntry).order_by(col(AccessEntry.id).desc()).limit(limit)
    if offices is not None:
        query = query.where(col(AccessEntry.office_id).in_(offices))
    if case_id is not None:
        query = query.where(AccessEntry.case_id == case_id)
    with Session(engine) as session:
        return list(session.exec(query))
