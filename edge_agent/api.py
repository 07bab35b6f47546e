"""The counter unit's local HTTP API, used by the kiosk page on the same machine: requests and status codes.

`POST /api/submissions` parses the facts and hands them to `edge_agent.submission`, answering 201 only
once the sealed envelope is durable; `GET /api/health` reports the unit. Errors name the bad fields but
never echo personal data back into logs. No planning or sealing happens here.
The unit's LAN is not trusted: a submission must be `application/json` (a form or `text/plain` post from a
page elsewhere cannot forge one), a browser's foreign `Origin` is refused, and bodies are bounded.
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
from protocol.envelope import Rejected
from protocol.facts import Facts


class Unprocessable(HTTPException):
    """422 with a message naming what is wrong."""

    status_code = 422


MAX_BODY = 256 * 1024
"""Facts within their bounds (protocol/facts.py) are far smaller; a larger body is not read at all."""


def _refuse_cross_site(request: Request[Any, Any, State]) -> None:
    """415 unless the body is JSON; 403 for a browser page of another origin (no CORS is ever granted)."""
    if request.content_type[0] != "application/json":
        raise HTTPException(status_code=415, detail="send the facts as application/json")
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(status_code=403, detail="submissions come only from this unit's own pages")


@post("/api/submissions", status_code=201, request_max_body_size=MAX_BODY)
async def create_submission(request: Request[Any, Any, State], state: State) -> SubmissionCreated:
    """Seal the citizen's facts into the outbox and return the ticket and plan."""
    services: EdgeServices = state.services
    _refuse_cross_site(request)
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
    except Rejected as exc:  # the sealed case would exceed the envelope bound
        raise HTTPException(status_code=413, detail=f"the case is too large to seal ({exc.reason})") from exc


@get("/api/health", sync_to_thread=False)
def edge_health(state: State) -> dict[str, object]:
    """The unit's identity, broker connection and outbox depth (no personal data)."""
    services: EdgeServices = state.services
    return {
        "device_id": services.identity.device_id,
        "office_id": services.identity.office_id,
        "broker_connected": services.link.connected.is_set(),
        "outbox_depth": services.outbox.depth(),
        "link_failures": services.link.failures,
        "ignored_acks": services.link.ignored_acks,
        "fleet": msgspec.to_builtins(remote.report()) if (remote := services.link.remote) else None,
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
