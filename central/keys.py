"""The city sealing key in central's data dir: created on first start, readable only by central's user."""

import os
from pathlib import Path

from protocol.keys import CityPrivateKey

CITY_KEY_FILE = "city-sealing.key"


def load_or_create_city_key(data_dir: Path) -> CityPrivateKey:
    """Load the city key pair, creating it (mode 0600) if this data dir has none yet."""
    path = data_dir / CITY_KEY_FILE
    if path.exists():
        return CityPrivateKey.from_bytes(path.read_bytes())
    data_dir.mkdir(parents=True, exist_ok=True)
    key = CityPrivateKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.raw)
        handle.flush()
        os.fsync(handle.fileno())
    return key
