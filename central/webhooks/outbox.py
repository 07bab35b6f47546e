"""Queue approved procedures for the webhook endpoints that want them, inside the approval's transaction.

The unique (endpoint, case, procedure) key makes the queue hold each approved procedure once per endpoint.
A procedure approved again (a correction reopened it) replaces its delivery by a new one, with a new delivery
id, so a receiver that drops repeats by id still takes the corrected record, and a send of the old record
still in flight settles nothing. Never logs the queued bodies.
"""

import json
from datetime import UTC, datetime

import msgspec
from sqlmodel import Session, col, delete, select

from central.exports.records import gaiji_fields, procedure_record
from central.models import Case, CaseProcedure, WebhookDelivery, WebhookEndpoint


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
        session.exec(
            delete(WebhookDelivery).where(
                col(WebhookDelivery.endpoint_id) == endpoint.id,
                col(WebhookDelivery.case_id) == case.id,
                col(WebhookDelivery.procedure_id) == row.procedure_id,
            )
        )
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                case_id=case.id,
                procedure_id=row.procedure_id,
                body=body,
                next_attempt_at=now,
            )
        )
        count += 1
    return count
