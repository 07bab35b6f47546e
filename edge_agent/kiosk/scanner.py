"""The kiosk's QR scan: a camera opened for the scan screen only, read a few frames per poll.

Pre-entry QRs are sealed to the counter key; only their opened facts reach the session, in memory.
Frames and payloads are never logged or written anywhere.
"""

import threading

from edge_agent.hardware.camera import CameraError, FrameSource, open_camera
from edge_agent.hardware.qr import decode_frame
from edge_agent.profile import Camera
from protocol.facts import Facts
from protocol.qr_seal import CounterKey, PreEntryQr, QrError, open_qr

FRAMES_PER_POLL = 8


class QrScanner:
    """Hands out the QR payloads in view; reopens a finite source (an image folder) once it runs dry."""

    def __init__(self, settings: Camera) -> None:
        self._settings = settings
        self._source: FrameSource | None = None
        self._lock = threading.Lock()

    def poll(self) -> list[str]:
        """Read up to FRAMES_PER_POLL frames (blocking: call it in a worker thread)."""
        with self._lock:
            if self._source is None:
                self._source = open_camera(self._settings)
            found: list[str] = []
            for _ in range(FRAMES_PER_POLL):
                frame = self._source.read()
                if frame is None:
                    self._close()
                    break
                found += decode_frame(frame)
                if found:
                    break
            return found

    def close(self) -> None:
        """Release the camera (when the scan screen is left)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None


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
