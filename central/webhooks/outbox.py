"""Queue approved procedures for the webhook endpoints that want them, inside the approval's transaction.

The unique (endpoint, case, procedure) key makes the queue hold each approved procedure once per endpoint;
a procedure approved again after a correction reopened it replaces its delivery with the new record.
Never logs the queued bodies.
"""

import json
from datetime import UTC, datetime

import msgspec
from sqlmodel import Session, select

from central.exports.records import gaiji_fields, procedure_record
from central.models import Case, CaseProcedure, DeliveryStatus, WebhookDelivery, WebhookEndpoint


def enqueue(session: Session, case: Case, row: CaseProcedure) -> int:
    """Add one delivery per interested endpoint to the caller's transaction; returns how many."""
    body = msgspec.json.encode(procedure_record(case, row, gaiji_fields(session, case.id))).decode()
    now = datetime.now(UTC)
    count = 0
    for endpoint in session.exec(select(WebhookEndpoint)):
        wanted = json.loads(endpoint.procedures)
        if wanted and row.procedure_id not in wanted:
            continue
        assert endpoint.id is not None
        delivery = session.exec(
            select(WebhookDelivery).where(
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.case_id == case.id,
                WebhookDelivery.procedure_id == row.procedure_id,
            )
        ).first()
        if delivery is None:
            delivery = WebhookDelivery(
                endpoint_id=endpoint.id,
                case_id=case.id,
                procedure_id=row.procedure_id,
                body=body,
                next_attempt_at=now,
            )
        delivery.body, delivery.next_attempt_at = body, now
        delivery.status, delivery.attempts, delivery.last_error = DeliveryStatus.PENDING, 0, ""
        delivery.delivered_at = None
        session.add(delivery)
        count += 1
    return count
