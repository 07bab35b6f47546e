"""The kiosk's own settings, read from MADOGUCHI_KIOSK_* environment variables (the profile is hardware only).

The admin PIN is compared in constant time and must never be logged or shown.
"""

import hmac
import os
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_IDLE_SECONDS = 90.0
MAX_FAILURES = 5
LOCK_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class KioskSettings:
    """How long a silent kiosk waits before wiping the session, and the admin menu's PIN."""

    idle_seconds: float = DEFAULT_IDLE_SECONDS
    """Seconds without a touch after which the session is wiped (MADOGUCHI_KIOSK_IDLE_SECONDS)."""
    admin_pin: str | None = None
    """PIN of the admin menu (MADOGUCHI_KIOSK_ADMIN_PIN); without one the admin menu stays locked."""
    slip_previews: Path | None = None
    """Demo and development only (MADOGUCHI_KIOSK_SLIP_PREVIEWS): also save each printed slip as a PNG here.
    A slip holds no plaintext personal data (the case QR is sealed), so this never writes any."""
    status_base: str | None = None
    """Central's public URL, under which the slip prints the ticket's status page
    (MADOGUCHI_KIOSK_STATUS_URL); None: the URL the unit enrolled with."""

    @classmethod
    def from_environment(cls) -> "KioskSettings":
        """Read the MADOGUCHI_KIOSK_* variables."""
        idle = os.environ.get("MADOGUCHI_KIOSK_IDLE_SECONDS")
        return cls(
            idle_seconds=float(idle) if idle else DEFAULT_IDLE_SECONDS,
            admin_pin=os.environ.get("MADOGUCHI_KIOSK_ADMIN_PIN") or None,
            slip_previews=Path(previews)
            if (previews := os.environ.get("MADOGUCHI_KIOSK_SLIP_PREVIEWS"))
            else None,
            status_base=os.environ.get("MADOGUCHI_KIOSK_STATUS_URL") or None,
        )

    def admin_pin_matches(self, candidate: str) -> bool:
        """Whether `candidate` is the admin PIN (always False when none is set)."""
        if self.admin_pin is None:
            return False
        return hmac.compare_digest(candidate.encode(), self.admin_pin.encode())


class AdminLock:
    """Counts wrong admin PINs; locks the menu for LOCK_SECONDS after MAX_FAILURES in a row."""

    def __init__(self) -> None:
        self.failures = 0
        self.locked_until = 0.0

    def locked(self) -> bool:
        """Whether PIN entry is refused right now."""
        return time.monotonic() < self.locked_until

    def record(self, success: bool) -> None:
        """Count a wrong PIN (locking after too many) or reset on the right one."""
        self.failures = 0 if success else self.failures + 1
        if self.failures >= MAX_FAILURES:
            self.failures = 0
            self.locked_until = time.monotonic() + LOCK_SECONDS
