"""The counter unit's durable outbox: sealed envelopes only, in SQLite (WAL, synchronous=FULL).

A submission is committed here, fsynced, before the citizen is told it is done; it leaves only when
central's end-to-end ack names it. The same transaction allocates the per-device sequence number and the
queue ticket, so a kill -9 at any point neither loses nor duplicates a submission. Plaintext personal data
must never be written here: callers pass a function that seals, and only its output is stored.
"""

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from protocol.ids import uuid7

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL UNIQUE,
    envelope BLOB NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (
    idempotency_key TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL,
    ticket TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""
RECEIPT_DAYS = 2


class OutboxError(RuntimeError):
    """The outbox database is not safe to use (wrong journal mode, failed integrity check)."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """Numbers reserved for one submission inside the outbox transaction."""

    submission_id: uuid.UUID
    seq: int
    ticket: str


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the citizen's kiosk is told; `replayed` when an idempotency key was seen before."""

    submission_id: str
    ticket: str
    replayed: bool


@dataclass(frozen=True, slots=True)
class Pending:
    """An envelope waiting for central's ack."""

    seq: int
    submission_id: str
    envelope: bytes


class Outbox:
    """Thread-safe access to the outbox database (one connection, one lock)."""

    def __init__(self, path: Path, ticket_prefix: str = "A") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._ticket_prefix = ticket_prefix
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._check()
        self._db.executescript(SCHEMA)
        self._db.execute("DELETE FROM receipts WHERE created_at < ?", (time.time() - RECEIPT_DAYS * 86400,))

    def _check(self) -> None:
        journal = self._db.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = self._db.execute("PRAGMA synchronous").fetchone()[0]
        if journal != "wal" or synchronous != 2:  # 2 = FULL
            raise OutboxError(f"outbox must be WAL + synchronous=FULL, got {journal} + {synchronous}")
        verdict = self._db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise OutboxError(f"outbox integrity check failed: {verdict}")

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _next(self, name: str, start_over_unless: int | None = None) -> int:
        row = self._db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        value = 1 if row is None else row[0] + 1
        if start_over_unless is not None:
            day_row = self._db.execute(
                "SELECT value FROM counters WHERE name = ?", (name + ":day",)
            ).fetchone()
            if day_row is None or day_row[0] != start_over_unless:
                value = 1
                self._db.execute(
                    "INSERT OR REPLACE INTO counters VALUES (?, ?)", (name + ":day", start_over_unless)
                )
        self._db.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (name, value))
        return value

    def submit(self, seal: Callable[[Allocation], bytes], idempotency_key: str | None = None) -> Receipt:
        """Allocate numbers, seal, store and fsync in one transaction; replay a known idempotency key."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if idempotency_key is not None:
                    known = self._db.execute(
                        "SELECT submission_id, ticket FROM receipts WHERE idempotency_key = ?",
                        (idempotency_key,),
                    ).fetchone()
                    if known is not None:
                        self._db.execute("COMMIT")
                        return Receipt(known[0], known[1], replayed=True)
                today = int(datetime.now().astimezone().strftime("%Y%m%d"))
                ticket_number = self._next("ticket", start_over_unless=today)
                allocation = Allocation(
                    uuid7(), self._next("seq"), f"{self._ticket_prefix}{ticket_number:03d}"
                )
                sid = str(allocation.submission_id)
                now = time.time()
                self._db.execute(
                    "INSERT INTO outbox VALUES (?, ?, ?, ?)", (allocation.seq, sid, seal(allocation), now)
                )
                if idempotency_key is not None:
                    self._db.execute(
                        "INSERT INTO receipts VALUES (?, ?, ?, ?)",
                        (idempotency_key, sid, allocation.ticket, now),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return Receipt(sid, allocation.ticket, replayed=False)

    def pending(self, after_seq: int, limit: int) -> list[Pending]:
        """Envelopes with seq > after_seq, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, submission_id, envelope FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit),
            ).fetchall()
        return [Pending(*row) for row in rows]

    def by_seq(self, seqs: Iterable[int]) -> list[Pending]:
        """Envelopes with these sequence numbers that are still waiting (for retries)."""
        wanted = list(seqs)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT seq, submission_id, envelope FROM outbox WHERE seq IN ({marks}) ORDER BY seq",  # noqa: S608
                wanted,
            ).fetchall()
        return [Pending(*row) for row in rows]

    def acknowledge(self, submission_ids: list[str]) -> int:
        """Delete envelopes central has committed; returns how many were still here."""
        if not submission_ids:
            return 0
        marks = ",".join("?" * len(submission_ids))
        with self._lock:
            cursor = self._db.execute(
                f"DELETE FROM outbox WHERE submission_id IN ({marks})",  # noqa: S608 - only placeholders
                submission_ids,
            )
        return cursor.rowcount

    def depth(self) -> int:
        """How many envelopes wait for an ack."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def set_ticket_prefix(self, prefix: str) -> None:
        """Issue the next tickets with this prefix (a configuration central pushed)."""
        with self._lock:
            self._ticket_prefix = prefix

    def wipe(self) -> int:
        """Forget what is left once central has everything (the idempotency receipts), and compact the file so
        no freed page keeps old bytes; returns 0, or how many envelopes still wait, and then wipes nothing.
        Sequence and ticket counters stay: numbers are never reused."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            waiting = int(self._db.execute("SELECT count(*) FROM outbox").fetchone()[0])
            if waiting:
                self._db.execute("ROLLBACK")
                return waiting
            self._db.execute("DELETE FROM receipts")
            self._db.execute("COMMIT")
            self._db.execute("VACUUM")
        return 0
