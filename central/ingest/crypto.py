"""Signature checks and decryption for ingest, in worker processes so they use every core.

The costly part of ingest (Ed25519 verify + ML-KEM-768/X25519 decapsulation, ~0.2 ms an envelope) runs in a
process pool while the event loop keeps receiving and acking. Processes rather than threads: HPKE decryption
holds the GIL, and concurrent calls from threads crashed the interpreter with cryptography 50 (seen here).
Workers hold the city key from their start; jobs and results are plain bytes and tuples. Never logs.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from protocol import envelope
from protocol.envelope import Opened, Reason, Rejected
from protocol.keys import CityPrivateKey, device_public_key

Job = tuple[bytes, bytes, bytes | None]
"""(envelope, device public key, digest of the stored envelope with this id or None)."""
Result = tuple[str, str, bytes | None, bytes | None]
"""("opened" | "replay" | reason, detail, body plaintext digest, msgpack body)."""

_city: CityPrivateKey | None = None


def _start_worker(city_raw: bytes) -> None:
    global _city  # noqa: PLW0603 - the worker's one piece of state, set once at start
    _city = CityPrivateKey.from_bytes(city_raw)


def _open(job: Job) -> Result:
    wire, device_key, stored_digest = job
    assert _city is not None  # set by the pool initializer
    try:
        parsed = envelope.parse(wire)
        envelope.verify(parsed, device_public_key(device_key))
        if stored_digest == parsed.digest:
            return ("replay", "", None, None)
        opened = envelope.decrypt(parsed, _city)
    except Rejected as exc:
        return (exc.reason.value, exc.detail, None, None)
    return ("opened", "", opened.digest, envelope.encode_body(opened.body))


def _open_all(jobs: list[Job]) -> list[Result]:
    return [_open(job) for job in jobs]


@dataclass(frozen=True, slots=True)
class Replay:
    """The envelope is byte-for-byte one already stored."""


Outcome = Opened | Rejected | Replay


class CryptoPool:
    """A pool of worker processes that verify and open envelopes, keeping the order of the jobs."""

    def __init__(self, city: CityPrivateKey, workers: int) -> None:
        self._workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),  # never fork a process that runs threads
            initializer=_start_worker,
            initargs=(city.raw,),
        )

    def open_all(self, jobs: list[Job]) -> list[Outcome]:
        """Verify and open every job, split across the workers."""
        size = max(1, -(-len(jobs) // self._workers))
        parts = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        return [_outcome(result) for part in self._pool.map(_open_all, parts) for result in part]

    def close(self) -> None:
        """Stop the workers."""
        self._pool.shutdown(cancel_futures=True)


def _outcome(result: Result) -> Outcome:
    kind, detail, digest, body = result
    if kind == "replay":
        return Replay()
    if kind == "opened" and digest is not None and body is not None:
        return Opened(body=envelope.decode_body(body), digest=digest)
    return Rejected(Reason(kind), detail)
