"""Retention: purge cases older than the city's retention period, writing each purge to the access log.

The period comes from MADOGUCHI_RETENTION_DAYS (default 1827 days, five years). A purge deletes the case, its
procedures, corrections, versions, search keys and webhook deliveries; the access log keeps who saw the case
and that it was purged. Never logs personal data.
"""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from litestar.datastructures import State
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from central.audit import log
from central.background import Loop
from central.models import Case, CaseKey, CaseProcedure, CaseVersion, Correction, WebhookDelivery

DEFAULT_RETENTION_DAYS = 1827
PURGE_BATCH = 500
PURGER = "retention"
"""The user name purges are logged under."""
PURGE_INTERVAL = 3600.0


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Cases created before this are past retention."""
    days = int(os.environ.get("MADOGUCHI_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    return (now or datetime.now(UTC)) - timedelta(days=days)


def _expired_ids(session: Session, before: datetime) -> list[tuple[str, str]]:
    expired = select(Case.id, Case.office_id).where(col(Case.created_at) < before).limit(PURGE_BATCH)
    return sorted(session.exec(expired))


def purge_before(engine: Engine, before: datetime) -> int:
    """Delete every case created before `before`, one batch per transaction; returns how many."""
    purged = 0
    while True:
        with Session(engine) as session:
            expired = _expired_ids(session, before)
            if not expired:
                return purged
            ids = [case_id for case_id, _ in expired]
            for table, key in (
                (CaseProcedure, CaseProcedure.case_id),
                (Correction, Correction.case_id),
                (CaseVersion, CaseVersion.case_id),
                (CaseKey, CaseKey.case_id),
                (WebhookDelivery, WebhookDelivery.case_id),
                (Case, Case.id),
            ):
                session.exec(delete(table).where(col(key).in_(ids)))
            for case_id, office_id in expired:
                log.record(
                    session,
                    PURGER,
                    "purge",
                    office_id=office_id,
                    case_id=case_id,
                    detail=before.date().isoformat(),
                )
            session.commit()
            purged += len(expired)


@contextlib.asynccontextmanager
async def retention_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The audit slice's background loop: purge what is past retention, hourly."""
    engine = state.engine
    yield [
        Loop("retention", PURGE_INTERVAL, lambda: asyncio.to_thread(purge_before, engine, retention_cutoff()))
    ]
