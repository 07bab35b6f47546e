"""The counter unit's local HTTP API, used by the kiosk page on the same machine: requests and status codes.

`POST /api/submissions` parses the facts and hands them to `edge_agent.submission`, answering 201 only
once the sealed envelope is durable; `GET /api/health` reports the unit. Errors name the bad fields but
never echo personal data back into logs. No planning or sealing happens here.
"""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import msgspec
from litestar import Litestar, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.types import ControllerRouterHandler

from edge_agent.submission import EdgeServices, SubmissionCreated, submit
from procedures.answers import MissingFacts
from procedures.planner import FACTS_ERRORS
from protocol.facts import Facts


class Unprocessable(HTTPException):
    """422 with a message naming what is wrong."""

    status_code = 422


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
