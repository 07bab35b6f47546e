"""The counter unit's local HTTP API, used by the kiosk page on the same machine.

`POST /api/submissions` answers 201 only after the sealed envelope is durable in the outbox. Errors name
the bad fields but never echo personal data back into logs.
"""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
import msgspec
from litestar import Litestar, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.types import ControllerRouterHandler

from edge_agent.identity import Identity
from edge_agent.link import Link
from edge_agent.outbox import Allocation, Outbox
from procedures.answers import MissingFacts
from procedures.planner import FACTS_ERRORS
from protocol import envelope
from protocol.facts import Facts
from protocol.messages import SubmissionBody, Ticket
from protocol.plan import Plan

Planner = Callable[[Facts], Plan]
"""Facts → plan; raises MissingFacts naming the questions the plan depends on."""


class Unprocessable(HTTPException):
    """422 with a message naming what is wrong."""

    status_code = 422


class SubmissionCreated(msgspec.Struct, frozen=True):
    """The answer to a successful submission."""

    submission_id: str
    ticket: str
    plan: Plan


@dataclass(frozen=True, slots=True)
class EdgeServices:
    """What the API handlers need, built by the runner."""

    identity: Identity
    outbox: Outbox
    link: Link
    planner: Planner


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
    """Plan, seal and make durable; raises MissingFacts or one of FACTS_ERRORS (the API and the kiosk)."""
    plan = await anyio.to_thread.run_sync(services.planner, facts)  # tens of ms of CEL: off the loop
    receipt = await anyio.to_thread.run_sync(
        services.outbox.submit, sealer(services.identity, facts, plan), key
    )
    services.link.notify()
    return SubmissionCreated(submission_id=receipt.submission_id, ticket=receipt.ticket, plan=plan)


@post("/api/submissions", status_code=201)
async def create_submission(request: Request[Any, Any, State], state: State) -> SubmissionCreated:
    """Seal the citizen's facts into the outbox and return the ticket and plan."""
    services: EdgeServices = state.services
    try:
        facts = msgspec.json.decode(await request.body(), type=Facts)
    except msgspec.ValidationError as exc:
        raise Unprocessable(detail=str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise Unprocessable(detail="body is not valid JSON") from exc
    try:
        return await submit(services, facts, request.headers.get("idempotency-key"))
    except MissingFacts as exc:
        raise Unprocessable(detail=str(exc), extra={"missing": list(exc.question_ids)}) from exc
    except FACTS_ERRORS as exc:
        raise Unprocessable(detail=str(exc)) from exc


@get("/api/health", sync_to_thread=False)
def edge_health(state: State) -> dict[str, object]:
    """The unit's identity, broker connection and outbox depth (no personal data)."""
    services: EdgeServices = state.services
    return {
        "device_id": services.identity.device_id,
        "office_id": services.identity.office_id,
        "broker_connected": services.link.connected.is_set(),
        "outbox_depth": services.outbox.depth(),
    }


def create_edge_app(
    services: EdgeServices,
    extra_handlers: Sequence[ControllerRouterHandler] = (),
    lifespan: Sequence[Callable[[Litestar], AbstractAsyncContextManager[None]]] = (),
) -> Litestar:
    """Build the local app around already-started services; the kiosk comes in as `extra_handlers`."""
    return Litestar(
        route_handlers=[create_submission, edge_health, *extra_handlers],
        state=State({"services": services}),
        lifespan=list(lifespan),
    )
