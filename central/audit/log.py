"""Write and read the access log. Entries name ids and actions, never a citizen's data."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.models import AccessEntry

_table = AccessEntry.__table__  # type: ignore[attr-defined]


def record(
    session: Session,
    user: str,
    action: str,
    *,
    office_id: str | None = None,
    case_id: str | None = None,
    detail: str = "",
) -> None:
    """Add one entry to the caller's transaction, so the log and the act commit together: a plain insert
    (no ORM object to build and flush), as cheap as a row can be for a view that pages read many times."""
    session.connection().execute(
        sa.insert(_table),
        {
            "at": datetime.now(UTC),
            "user_name": user,
            "action": action,
            "office_id": office_id,
            "case_id": case_id,
            "detail": detail[:200],
        },
    )


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
