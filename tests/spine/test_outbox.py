"""The outbox on its own: durability settings, numbering, idempotency receipts, acks."""

import sqlite3
import uuid
from pathlib import Path

import pytest

from edge_agent.outbox import Allocation, Outbox, OutboxError


def sealed(allocation: Allocation) -> bytes:
    return b"sealed:" + allocation.submission_id.bytes


def test_durability_settings_are_checked_at_start(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.close()
    db = sqlite3.connect(tmp_path / "outbox.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_corrupt_outbox_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    Outbox(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the first page after the header
    path.write_bytes(bytes(data))
    with pytest.raises((OutboxError, sqlite3.DatabaseError)):
        Outbox(path)


def test_sequence_and_tickets_count_up_and_survive_restarts(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db", ticket_prefix="B")
    first = outbox.submit(sealed)
    outbox.close()
    outbox = Outbox(tmp_path / "outbox.db", ticket_prefix="B")
    second = outbox.submit(sealed)
    assert (first.ticket, second.ticket) == ("B001", "B002")
    assert [item.seq for item in outbox.pending(0, 10)] == [1, 2]
    assert uuid.UUID(second.submission_id).version == 7


def test_idempotency_key_replays_the_receipt_and_stores_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    first = outbox.submit(sealed, "session-1")
    again = outbox.submit(sealed, "session-1")
    assert again.submission_id == first.submission_id
    assert (first.replayed, again.replayed) == (False, True)
    assert outbox.depth() == 1


def test_a_failed_seal_changes_nothing(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")

    def broken(_allocation: Allocation) -> bytes:
        raise ValueError("sealing failed")

    with pytest.raises(ValueError, match="sealing failed"):
        outbox.submit(broken, "k")
    assert outbox.depth() == 0
    assert outbox.submit(sealed, "k").ticket == "A001"


def test_acknowledge_deletes_only_named_envelopes(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    receipts = [outbox.submit(sealed) for _ in range(3)]
    assert outbox.acknowledge([receipts[1].submission_id, "not-there"]) == 1
    assert [item.submission_id for item in outbox.pending(0, 10)] == [
        receipts[0].submission_id,
        receipts[2].submission_id,
    ]
