"""`/display/{office_id}`: the waiting-room display on a TV (no login, no personal data) and its spoken calls.

The page follows the office's queue state through Server-Sent Events and, for each new call, plays the
chime and the call in Japanese then English, fetched as WAV from here. The words are built from the call
as the hub holds it, so only a call the office has made can be spoken.
"""

import logging

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import ServerSentEvent

from central.queue.hub import QueueHub
from protocol.queue import encode_queue

from .i18n import N_, translations
from .speech import SPOKEN, Announcer, SpeechError, SpokenLanguage, announcement
from .stream import event_stream, office_events
from .web import PUBLIC_HEADERS, office, page

log = logging.getLogger(__name__)
LABELS = {
    "title": N_("Now calling"),
    "reconnecting": N_("Reconnecting…"),
    "none_yet": N_("No numbers are being called yet."),
    "next": N_("Next numbers"),
    "sound": N_("Touch or click to turn on the announcements"),
    "desk": N_("Desk %(desk)s"),
    "waiting": N_("%(count)s waiting"),
    "wait": N_("about %(minutes)s min"),
}
"""The display's labels, shown in Japanese and English side by side."""
AUDIO_HEADERS = {"cache-control": "public, max-age=86400"}
"""A call's audio never changes (a recall is a new call), so the display may keep it."""


def _announcer(state: State) -> Announcer:
    if "announcer" not in state:
        state.announcer = Announcer()
    announcer: Announcer = state.announcer
    return announcer


def _wav(audio: bytes) -> Response[bytes]:
    return Response(audio, media_type="audio/wav", headers=AUDIO_HEADERS)


class DisplayController(Controller):
    """The display page, its event stream and its audio."""

    path = "/display"
    include_in_schema = False
    response_headers = PUBLIC_HEADERS

    @get("/{office_id:str}", sync_to_thread=False)
    def display(self, office_id: FromPath[str]) -> Response[str]:
        """The full-screen page, labelled in Japanese and English."""
        return page(
            "display.html.jinja",
            office_id=office(office_id),
            ja={key: translations("ja").gettext(text) for key, text in LABELS.items()},
            en={key: translations("en").gettext(text) for key, text in LABELS.items()},
        )

    @get("/{office_id:str}/events", sync_to_thread=False)
    def events(self, office_id: FromPath[str], state: State) -> ServerSentEvent:
        """The office's queue state, now and after every change."""
        hub: QueueHub = state.queue_hub
        return event_stream(office_events(hub, office(office_id), lambda queue: encode_queue(queue).decode()))

    @get("/chime.wav", sync_to_thread=False)
    def chime(self, state: State) -> Response[bytes]:
        """The chime played before each call."""
        return _wav(_announcer(state).chime)

    @get("/{office_id:str}/calls/{call_id:str}/{language:str}")
    async def speech(
        self, office_id: FromPath[str], call_id: FromPath[str], language: FromPath[str], state: State
    ) -> Response[bytes]:
        """A current call of the office, spoken in `ja` or `en` (404 for any other call or language)."""
        hub: QueueHub = state.queue_hub
        queue = hub.latest(office(office_id))
        call = next((call for call in queue.calls if call.call_id == call_id), None) if queue else None
        if queue is None or call is None or language not in SPOKEN:
            raise NotFoundException("no such call")
        counter = next((item for item in queue.counters if item.counter == call.counter), None)
        spoken: SpokenLanguage = "ja" if language == "ja" else "en"
        try:
            audio = await _announcer(state).speak(announcement(call, counter, spoken), spoken)
        except SpeechError as exc:  # the display still shows the call; our own message, no call data
            log.warning("spoken call unavailable: %s", exc)
            return Response(b"", status_code=503, media_type="audio/wav")
        return _wav(audio)
