"""Turn a batch of received MQTT messages into stored cases, recorded rejections and ids to acknowledge.

Synchronous on purpose: it runs in a thread of an ingest worker process, so one batch is one database
transaction. Ids are returned for acknowledgement only after that transaction has committed (acks are end
to end). Envelopes are verified and opened in arrival order, in the same process (central/ingest/crypto.py),
and stored by one statement (central/ingest/store.py); ingest never plans. Never logs or stores payloads of
rejected envelopes, nor personal data.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from central.ingest.crypto import Opener, Outcome, Replay
from central.ingest.devices import DeviceRegistry, KnownDevice
from central.ingest.store import Digests, store, synced_case, synced_digests, upsert
from central.models import Reject
from protocol import envelope, topics
from protocol.envelope import Parsed, Reason, Rejected
from protocol.keys import CityPrivateKey

_reject = Reject.__table__  # type: ignore[attr-defined]
Row = dict[str, object]


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
        self._upsert = upsert(engine)

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
        rejects: list[Row] = []
        routed: list[Routed] = []
        for message in batch:
            try:
                routed.append(self._route(message))
            except Rejected as exc:
                rejects.append(_reject_row(message, exc, now))
        with self._engine.connect() as conn:
            known = synced_digests(conn, {item.parsed.submission_id for item in routed})
        new_rows: dict[str, Row] = {}
        accepted: list[Routed] = []
        for item in routed:
            stored = known.get(item.parsed.submission_id)
            outcome = self._opener.open(item.parsed, item.device.public_key, stored[0] if stored else None)
            try:
                self._decide(item, outcome, known, new_rows, now)
            except Rejected as exc:
                rejects.append(_reject_row(item.message, exc, now, item.parsed))
                continue
            accepted.append(item)
        with self._engine.begin() as conn:
            lost = store(conn, self._upsert, list(new_rows.values()))
            rejected = [item for item in accepted if item.parsed.submission_id in lost]
            rejects += [_reject_row(item.message, _conflict(), now, item.parsed) for item in rejected]
            if rejects:
                conn.execute(insert(_reject), rejects)
        result = BatchResult(stored=len(new_rows) - len(lost), rejected=len(rejects))
        for item in accepted:
            if item.parsed.submission_id not in lost:
                result.acks[item.device.id].append(item.parsed.submission_id)
        return result

    @staticmethod
    def _decide(
        item: Routed, outcome: Outcome, known: Digests, new_rows: dict[str, Row], now: datetime
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
                raise _conflict()
            return
        new_rows[sid] = synced_case(
            sid,
            item.device,
            parsed.header.seq,
            outcome.body,
            datetime.fromtimestamp(parsed.header.created_at_ms / 1000, UTC),
            now,
            (parsed.digest, outcome.digest),
        )


def _conflict() -> Rejected:
    return Rejected(Reason.CONFLICT, "same submission id, different content")


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
