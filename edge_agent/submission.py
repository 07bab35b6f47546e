"""The submit use case: plan the citizen's facts, seal them into the outbox, wake the MQTT link.

Both doors of the unit come here — the local API (`POST /api/submissions`) and the kiosk's confirm — so a
case is planned, numbered, sealed and made durable the same way whoever asks. `submit` returns only once
the sealed envelope is committed. This module knows nothing of HTTP or screens, and must never write,
log or return the facts anywhere but into the sealer (plaintext never reaches the outbox's disk).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio.to_thread
import msgspec

from edge_agent.identity import Identity
from edge_agent.link import Link
from edge_agent.outbox import Allocation, Outbox
from edge_agent.queue_watch import QueueWatch
from protocol import envelope
from protocol.facts import Facts
from protocol.messages import SubmissionBody, Ticket
from protocol.plan import Plan

Planner = Callable[[Facts], Plan]
"""Facts → plan; raises MissingFacts naming the questions the plan depends on."""


class SubmissionCreated(msgspec.Struct, frozen=True):
    """A durable submission: its id, the queue ticket and the plan."""

    submission_id: str
    ticket: str
    plan: Plan


@dataclass(slots=True)
class EdgeServices:
    """What submitting needs (and what the API and kiosk show about it), built by the runner; central's
    configuration replaces the identity (a new counter key), a reload the planner (edge_agent/remote.py)."""

    identity: Identity
    outbox: Outbox
    link: Link
    planner: Planner
    queue: QueueWatch = field(default_factory=QueueWatch)
    """The office's queue state, which the link follows (the kiosk shows the current wait)."""


def sealer(identity: Identity, facts: Facts, plan: Plan) -> Callable[[Allocation], bytes]:
    """The sealing step the outbox runs inside its transaction, once numbers are allocated."""

    def seal(allocation: Allocation) -> bytes:
        body = SubmissionBody(
            facts=facts,
            ticket=Ticket(
                number=allocation.ticket,
                office_id=identity.office_id,
                issued_at=datetime.now(UTC).isoformat(),
            ),
            plan=plan,
        )
        return envelope.seal(
            body,
            device_id=identity.device_id,
            submission_id=allocation.submission_id,
            seq=allocation.seq,
            created_at_ms=int(datetime.now(UTC).timestamp() * 1000),
            city=identity.city,
            signer=identity.signer,
        )

    return seal


async def submit(services: EdgeServices, facts: Facts, key: str | None = None) -> SubmissionCreated:
    """Plan, seal and make durable, then wake the link; raises MissingFacts or one of FACTS_ERRORS.

    `key` is an idempotency key: the same key again returns the first submission instead of a new one.
    """
    plan = await anyio.to_thread.run_sync(services.planner, facts)  # tens of ms of CEL: off the loop
    receipt = await anyio.to_thread.run_sync(
        services.outbox.submit, sealer(services.identity, facts, plan), key
    )
    services.link.notify()
    return SubmissionCreated(submission_id=receipt.submission_id, ticket=receipt.ticket, plan=plan)
