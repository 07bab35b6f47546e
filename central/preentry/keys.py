"""The pre-entry signing key: Ed25519, in central's data dir (mode 0600), created on first use.

It signs pre-entry QRs so anyone holding its public key (`GET /preentry/key`) can tell central made them.
Counter units open pre-entry QRs with the counter key and treat their facts as self-declared, like typed
entry, so they do not need this key. The private key never leaves central's data dir.
"""

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol.secret_file import write_secret_file

SIGNING_KEY_FILE = "preentry-signing.key"
ISSUER = "central-preentry"
"""The issuer name carried in every pre-entry QR."""


def load_or_create_signer(data_dir: Path) -> ed25519.Ed25519PrivateKey:
    """The pre-entry signing key, created (mode 0600) if this data dir has none yet."""
    path = data_dir / SIGNING_KEY_FILE
    if not path.exists():
        write_secret_file(path, ed25519.Ed25519PrivateKey.generate().private_bytes_raw())
    return ed25519.Ed25519PrivateKey.from_private_bytes(path.read_bytes())
