"""Deliver queued webhooks: HMAC-signed POSTs, retried with exponential backoff, dead-lettered when hopeless.

Signature (documented in docs/staff.md): `X-Madoguchi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>." + body>` with the endpoint's secret; `X-Madoguchi-Delivery` is the delivery id, stable across retries,
so a receiver can drop a repeat whose first answer was lost. A delivery is claimed (its next attempt pushed
out by a lease) before it is sent, so two central instances never send it at once. 2xx settles it; 408, 429,
5xx and network errors retry with backoff; any other answer, or MAX_ATTEMPTS failures, make it dead (the
dead-letter view can re-queue it). Before each attempt the target is checked again
(central/webhooks/targets.py: its name may now resolve to a private address); a refused target makes the
delivery dead without a request. Never logs bodies or secrets.
"""

import asyncio
import contextlib
import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from litestar.datastructures import State
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from central.background import Loop
from central.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from central.webhooks.targets import AllowList, TargetRefusedError, checked_target

MAX_ATTEMPTS = 8
SEND_INTERVAL = 0.5
BASE_DELAY = timedelta(seconds=0.5)
MAX_DELAY = timedelta(minutes=10)
LEASE = timedelta(seconds=60)
BATCH = 50
TIMEOUT = 10.0
RETRYABLE = frozenset({408, 429})
REFUSED = 0
"""The outcome of a delivery central refused to send (its target is not allowed): dead, never retried."""
SIGNATURE_HEADER = "X-Madoguchi-Signature"
DELIVERY_HEADER = "X-Madoguchi-Delivery"


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed delivery, ready to send."""

    id: int
    url: str
    secret: str
    body: bytes
    attempts: int


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for this body at this time."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt."""
    delay: timedelta = BASE_DELAY * 2 ** (attempts - 1)
    return min(delay, MAX_DELAY)


def claim_due(engine: Engine, now: datetime) -> list[Job]:
    """Claim the pending deliveries that are due (pushing their next attempt out by the lease)."""
    query = (
        select(WebhookDelivery, WebhookEndpoint)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, col(WebhookDelivery.next_attempt_at) <= now)
        .order_by(col(WebhookDelivery.next_attempt_at))
        .limit(BATCH)
    )
    jobs = []
    with Session(engine) as session:
        for delivery, endpoint in list(session.exec(query)):
            claimed = session.exec(
                update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.id) == delivery.id,
                    col(WebhookDelivery.next_attempt_at) == delivery.next_attempt_at,
                )
                .values(next_attempt_at=now + LEASE)
            )
            if claimed.rowcount == 1 and delivery.id is not None:
                jobs.append(
                    Job(delivery.id, endpoint.url, endpoint.secret, delivery.body.encode(), delivery.attempts)
                )
        session.commit()
    return jobs


def settle(engine: Engine, job: Job, status_code: int | None, error: str) -> None:
    """Record an attempt's outcome: delivered, retry later, or dead."""
    now = datetime.now(UTC)
    attempts = job.attempts + 1
    with Session(engine) as session:
        delivery = session.get(WebhookDelivery, job.id)
        if delivery is None:
            return
        delivery.attempts = attempts
        if status_code is not None and 200 <= status_code < 300:
            delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, now, ""
        else:
            retryable = status_code is None or status_code >= 500 or status_code in RETRYABLE
            delivery.last_error = error[:200]
            if retryable and attempts < MAX_ATTEMPTS:
                delivery.next_attempt_at = now + backoff(attempts)
            else:
                delivery.status = DeliveryStatus.DEAD
        session.add(delivery)
        session.commit()


async def _send(client: httpx.AsyncClient, job: Job, allow: AllowList) -> tuple[int | None, str]:
    try:
        await asyncio.to_thread(checked_target, job.url, allow)
    except TargetRefusedError as exc:
        return REFUSED, str(exc)
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: signature(job.secret, int(time.time()), job.body),
        DELIVERY_HEADER: str(job.id),
    }
    try:
        response = await client.post(job.url, content=job.body, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        return None, type(exc).__name__
    return response.status_code, f"HTTP {response.status_code}"


async def deliver_due(engine: Engine, client: httpx.AsyncClient, allow: AllowList | None = None) -> int:
    """Send every due delivery once; returns how many were attempted."""
    jobs = await asyncio.to_thread(claim_due, engine, datetime.now(UTC))
    targets = allow or AllowList.from_env()
    outcomes = await asyncio.gather(*(_send(client, job, targets) for job in jobs))
    for job, (status_code, error) in zip(jobs, outcomes, strict=True):
        await asyncio.to_thread(settle, engine, job, status_code, error)
    return len(jobs)


@contextlib.asynccontextmanager
async def webhook_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The webhooks slice's background loop: send what is due twice a second, over one HTTP client."""
    engine, allow = state.engine, AllowList.from_env()
    async with httpx.AsyncClient(follow_redirects=False) as client:
        yield [Loop("webhooks", SEND_INTERVAL, lambda: deliver_due(engine, client, allow))]
