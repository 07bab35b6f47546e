"""Central's keys in its data dir, created on first start and readable only by central's user:
the city sealing key (opens submissions), the counter key (seals and opens QR codes; shared with units) and
the signing key (signs what central tells units: acks, configs, commands; units get its public half).
"""

from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from protocol.keys import CityPrivateKey
from protocol.qr_seal import CounterKey
from protocol.secret_file import write_secret_file

CITY_KEY_FILE = "city-sealing.key"
COUNTER_KEY_FILE = "counter.key"
SIGNING_KEY_FILE = "central-signing.key"


def _load_or_create(path: Path, generate: Callable[[], bytes]) -> bytes:
    if path.exists():
        return path.read_bytes()
    raw = generate()
    write_secret_file(path, raw)
    return raw


def load_or_create_city_key(data_dir: Path) -> CityPrivateKey:
    """The city sealing key pair, created (mode 0600) if this data dir has none yet."""
    raw = _load_or_create(data_dir / CITY_KEY_FILE, lambda: CityPrivateKey.generate().raw)
    return CityPrivateKey.from_bytes(raw)


def load_or_create_counter_key(data_dir: Path) -> CounterKey:
    """The counter key, created (mode 0600) if this data dir has none yet."""
    raw = _load_or_create(
        data_dir / COUNTER_KEY_FILE, lambda: x25519.X25519PrivateKey.generate().private_bytes_raw()
    )
    return CounterKey.from_bytes(raw)


def load_or_create_signing_key(data_dir: Path) -> ed25519.Ed25519PrivateKey:
    """Central's signing key (Ed25519), created (mode 0600) if this data dir has none yet."""
    raw = _load_or_create(
        data_dir / SIGNING_KEY_FILE, lambda: ed25519.Ed25519PrivateKey.generate().private_bytes_raw()
    )
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)


def ensure_keys(data_dir: Path) -> list[str]:
    """Create whichever of central's keys this data dir lacks; returns the files it created."""
    missing = [
        name for name in (CITY_KEY_FILE, COUNTER_KEY_FILE, SIGNING_KEY_FILE) if not (data_dir / name).exists()
    ]
    data_dir.mkdir(parents=True, exist_ok=True)
    load_or_create_city_key(data_dir)
    load_or_create_counter_key(data_dir)
    load_or_create_signing_key(data_dir)
    return missing
