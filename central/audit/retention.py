"""Retention: purge cases older than the city's retention period, writing each purge to the access log.

The period comes from MADOGUCHI_RETENTION_DAYS (default 1827 days, five years). A purge deletes the synced
case, staff's working record, its procedures, corrections and webhook deliveries; the access log keeps who
saw the case and that it was purged. Never logs personal data.
"""

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from central.audit import log
from central.models import Case, CaseProcedure, Correction, WebhookDelivery, WorkCase

DEFAULT_RETENTION_DAYS = 1827
PURGE_BATCH = 500
PURGER = "retention"
"""The user name purges are logged under."""


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Cases created before this are past retention."""
    days = int(os.environ.get("MADOGUCHI_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    return (now or datetime.now(UTC)) - timedelta(days=days)


def _expired_ids(session: Session, before: datetime) -> list[tuple[str, str]]:
    synced = select(Case.id, Case.office_id).where(col(Case.created_at) < before).limit(PURGE_BATCH)
    working = (
        select(WorkCase.id, WorkCase.office_id).where(col(WorkCase.created_at) < before).limit(PURGE_BATCH)
    )
    return sorted(set(session.exec(synced)) | set(session.exec(working)))


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
                (WebhookDelivery, WebhookDelivery.case_id),
                (WorkCase, WorkCase.id),
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
