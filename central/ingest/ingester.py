"""Turn a batch of received MQTT messages into stored cases, recorded rejections and ids to acknowledge.

Synchronous on purpose: it runs in a worker thread so one batch is one database transaction. Ids are
returned for acknowledgement only after that transaction has committed (acks are end to end).
Never logs or stores payloads of rejected envelopes, and never logs personal data.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec
from sqlalchemy import Engine, insert, select

from central.ingest.devices import DeviceRegistry
from central.models import Case, Reject
from protocol import envelope, topics
from protocol.envelope import Parsed, Reason, Rejected
from protocol.keys import CityPrivateKey

_case = Case.__table__  # type: ignore[attr-defined]
_reject = Reject.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message as it came off the broker."""

    topic: str
    payload: bytes


@dataclass(slots=True)
class BatchResult:
    """What a batch did: ids committed per device (to ack), and counts."""

    acks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    stored: int = 0
    rejected: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


class Ingester:
    """Verify, open and store batches of envelopes for one city key."""

    def __init__(self, engine: Engine, city: CityPrivateKey) -> None:
        self._engine = engine
        self._city = city
        self._devices = DeviceRegistry(engine)

    def _check(self, message: Incoming) -> tuple[Parsed, str]:
        """Parse and verify one envelope; returns it with its device's office."""
        parsed = envelope.parse(message.payload)
        device_id = parsed.header.device_id
        if topics.device_of(message.topic) != device_id:
            raise Rejected(Reason.DEVICE_MISMATCH, f"topic {message.topic}")
        device = self._devices.get(device_id)
        if device is None:
            raise Rejected(Reason.UNKNOWN_DEVICE)
        if device.revoked:
            raise Rejected(Reason.REVOKED_DEVICE)
        envelope.verify(parsed, device.key)
        return parsed, device.office_id

    def process(self, batch: list[Incoming]) -> BatchResult:
        """Store a batch in one transaction and return what to acknowledge."""
        now = _now()
        result = BatchResult()
        rejects: list[dict[str, object]] = []
        checked: list[tuple[Incoming, Parsed, str]] = []
        for message in batch:
            try:
                checked.append((message, *self._check(message)))
            except Rejected as exc:
                rejects.append(_reject_row(message, exc, now))
        known = self._known_digests([parsed.submission_id for _, parsed, _ in checked])
        new_rows: dict[str, dict[str, object]] = {}
        for message, parsed, office_id in checked:
            sid = parsed.submission_id
            try:
                if self._accept(parsed, office_id, known, new_rows, now):
                    result.acks[parsed.header.device_id].append(sid)
            except Rejected as exc:
                rejects.append(_reject_row(message, exc, now, parsed))
        with self._engine.begin() as conn:
            if new_rows:
                conn.execute(insert(_case), list(new_rows.values()))
            if rejects:
                conn.execute(insert(_reject), rejects)
        result.stored = len(new_rows)
        result.rejected = len(rejects)
        return result

    def _known_digests(self, ids: list[str]) -> dict[str, tuple[bytes, bytes]]:
        if not ids:
            return {}
        query = select(_case.c.id, _case.c.envelope_sha256, _case.c.body_sha256).where(_case.c.id.in_(ids))
        with self._engine.connect() as conn:
            return {row[0]: (row[1], row[2]) for row in conn.execute(query)}

    def _accept(
        self,
        parsed: Parsed,
        office_id: str,
        known: dict[str, tuple[bytes, bytes]],
        new_rows: dict[str, dict[str, object]],
        now: datetime,
    ) -> bool:
        """Decide one verified envelope: True to ack (new or identical replay); raises Rejected on conflict."""
        sid = parsed.submission_id
        digest = parsed.digest
        previous = known.get(sid)
        if previous is None and sid in new_rows:
            row = new_rows[sid]
            previous = (row["envelope_sha256"], row["body_sha256"])  # type: ignore[assignment]
        if previous is not None and previous[0] == digest:
            return True
        opened = envelope.decrypt(parsed, self._city)
        if previous is not None:
            if previous[1] != opened.digest:
                raise Rejected(Reason.CONFLICT, "same submission id, different content")
            return True
        body = opened.body
        header = parsed.header
        new_rows[sid] = {
            "id": sid,
            "device_id": header.device_id,
            "office_id": office_id,
            "seq": header.seq,
            "life_event": body.facts.life_event,
            "language": body.facts.language,
            "ticket": body.ticket.number,
            "status": "received",
            "created_at": datetime.fromtimestamp(header.created_at_ms / 1000, UTC),
            "received_at": now,
            "envelope_sha256": digest,
            "body_sha256": opened.digest,
            "facts": msgspec.json.encode(body.facts).decode(),
            "plan": msgspec.json.encode(body.plan).decode(),
        }
        return True


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
