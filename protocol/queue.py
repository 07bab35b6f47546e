"""Queue state as displays, counter units and phones see it: who is called to which desk, who waits, how long.

Central publishes it retained on `madoguchi/v1/offices/{office_id}/queue` (for displays driven by counter
units and for the kiosk's "current wait" before it issues a ticket) and streams the same struct to browser
displays.
Ticket numbers, counters and times only: never a name, a case or anything that identifies a citizen.
"""

import base64
import hashlib
from typing import Annotated, Literal

import msgspec

QUEUE_VERSION = 1
STATUS_TOKEN_CHARS = 16
"""80 bits of a SHA-256, in lowercase Base32: short enough for a URL printed on a slip."""
_STATUS_DOMAIN = b"madoguchi/v1 ticket status\x00"
MAX_CALLS = 20
MAX_NEXT = 10

Priority = Literal["pregnancy", "disability", "elderly", "infant", "other"]
"""Why a ticket is served first (優先受付); staff may also give priority to a walk-in."""


class Call(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A ticket called to a desk: what the waiting-room display shows and announces."""

    call_id: str
    """Unique per call (a recall is a new call), so a display announces each call once."""
    ticket: str
    counter: str
    desk: str
    """The desk (window) number or label at the counter, e.g. "3"."""
    at: str
    """ISO 8601 with the city's offset."""
    recall: bool = False


class CounterState(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One counter of an office: its names, who waits next, and the expected wait for a new ticket."""

    counter: str
    name_ja: str
    name_en: str
    waiting: int
    next: Annotated[list[str], msgspec.Meta(max_length=MAX_NEXT)]
    """The next ticket numbers, in the order they will be called."""
    wait_minutes: int | None
    """Expected wait for a ticket joining now; None until there is enough history to say."""
    open_desks: int


class OfficeQueue(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """An office's queue at one moment; `seq` grows with every change, so a display can drop stale states."""

    office_id: str
    seq: int
    at: str
    calls: Annotated[list[Call], msgspec.Meta(max_length=MAX_CALLS)]
    """The latest calls, newest first."""
    counters: list[CounterState]
    v: int = QUEUE_VERSION


def encode_queue(state: OfficeQueue) -> bytes:
    """The JSON form published on the office's queue topic and streamed to displays."""
    return msgspec.json.encode(state)


def decode_queue(raw: bytes) -> OfficeQueue:
    """Decode an office's queue state; raises msgspec.ValidationError / DecodeError."""
    return msgspec.json.decode(raw, type=OfficeQueue)


TicketState = Literal["waiting", "called", "serving", "moving", "parked", "absent", "done"]
"""waiting: in a counter's queue; called: called to a desk; serving: at the desk; moving: done at one counter,
on the way to the next; parked: set aside by staff (back in the queue when they say); absent: did not come
when called (back in the queue after a while); done: every counter finished."""


class TicketStatus(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """What a citizen's phone shows for one ticket (the status page): no name, no case, only the queue."""

    ticket: str
    office_id: str
    state: TicketState
    counter: str | None
    """The counter the ticket waits at, is called to or is served at (a catalog counter id)."""
    desk: str | None
    """The desk it is called to, while called."""
    ahead: int | None
    """Tickets before it in its counter's queue, while waiting."""
    wait_minutes: int | None
    """Expected minutes until it is called, while waiting (None until there is enough history)."""
    next_counters: list[str]
    """The counters still to visit after this one, in visiting order."""
    seq: int
    """The office queue state's `seq` this status was computed from."""


def status_token(submission_id: str) -> str:
    """The opaque token of a kiosk ticket's status page (`/t/{token}`), derived from its submission id.

    The unit prints it on the slip offline and central derives the same token from the case id, with no
    shared key (a counter key rotation would break a keyed token) and no wire change. The secret is the
    submission id's 74 random bits (UUIDv7): the id itself is only in the sealed envelope, the sealed case QR
    and central's database; the hash keeps the URL from revealing the case id.
    """
    digest = hashlib.sha256(_STATUS_DOMAIN + submission_id.encode()).digest()
    return base64.b32encode(digest).decode()[:STATUS_TOKEN_CHARS].lower()


def status_path(token: str) -> str:
    """The status page's path under central's public URL."""
    return f"/t/{token}"


def status_url(base: str, submission_id: str) -> str:
    """The status page of a kiosk ticket, as printed on its slip: `<central's public URL>/t/{token}`."""
    return base.rstrip("/") + status_path(status_token(submission_id))
