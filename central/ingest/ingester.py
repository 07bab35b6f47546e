"""Turn a batch of received MQTT messages into stored cases, recorded rejections and ids to acknowledge.

Synchronous on purpose: it runs in a thread of an ingest worker process, so one batch is one database
transaction. Ids are returned for acknowledgement only after that transaction has committed (acks are end
to end). Envelopes are verified and opened in arrival order, in the same process (central/ingest/crypto.py).
Never logs or stores payloads of rejected envelopes, nor personal data.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine, insert, select

from central.ingest.crypto import Opener, Outcome, Replay
from central.ingest.devices import DeviceRegistry, KnownDevice
from central.models import Case, Reject
from protocol import envelope, topics
from protocol.envelope import Parsed, Reason, Rejected
from protocol.keys import CityPrivateKey

_case = Case.__table__  # type: ignore[attr-defined]
_reject = Reject.__table__  # type: ignore[attr-defined]

Digests = dict[str, tuple[bytes, bytes]]
"""submission id → (envelope SHA-256, body SHA-256) of the stored copy."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message as it came off the broker."""

    topic: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class Routed:
    """A structurally valid envelope from a known, active device, on that device's topic."""

    message: Incoming
    parsed: Parsed
    device: KnownDevice


@dataclass(slots=True)
class BatchResult:
    """What a batch did: ids committed per device (to ack), and counts."""

    acks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    stored: int = 0
    rejected: int = 0


class Ingester:
    """Verify, open and store batches of envelopes for one city key."""

    def __init__(self, engine: Engine, city: CityPrivateKey) -> None:
        self._engine = engine
        self._devices = DeviceRegistry(engine)
        self._opener = Opener(city)

    def _route(self, message: Incoming) -> Routed:
        parsed = envelope.parse(message.payload)
        device_id = parsed.header.device_id
        if topics.device_of(message.topic) != device_id:
            raise Rejected(Reason.DEVICE_MISMATCH, f"topic {message.topic}")
        device = self._devices.get(device_id)
        if device is None:
            raise Rejected(Reason.UNKNOWN_DEVICE)
        if device.revoked:
            raise Rejected(Reason.REVOKED_DEVICE)
        return Routed(message, parsed, device)

    def process(self, batch: list[Incoming]) -> BatchResult:
        """Store a batch in one transaction and return what to acknowledge."""
        now = datetime.now(UTC)
        result = BatchResult()
        rejects: list[dict[str, object]] = []
        routed: list[Routed] = []
        for message in batch:
            try:
                routed.append(self._route(message))
            except Rejected as exc:
                rejects.append(_reject_row(message, exc, now))
        known = self._known_digests([item.parsed.submission_id for item in routed])
        new_rows: dict[str, dict[str, object]] = {}
        for item in routed:
            stored = known.get(item.parsed.submission_id)
            outcome = self._opener.open(item.parsed, item.device.public_key, stored[0] if stored else None)
            try:
                self._decide(item, outcome, known, new_rows, now)
            except Rejected as exc:
                rejects.append(_reject_row(item.message, exc, now, item.parsed))
                continue
            result.acks[item.device.id].append(item.parsed.submission_id)
        with self._engine.begin() as conn:
            if new_rows:
                conn.execute(insert(_case), list(new_rows.values()))
            if rejects:
                conn.execute(insert(_reject), rejects)
        result.stored = len(new_rows)
        result.rejected = len(rejects)
        return result

    def _known_digests(self, ids: list[str]) -> Digests:
        if not ids:
            return {}
        query = select(_case.c.id, _case.c.envelope_sha256, _case.c.body_sha256).where(_case.c.id.in_(ids))
        with self._engine.connect() as conn:
            return {row[0]: (row[1], row[2]) for row in conn.execute(query)}

    @staticmethod
    def _decide(
        item: Routed, outcome: Outcome, known: Digests, new_rows: dict[str, dict[str, object]], now: datetime
    ) -> None:
        """Accept a new envelope or an identical replay; raise Rejected otherwise."""
        if isinstance(outcome, Rejected):
            raise outcome
        if isinstance(outcome, Replay):  # byte-for-byte a stored envelope
            return
        parsed = item.parsed
        sid = parsed.submission_id
        earlier = new_rows.get(sid)
        previous = known.get(sid) or (earlier and (earlier["envelope_sha256"], earlier["body_sha256"]))
        if previous:
            if previous[0] != parsed.digest and previous[1] != outcome.digest:
                raise Rejected(Reason.CONFLICT, "same submission id, different content")
            return
        body = outcome.body
        new_rows[sid] = {
            "id": sid,
            "device_id": item.device.id,
            "office_id": item.device.office_id,
            "seq": parsed.header.seq,
            "life_event": body.facts.life_event,
            "language": body.facts.language,
            "ticket": body.ticket.number,
            "status": "received",
            "created_at": datetime.fromtimestamp(parsed.header.created_at_ms / 1000, UTC),
            "received_at": now,
            "envelope_sha256": parsed.digest,
            "body_sha256": outcome.digest,
            "facts": msgspec.json.encode(body.facts).decode(),
            "plan": msgspec.json.encode(body.plan).decode(),
        }


def _reject_row(
    message: Incoming, exc: Rejected, now: datetime, parsed: Parsed | None = None
) -> dict[str, object]:
    return {
        "received_at": now,
        "topic": message.topic,
        "device_id": parsed.header.device_id if parsed else topics.device_of(message.topic),
        "submission_id": parsed.submission_id if parsed else None,
        "reason": exc.reason.value,
        "detail": exc.detail[:200],
        "size": len(message.payload),
    }
