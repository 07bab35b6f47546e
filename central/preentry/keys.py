"""The pre-entry signing key: Ed25519, in central's data dir (mode 0600), created on first use.

It signs pre-entry QRs so anyone holding its public key (`GET /preentry/key`) can tell central made them.
Counter units open pre-entry QRs with the counter key and treat their facts as self-declared, like typed
entry, so they do not need this key. The private key never leaves central's data dir.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

SIGNING_KEY_FILE = "preentry-signing.key"
ISSUER = "central-preentry"
"""The issuer name carried in every pre-entry QR."""


def load_or_create_signer(data_dir: Path) -> ed25519.Ed25519PrivateKey:
    """The pre-entry signing key, created (mode 0600) if this data dir has none yet."""
    path = data_dir / SIGNING_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(ed25519.Ed25519PrivateKey.generate().private_bytes_raw())
            handle.flush()
            os.fsync(handle.fileno())
    return ed25519.Ed25519PrivateKey.from_private_bytes(path.read_bytes())
