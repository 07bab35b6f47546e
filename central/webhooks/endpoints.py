"""Webhook endpoints (which core system gets which procedures) and the dead-letter queue staff can re-send.

Never logs secrets or bodies.
"""

import json
import secrets
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.audit import log
from central.models import Case, DeliveryStatus, WebhookDelivery, WebhookEndpoint


class DeliveryView(msgspec.Struct, frozen=True):
    """A delivery that has not gone through (yet)."""

    id: int
    url: str
    case_id: str
    procedure_id: str
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime


def add_endpoint(engine: Engine, url: str, procedures: list[str], secret: str | None = None) -> str:
    """Register an endpoint for these procedures ([] = all); returns its signing secret."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("the URL must start with http:// or https://")
    key = secret or secrets.token_urlsafe(32)
    with Session(engine) as session:
        session.add(
            WebhookEndpoint(
                url=url, secret=key, procedures=json.dumps(procedures), created_at=datetime.now(UTC)
            )
        )
        session.commit()
    return key


def undelivered(engine: Engine, offices: frozenset[str]) -> list[DeliveryView]:
    """Dead deliveries and pending ones that have failed at least once, for cases of these offices."""
    query = (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .join(Case, col(Case.id) == col(WebhookDelivery.case_id))
        .where(col(Case.office_id).in_(offices), WebhookDelivery.status != DeliveryStatus.DELIVERED)
        .where(or_(col(WebhookDelivery.status) == DeliveryStatus.DEAD, col(WebhookDelivery.attempts) > 0))
        .order_by(col(WebhookDelivery.id))
    )
    with Session(engine) as session:
        return [
            DeliveryView(
                delivery.id or 0,
                endpoint.url,
                delivery.case_id,
                delivery.procedure_id,
                delivery.status,
                delivery.attempts,
                delivery.last_error,
                delivery.next_attempt_at,
            )
            for delivery, endpoint in session.exec(query)
        ]


def requeue(engine: Engine, staff: Staff, delivery_id: int) -> bool:
    """Send a dead delivery again from scratch; False if there is no such dead delivery for this user."""
    with Session(engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        case = session.get(Case, delivery.case_id) if delivery else None
        if case is None or delivery is None or not staff.may_see(case.office_id):
            return False
        if delivery.status != DeliveryStatus.DEAD:
            return False
        delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
        delivery.next_attempt_at = datetime.now(UTC)
        session.add(delivery)
        log.record(
            session,
            staff.name,
            "resend",
            office_id=case.office_id,
            case_id=case.id,
            detail=delivery.procedure_id,
        )
        session.commit()
    return True
