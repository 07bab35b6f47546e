"""Webhook endpoints (which core system gets which procedures) and the dead-letter queue staff can re-send.

Never logs secrets or bodies.
"""

import json
import secrets
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine, delete, or_
from sqlmodel import Session, col, select

from central.accounts.service import Staff
from central.audit import log
from central.models import Case, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from central.webhooks.targets import AllowList, checked_target

MIN_SECRET = 32
"""Characters a given signing secret must have (a generated one has 43: 256 random bits)."""


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


class EndpointView(msgspec.Struct, frozen=True):
    """A registered endpoint as `webhook list` shows it (never its secret)."""

    id: int
    url: str
    procedures: list[str]
    created_at: datetime


def _strong(secret: str) -> str:
    """A given secret, if it is as hard to guess as a generated one would be; else ValueError."""
    if len(secret) < MIN_SECRET or len(set(secret)) < MIN_SECRET // 2:
        raise ValueError(
            f"the secret must have at least {MIN_SECRET} characters, not a pattern; "
            "leave --secret out to have a strong one generated"
        )
    return secret


def add_endpoint(
    engine: Engine,
    url: str,
    procedures: list[str],
    secret: str | None = None,
    *,
    allow: AllowList,
    known_procedures: frozenset[str],
) -> str:
    """Register an endpoint for these procedures ([] = all); returns its signing secret.

    Raises ValueError for a target central will not send to (central/webhooks/targets.py), a weak secret or
    a procedure id the catalog does not have.
    """
    checked_target(url, allow)
    unknown = sorted(set(procedures) - known_procedures)
    if unknown:
        raise ValueError(f"not procedures of the catalog: {', '.join(unknown)}")
    key = _strong(secret) if secret is not None else secrets.token_urlsafe(32)
    with Session(engine) as session:
        session.add(
            WebhookEndpoint(
                url=url,
                secret=key,
                procedures=json.dumps(sorted(set(procedures))),
                created_at=datetime.now(UTC),
            )
        )
        session.commit()
    return key


def endpoints(engine: Engine) -> list[EndpointView]:
    """Every registered endpoint, oldest first."""
    with Session(engine) as session:
        rows = session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id)))
        return [
            EndpointView(row.id or 0, row.url, json.loads(row.procedures), row.created_at) for row in rows
        ]


def remove_endpoint(engine: Engine, endpoint_id: int) -> int:
    """Remove an endpoint and every delivery queued for it; returns how many deliveries went with it.

    Raises LookupError if there is no such endpoint.
    """
    with Session(engine) as session:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise LookupError(f"no webhook endpoint {endpoint_id}")
        dropped = session.exec(
            delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id)
        ).rowcount
        session.delete(endpoint)
        session.commit()
    return int(dropped or 0)


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
