"""`/t/{token}`: the citizen's ticket status page (the slip's QR opens it): place in the queue, expected
wait, where to go, live; it rings and vibrates when the turn is near. No login and no personal data: the
token is opaque and the page shows only queue figures. After the visit it asks for a 1–10 rating, posted
to `/t/{token}/rating` (the KPI slice's endpoint).
"""

import asyncio
from collections.abc import AsyncIterator

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.response import ServerSentEvent, ServerSentEventMessage
from sqlalchemy import Engine

from central.queue.hub import QueueHub
from central.queue.status import ticket_status
from procedures.asked import localize
from procedures.planner import CatalogPlanner
from protocol.queue import TicketStatus

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
    "not_found": N_("This ticket is not known. Please check the address on your slip."),
}


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


class StatusController(Controller):
    """The status page and its live stream."""

    path = "/t"
    include_in_schema = False
    response_headers = PUBLIC_HEADERS

    @get("/{token:str}")
    async def status(self, state: State, token: str, lang: str | None = None) -> Response[str]:
        """The page, in the chosen language (404 for a token no ticket has)."""
        chosen = language(lang)
        gettext = translations(chosen).gettext
        planner: CatalogPlanner = state.staff_planner
        found = await _status(state.engine, token)
        context = {
            "_": gettext,
            "lang": chosen,
            "html_lang": html_lang(chosen),
            "languages": LANGUAGES,
            "name_of": lambda tag: translations(tag).gettext(THIS_LANGUAGE),
            "city": localize(planner.catalog.meta.city, chosen).citizen,
            "labels": {key: gettext(text) for key, text in (LABELS | PAGE_LABELS).items()},
            "token": token,
        }
        if found is None:
            response = page("status.html.jinja", view=None, **context)
            response.status_code = 404
            return response
        return page("status.html.jinja", view=status_view(found, planner.catalog, chosen), **context)

    @get("/{token:str}/events")
    async def events(self, state: State, token: str, lang: str | None = None) -> ServerSentEvent:
        """The ticket's status now and after every change of its office's queue."""
        found = await _status(state.engine, token)
        if found is None:
            raise NotFoundException("no such ticket")
        return event_stream(_live(state, token, language(lang), found))
