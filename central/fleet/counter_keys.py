"""The counter key's rotation: a new key on every revocation, the previous one kept for a grace period.

A lost unit holds the counter key, so QR codes sealed to it after the loss must not open for whoever found
the unit: `provision revoke` rotates the key (`rotate`) and central's fleet loop pushes the new one to every
other unit in their configuration. Slips printed before the rotation carry QR codes sealed to the previous
key; central still opens those for GRACE (a day: this morning's slips scan this afternoon), then forgets it.

Files in central's data dir, all 0600: `counter.key` (current, central/keys.py), `counter-previous.key` and
`counter-rotation.json` (when it was rotated). A crash between the steps leaves the previous key equal to
the current one, or the new key in place: never a QR code nobody can open.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import x25519

from central.keys import COUNTER_KEY_FILE, load_or_create_counter_key
from protocol.qr_seal import CounterKey
from protocol.secret_file import write_secret_file

PREVIOUS_FILE = "counter-previous.key"
ROTATION_FILE = "counter-rotation.json"
GRACE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class CounterKeys:
    """The current counter key (seals) and every key a QR code may still be sealed to (opens)."""

    current: CounterKey
    usable: tuple[CounterKey, ...]
    rotated_at: datetime | None

    @property
    def previous(self) -> CounterKey | None:
        """The key before the last rotation, while its grace period lasts."""
        return self.usable[1] if len(self.usable) > 1 else None


def load_counter_keys(data_dir: Path, now: datetime | None = None) -> CounterKeys:
    """The counter keys as the data dir holds them now (the current one created if missing)."""
    current = load_or_create_counter_key(data_dir)
    rotation = data_dir / ROTATION_FILE
    previous = data_dir / PREVIOUS_FILE
    if not (rotation.exists() and previous.exists()):
        return CounterKeys(current, (current,), None)
    rotated_at = datetime.fromisoformat(json.loads(rotation.read_text())["rotated_at"])
    old = CounterKey.from_bytes(previous.read_bytes())
    within = (now or datetime.now(UTC)) < rotated_at + GRACE
    usable = (current, old) if within and old.raw != current.raw else (current,)
    return CounterKeys(current, usable, rotated_at)


def rotated_for(data_dir: Path) -> str:
    """The unit whose revocation made the last rotation ("" if none did)."""
    rotation = data_dir / ROTATION_FILE
    return str(json.loads(rotation.read_text()).get("for", "")) if rotation.exists() else ""


def rotate(data_dir: Path, reason: str, now: datetime | None = None) -> CounterKey:
    """Make a new current counter key, keeping the old one as the previous; returns the new key. `reason`
    names the revoked unit, so running its revocation again does not rotate twice."""
    old = load_or_create_counter_key(data_dir)
    write_secret_file(data_dir / PREVIOUS_FILE, old.raw, replace=True)
    stamp = {"rotated_at": (now or datetime.now(UTC)).isoformat(), "for": reason}
    write_secret_file(data_dir / ROTATION_FILE, json.dumps(stamp).encode(), replace=True)
    new = x25519.X25519PrivateKey.generate().private_bytes_raw()
    write_secret_file(data_dir / COUNTER_KEY_FILE, new, replace=True)
    return CounterKey.from_bytes(new)
