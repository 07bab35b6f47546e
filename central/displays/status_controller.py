"""`/t/{token}`: the citizen's ticket status page (the slip's QR opens it): place in the queue, expected
wait, where to go, live; it rings and vibrates when the turn is near. No login and no personal data: the
token is opaque and the page shows only queue figures. After the visit it asks for a 1–10 rating, posted
to `/t/{token}/rating` (the KPI slice's endpoint).
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage
from sqlalchemy import Engine

from central.kpi.ratings import given_score
from central.queue.hub import QueueHub
from central.queue.status import ticket_status
from central.throttle import Throttle
from procedures.asked import localize
from procedures.planner import CatalogPlanner
from protocol.queue import TicketStatus, status_path

from .alerts import subscribe, valid_address
from .i18n import LANGUAGES, N_, THIS_LANGUAGE, html_lang, language, translations
from .status import LABELS, StatusView, status_view
from .stream import PING_EVERY, RETRY_MS, event_stream, ping
from .web import PUBLIC_HEADERS, page

PAGE_LABELS = {
    "title": N_("Your place in the queue"),
    "alerts": N_("Ring and vibrate when my turn is near"),
    "alerts_on": N_("This page will ring and vibrate when your turn is near. Keep it open."),
    "private": N_("This page shows no personal data: only your ticket's place in the queue."),
    "rating": N_("How satisfied are you with today's visit? (1 = not at all, 10 = very)"),
    "send": N_("Send"),
    "rated": N_("Thank you for your rating."),
    "not_found": N_("This ticket is not known. Please check the address on your slip."),
    "email": N_("E-mail me when my turn is near"),
    "address": N_("E-mail address"),
    "notify": N_("Notify me"),
    "email_on": N_("We will e-mail you once when your turn is near, then delete the address."),
    "bad_address": N_("Please check the e-mail address."),
    "too_many": N_("Too many requests from this device. Please wait a few minutes and try again."),
}
ALERTS_PER_CLIENT = Throttle(limit=10, window=600.0)
"""Alert sign-ups one client address may send per 10 minutes."""
MAX_ALERT_BODY = 2048


async def _status(engine: Engine, token: str) -> TicketStatus | None:
    return await asyncio.to_thread(ticket_status, engine, token)


async def _live(
    state: State, token: str, lang: str, first: TicketStatus
) -> AsyncIterator[ServerSentEventMessage]:
    """The ticket's view each time its office's queue changes (and it changed for this ticket)."""
    yield ServerSentEventMessage(comment="madoguchi", retry=RETRY_MS, data=None)
    hub: QueueHub = state.queue_hub
    planner: CatalogPlanner = state.staff_planner
    sent: StatusView | None = None
    async with hub.watch(first.office_id) as watch:
        status: TicketStatus | None = first
        while status is not None:
            view = status_view(status, planner.catalog, lang)
            if view != sent:
                sent = view
                yield ServerSentEventMessage(event="status", id=view.seq, data=_json(view))
            try:
                await asyncio.wait_for(watch.next(), PING_EVERY)
            except TimeoutError:
                yield ping()
                continue
            status = await _status(state.engine, token)


def _json(view: StatusView) -> str:
    return msgspec.json.encode(view).decode()


def _page_context(state: State, token: str, chosen: str) -> dict[str, Any]:
    gettext = translations(chosen).gettext
    planner: CatalogPlanner = state.staff_planner
    notifiers: dict[str, object] = state.get("notifiers") or {}
    return {
        "_": gettext,
        "lang": chosen,
        "html_lang": html_lang(chosen),
        "languages": LANGUAGES,
        "name_of": lambda tag: translations(tag).gettext(THIS_LANGUAGE),
        "city": localize(planner.catalog.meta.city, chosen).citizen,
        "labels": {key: gettext(text) for key, text in (LABELS | PAGE_LABELS).items()},
        "token": token,
        "email": "email" in notifiers,
        "notice": None,
        "rated": False,
    }


def _status_page(
    state: State, found: TicketStatus | None, context: dict[str, Any], code: int
) -> Response[str]:
    planner: CatalogPlanner = state.staff_planner
    view = status_view(found, planner.catalog, context["lang"]) if found else None
    response = page("status.html.jinja", **{**context, "view": view})
    response.status_code = code if found else 404
    return response


class StatusController(Controller):
    """The status page and its live stream."""

    path = "/t"
    include_in_schema = False
    response_headers = PUBLIC_HEADERS

    @get("/{token:str}")
    async def status(
        self,
        state: State,
        token: FromPath[str],
        lang: FromQuery[str | None] = None,
        alert: FromQuery[str | None] = None,
    ) -> Response[str]:
        """The page, in the chosen language (404 for a token no ticket has)."""
        context = _page_context(state, token, language(lang))
        if alert == "email":
            context["notice"] = context["labels"]["email_on"]
        found = await _status(state.engine, token)
        if found is not None and found.state == "done":  # rated already: thank instead of asking again
            context["rated"] = await asyncio.to_thread(given_score, state.engine, token) is not None
        return _status_page(state, found, context, 200)

    @post("/{token:str}/alerts", request_max_body_size=MAX_ALERT_BODY)
    async def alerts(
        self, request: Request[Any, Any, State], state: State, token: FromPath[str]
    ) -> Response[str] | Redirect:
        """Leave an address to be told once when the turn is near (only on a channel central can use)."""
        posted = await request.form()
        values = {key: str(value) for key, value in posted.items()}
        chosen = language(values.get("lang"))
        context = _page_context(state, token, chosen)
        found = await _status(state.engine, token)
        client = request.client.host if request.client else "-"
        if found is None:
            return _status_page(state, None, context, 404)
        if not ALERTS_PER_CLIENT.allow(client):
            response = _status_page(state, found, {**context, "notice": context["labels"]["too_many"]}, 429)
            response.headers["retry-after"] = str(ALERTS_PER_CLIENT.retry_after(client))
            return response
        channel, address = values.get("channel", ""), values.get("address", "").strip()
        if channel not in (state.get("notifiers") or {}) or not valid_address(channel, address):
            return _status_page(state, found, {**context, "notice": context["labels"]["bad_address"]}, 422)
        url = f"{str(request.base_url).rstrip('/')}{status_path(token)}?lang={chosen}"
        await asyncio.to_thread(subscribe, state.engine, token, channel, address, chosen, url)
        return Redirect(f"{status_path(token)}?lang={chosen}&alert={channel}", status_code=303)

    @get("/{token:str}/events")
    async def events(
        self, state: State, token: FromPath[str], lang: FromQuery[str | None] = None
    ) -> ServerSentEvent:
        """The ticket's status now and after every change of its office's queue."""
        found = await _status(state.engine, token)
        if found is None:
            raise NotFoundException("no such ticket")
        return event_stream(_live(state, token, language(lang), found))
