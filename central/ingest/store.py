"""Store a batch of opened envelopes with one statement: a new case, or a counter-opened case marked synced.

INSERT … ON CONFLICT (id) DO UPDATE, which SQLite and PostgreSQL both speak. A submission id central has
never seen becomes a new case (received, origin sync, not yet prepared: ingest never plans). An id a counter
opened from the slip's QR before its envelope arrived gets only the sync columns (device, sequence number,
received_at, digests), so what staff did — corrected facts, re-planned procedures, their states — stays.
An already synced row is left alone: if another ingest worker synced an id meanwhile, the digests it
stored tell a replay (acked) from a reused id with different content (a conflict). Runs in the caller's
transaction. Never logs.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, Insert, select
from sqlalchemy.dialects import postgresql, sqlite

from central.ingest.devices import KnownDevice
from central.models import Case, CaseStatus, Origin
from protocol.messages import SubmissionBody

_case = Case.__table__  # type: ignore[attr-defined]
SYNC_COLUMNS = ("device_id", "seq", "received_at", "updated_at", "envelope_sha256", "body_sha256")
"""What syncing changes on a case a counter already opened."""
Digests = dict[str, tuple[bytes, bytes]]
"""submission id → (envelope SHA-256, body SHA-256) of the synced copy."""


def synced_case(
    sid: str,
    device: KnownDevice,
    seq: int,
    body: SubmissionBody,
    created_at: datetime,
    received_at: datetime,
    digests: tuple[bytes, bytes],
) -> dict[str, Any]:
    """The row of a case whose envelope just synced: received, not yet prepared, as the unit sent it."""
    return {
        "id": sid,
        "office_id": device.office_id,
        "ticket": body.ticket.number,
        "origin": Origin.SYNC,
        "status": CaseStatus.RECEIVED,
        "life_event": body.facts.life_event,
        "language": body.facts.language,
        "created_at": created_at,
        "updated_at": received_at,
        "prepared_at": None,
        "facts": msgspec.json.encode(body.facts).decode(),
        "plan": msgspec.json.encode(body.plan).decode(),
        "device_id": device.id,
        "seq": seq,
        "received_at": received_at,
        "envelope_sha256": digests[0],
        "body_sha256": digests[1],
    }


def upsert(engine: Engine) -> Insert:
    """The statement that stores new cases and marks counter-opened ones synced, for this engine's dialect."""
    insert = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert
    statement = insert(_case)
    return statement.on_conflict_do_update(
        index_elements=[_case.c.id],
        set_={column: statement.excluded[column] for column in SYNC_COLUMNS},
        where=_case.c.received_at.is_(None),
    )


def store(conn: Connection, statement: Insert, rows: list[dict[str, Any]]) -> set[str]:
    """Run the upsert for these rows; returns the ids another worker had synced with different content."""
    if not rows:
        return set()
    if conn.execute(statement, rows).rowcount == len(rows):  # SQLite counts; psycopg may say -1
        return set()
    synced = synced_digests(conn, (row["id"] for row in rows))
    return {row["id"] for row in rows if not _same(synced.get(row["id"]), row)}


def _same(synced: tuple[bytes, bytes] | None, row: dict[str, Any]) -> bool:
    """Whether what is synced under this id is this envelope, or carries the same body."""
    return synced is not None and (synced[0] == row["envelope_sha256"] or synced[1] == row["body_sha256"])


def synced_digests(conn: Connection, ids: Iterable[str]) -> Digests:
    """The digests of those of these ids that have synced."""
    wanted = list(ids)
    if not wanted:
        return {}
    query = select(_case.c.id, _case.c.envelope_sha256, _case.c.body_sha256).where(
        _case.c.id.in_(wanted), _case.c.received_at.is_not(None)
    )
    return {row[0]: (row[1], row[2]) for row in conn.execute(query)}
