"""`/congestion`: every office's waiting count and expected wait, live, and the best time to come (no login,
no personal data; phone-first).

The live part reads the queue hub once a second per open page and sends the offices again only when what
the reader sees changed; the chart comes from the congestion samples (central/displays/congestion.py).
"""

import asyncio
from collections.abc import AsyncIterator

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage

from central.queue.hub import QueueHub
from procedures.asked import localize
from procedures.planner import CatalogPlanner

from .congestion import by_hour, offices_now, offices_with_history
from .i18n import LANGUAGES, N_, THIS_LANGUAGE, html_lang, language, translations
from .stream import PING_EVERY, RETRY_MS, event_stream, ping
from .web import PUBLIC_HEADERS, page

LIVE_EVERY = 1.0
"""Seconds between looks at the hub for one open page."""
LABELS = {
    "waiting": N_("%(count)s waiting"),
    "wait": N_("Expected wait: about %(minutes)s min"),
    "unknown": N_("Expected wait: not known yet"),
    "about": N_("about %(minutes)s min"),
}
"""What the page's script writes, in the reader's language."""


async def _live(hub: QueueHub, state: State, lang: str) -> AsyncIterator[ServerSentEventMessage]:
    yield ServerSentEventMessage(comment="madoguchi", retry=RETRY_MS, data=None)
    planner: CatalogPlanner = state.staff_planner
    sent = b""
    quiet = 0.0
    while True:
        now = msgspec.json.encode(offices_now(hub, planner.catalog, lang))
        if now != sent:
            sent, quiet = now, 0.0
            yield ServerSentEventMessage(event="offices", data=now.decode())
        elif quiet >= PING_EVERY:
            quiet = 0.0
            yield ping()
        await asyncio.sleep(LIVE_EVERY)
        quiet += LIVE_EVERY


class CongestionController(Controller):
    """The public congestion page and its live figures."""

    path = "/congestion"
    include_in_schema = False
    response_headers = PUBLIC_HEADERS

    @get("/", sync_to_thread=True)
    def congestion(self, state: State, lang: FromQuery[str | None] = None) -> Response[str]:
        """The page, in the chosen language, with the offices as they are now and their charts."""
        chosen = language(lang)
        hub: QueueHub = state.queue_hub
        planner: CatalogPlanner = state.staff_planner
        gettext = translations(chosen).gettext
        offices = offices_now(hub, planner.catalog, chosen)
        live = {office.office_id for office in offices}
        charted = sorted(live | set(offices_with_history(state.engine)))
        return page(
            "congestion.html.jinja",
            _=gettext,
            lang=chosen,
            html_lang=html_lang(chosen),
            languages=LANGUAGES,
            name_of=lambda tag: translations(tag).gettext(THIS_LANGUAGE),
            city=localize(planner.catalog.meta.city, chosen).citizen,
            offices=offices,
            charts={office: by_hour(state.engine, office) for office in charted},
            labels={key: gettext(text) for key, text in LABELS.items()},
        )

    @get("/events", sync_to_thread=False)
    def events(self, state: State, lang: FromQuery[str | None] = None) -> ServerSentEvent:
        """Every office's figures now and whenever they change."""
        return event_stream(_live(state.queue_hub, state, language(lang)))
