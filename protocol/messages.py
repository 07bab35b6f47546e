"""Message schemas (msgspec, versioned) for what travels inside envelopes and on the other topics."""

from typing import Any, Literal

import msgspec

from protocol.config import UnitReport
from protocol.facts import Facts
from protocol.plan import Plan

BODY_VERSION = 1


class Ticket(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A queue ticket, issued by the counter unit even when offline."""

    number: str
    office_id: str
    issued_at: str
    """ISO 8601 timestamp with offset."""


class SubmissionBody(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The plaintext of a sealed submission: only central (the city) ever reads it."""

    facts: Facts
    ticket: Ticket
    plan: Plan | None = None
    """The kiosk's plan; None when a unit sent the facts alone (central then plans them)."""
    v: int = BODY_VERSION


class Status(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Edge → central heartbeat (retained); the last-will carries state "offline"."""

    state: Literal["online", "offline"]
    at: str = ""
    outbox_depth: int = 0
    software: str = ""
    hardware: dict[str, Any] = msgspec.field(default_factory=dict)
    fleet: UnitReport | None = None
    """Configuration and commands (protocol/config.py); None from a unit that predates them."""
    v: int = 1


def encode_json(message: msgspec.Struct) -> bytes:
    """Encode a message for a JSON topic (status)."""
    return msgspec.json.encode(message)
