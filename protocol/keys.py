"""Key material that crosses parts: the city sealing key (hybrid ML-KEM-768 + X25519) and device keys.

Raw, fixed-length encodings are used on the wire and on disk so that key ids are stable hashes.
This module never writes files; callers decide where keys live (central's data dir, the unit's data dir).
"""

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey, MLKEM768X25519PublicKey

MLKEM_SEED_LEN = 64
MLKEM_PUBLIC_LEN = 1184
X25519_LEN = 32
CITY_PRIVATE_LEN = MLKEM_SEED_LEN + X25519_LEN
CITY_PUBLIC_LEN = MLKEM_PUBLIC_LEN + X25519_LEN
KEY_ID_LEN = 8


def key_id(public_bytes: bytes) -> bytes:
    """Name a public key by the first 8 bytes of its SHA-256, as the envelope's recipient key id."""
    return hashlib.sha256(public_bytes).digest()[:KEY_ID_LEN]


@dataclass(frozen=True, slots=True)
class CityPublicKey:
    """The public half of the city sealing key: what counter units seal submissions to."""

    raw: bytes
    key: MLKEM768X25519PublicKey
    key_id: bytes

    @classmethod
    def from_bytes(cls, raw: bytes) -> "CityPublicKey":
        """Load the 1216-byte encoding: ML-KEM-768 public key then X25519 public key."""
        if len(raw) != CITY_PUBLIC_LEN:
            raise ValueError(f"city public key must be {CITY_PUBLIC_LEN} bytes, got {len(raw)}")
        kem = mlkem.MLKEM768PublicKey.from_public_bytes(raw[:MLKEM_PUBLIC_LEN])
        ecdh = x25519.X25519PublicKey.from_public_bytes(raw[MLKEM_PUBLIC_LEN:])
        return cls(raw=raw, key=MLKEM768X25519PublicKey(kem, ecdh), key_id=key_id(raw))


@dataclass(frozen=True, slots=True)
class CityPrivateKey:
    """The private half; it exists only on central (and in officers' recovery shares)."""

    raw: bytes
    key: MLKEM768X25519PrivateKey
    public: CityPublicKey

    @classmethod
    def generate(cls) -> "CityPrivateKey":
        """Make a new city key pair from fresh randomness."""
        seed = mlkem.MLKEM768PrivateKey.generate().private_bytes_raw()
        ecdh = x25519.X25519PrivateKey.generate().private_bytes_raw()
        return cls.from_bytes(seed + ecdh)

    @classmethod
    def from_bytes(cls, raw: bytes) -> "CityPrivateKey":
        """Load the 96-byte encoding: the ML-KEM-768 seed then the X25519 private key."""
        if len(raw) != CITY_PRIVATE_LEN:
            raise ValueError(f"city private key must be {CITY_PRIVATE_LEN} bytes, got {len(raw)}")
        kem = mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:MLKEM_SEED_LEN])
        ecdh = x25519.X25519PrivateKey.from_private_bytes(raw[MLKEM_SEED_LEN:])
        public_raw = kem.public_key().public_bytes_raw() + ecdh.public_key().public_bytes_raw()
        return cls(
            raw=raw,
            key=MLKEM768X25519PrivateKey(kem, ecdh),
            public=CityPublicKey.from_bytes(public_raw),
        )


def device_private_key(raw: bytes) -> ed25519.Ed25519PrivateKey:
    """Load a counter unit's Ed25519 signing key from its 32 raw bytes."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)


def device_public_key(raw: bytes) -> ed25519.Ed25519PublicKey:
    """Load a counter unit's Ed25519 verification key from its 32 raw bytes."""
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


def raw_public(key: ed25519.Ed25519PrivateKey) -> bytes:
    """Return the 32 raw bytes of a device key's public half."""
    return key.public_key().public_bytes_raw()
