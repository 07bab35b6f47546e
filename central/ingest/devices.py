"""An in-memory view of enrolled devices for the ingest hot path, refreshed from the database.

Refreshed when an unknown id appears and at least every REFRESH_SECONDS, so a revocation made by another
process (the provisioning CLI) takes effect within seconds without a query per message.
"""

import time
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from central.models import Device

REFRESH_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class KnownDevice:
    """What ingest needs to know about a device."""

    id: str
    office_id: str
    public_key: bytes
    """Raw Ed25519 public key; the crypto workers load it."""
    revoked: bool


class DeviceRegistry:
    """Device lookups for ingest, cached."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._devices: dict[str, KnownDevice] = {}
        self._loaded_at = float("-inf")

    def _reload(self) -> None:
        with Session(self._engine) as session:
            rows = session.exec(select(Device)).all()
        self._devices = {
            row.id: KnownDevice(row.id, row.office_id, row.public_key, row.revoked_at is not None)
            for row in rows
        }
        self._loaded_at = time.monotonic()

    def get(self, device_id: str) -> KnownDevice | None:
        """Return the device, reloading the table if the cache is stale or does not know the id."""
        stale = time.monotonic() - self._loaded_at > REFRESH_SECONDS
        if stale or (device_id not in self._devices and time.monotonic() - self._loaded_at > 0.2):
            self._reload()
        return self._devices.get(device_id)
