"""Signature checks and decryption for ingest, inside the ingest worker that received the envelope.

Each ingest worker is its own process (central/ingest/workers.py), so the costly part (Ed25519 verify +
ML-KEM-768/X25519 decapsulation) runs on every core without shipping envelopes between processes. Device
keys are loaded once per worker. Never logs.
"""

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol import envelope
from protocol.envelope import Opened, Parsed, Rejected
from protocol.keys import CityPrivateKey, device_public_key


@dataclass(frozen=True, slots=True)
class Replay:
    """The envelope is byte-for-byte one already stored."""


Outcome = Opened | Rejected | Replay


class Opener:
    """Verifies and opens envelopes for one city key."""

    def __init__(self, city: CityPrivateKey) -> None:
        self._city = city
        self._keys: dict[bytes, ed25519.Ed25519PublicKey] = {}

    def _device_key(self, raw: bytes) -> ed25519.Ed25519PublicKey:
        key = self._keys.get(raw)
        if key is None:
            key = self._keys[raw] = device_public_key(raw)
        return key

    def open(self, parsed: Parsed, device_key: bytes, stored_digest: bytes | None) -> Outcome:
        """Verify the device's signature, then decrypt unless it is an exact replay of what is stored."""
        try:
            envelope.verify(parsed, self._device_key(device_key))
            if stored_digest == parsed.digest:
                return Replay()
            return envelope.decrypt(parsed, self._city)
        except Rejected as exc:
            return exc
