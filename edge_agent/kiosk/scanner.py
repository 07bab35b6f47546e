"""The kiosk's QR scan: the camera, lent by the unit's hardware (its only owner) to the scan screen alone.

Showing the scan screen starts the camera for that session; each poll reads a few frames; the camera stops
as soon as the screen is left — a QR read, "back", "start over", the idle wipe — or, should the page just
go away, once no poll has come for LEASE_SECONDS. A poll from a screen already left never restarts it.
Pre-entry QRs are sealed to the counter key; only their opened facts reach the session, in memory.
Frames and payloads are never logged or written anywhere.
"""

import threading
import time
from collections.abc import Callable

from edge_agent.hardware.camera import CameraError
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.hardware.qr import decode_frame
from protocol.facts import Facts
from protocol.qr_seal import CounterKey, PreEntryQr, QrError, open_qr

FRAMES_PER_POLL = 8
LEASE_SECONDS = 5.0
"""A scan screen that has not polled for this long is gone: its camera is stopped (the page polls every
second; a poll reads FRAMES_PER_POLL frames, well under a second each)."""


class QrScanner:
    """Lends the camera to the one session on the scan screen and hands out the QR payloads in view.

    Every method blocks (opening, reading and closing a camera): call them in a worker thread.
    """

    def __init__(self, hardware: CounterUnitHardware, clock: Callable[[], float] = time.monotonic) -> None:
        self._hardware = hardware
        self._clock = clock
        self._holder: str | None = None
        """The token of the session on the scan screen, if any."""
        self._last_poll = 0.0
        self._lock = threading.Lock()

    @property
    def watching(self) -> bool:
        """Whether the camera runs for a scan screen (then the sweeper checks on it every second)."""
        return self._holder is not None and self._hardware.camera_state == "running"

    def start(self, holder: str) -> None:
        """The session `holder` shows the scan screen: start the camera; raises CameraError."""
        with self._lock:
            self._holder, self._last_poll = holder, self._clock()
            self._hardware.start_camera()

    def poll(self, holder: str) -> list[str]:
        """Up to FRAMES_PER_POLL frames' QR payloads for the session on the scan screen (none for another).

        Restarts the camera if the lease had run out; raises CameraError when the camera does not work.
        """
        with self._lock:
            if holder != self._holder:
                return []
            self._last_poll = self._clock()
            self._hardware.start_camera()
            found: list[str] = []
            for _ in range(FRAMES_PER_POLL):
                frame = self._hardware.read_frame()
                if frame is None:
                    break
                found += decode_frame(frame)
                if found:
                    break
            self._last_poll = self._clock()
            return found

    def stop(self, holder: str | None) -> None:
        """The session `holder` left the scan screen (or ended): stop the camera if it was lent to it."""
        with self._lock:
            if holder is not None and holder == self._holder:
                self._holder = None
                self._hardware.stop_camera()

    def sweep(self, live: Callable[[str], bool]) -> None:
        """Stop the camera if its session was wiped, or its screen stopped polling (the lease ran out)."""
        with self._lock:
            if self._holder is None:
                return
            if not live(self._holder):
                self._holder = None
            elif self._clock() - self._last_poll < LEASE_SECONDS:
                return
            self._hardware.stop_camera()

    def close(self) -> None:
        """Stop the camera whoever holds it (the kiosk is shutting down)."""
        with self._lock:
            self._holder = None
            self._hardware.stop_camera()


def open_preentry(payloads: list[str], counter: CounterKey) -> Facts | None:
    """The facts of the first pre-entry QR among the payloads that this counter key opens."""
    for payload in payloads:
        try:
            opened = open_qr(payload, counter)
        except QrError:
            continue
        if isinstance(opened.payload, PreEntryQr):
            return opened.payload.facts
    return None


__all__ = ["CameraError", "QrScanner", "open_preentry"]
