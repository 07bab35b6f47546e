"""Read QR codes from camera frames with zbar (pyzbar), once per code however long it is held up.

Our payloads (case QRs, pre-entry QRs) are Base45 text in QR alphanumeric mode, so the decoded text is
ASCII; codes with other content are not ours and are skipped. Payloads are sealed data: never log them.

zbar alone misses codes whose small modules are blurred or seen in perspective, so `decode_frame` falls
back on rectifying the code, then on reading it module by module (`qr_grid`) and giving zbar the clean
redrawn code: zbar stays the only decoder (error correction and format checks included).
"""

import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from .camera import Frame, FrameSource
from .qr_grid import redrawn_code

_RECTIFIED_SIDE = 600
_RECTIFIED_MARGIN = 50


def read_zbar(frame: Frame) -> list[str]:
    texts = []
    for symbol in zbar_decode(frame, symbols=[ZBarSymbol.QRCODE]):
        try:
            texts.append(symbol.data.decode("ascii"))
        except UnicodeDecodeError:
            continue
    return texts


def decode_frame(frame: Frame) -> list[str]:
    """The ASCII payloads of the QR codes in a greyscale frame.

    Cheapest first: the frame as it is; then the code flattened (zbar copes badly with perspective); last,
    the code read module by module (small modules under blur and perspective).
    """
    found = read_zbar(frame)
    if found:
        return found
    flat = _rectified(frame)
    found = [] if flat is None else read_zbar(flat)
    if found:
        return found
    drawn = redrawn_code(frame)
    return [] if drawn is None else read_zbar(drawn)


def _rectified(frame: Frame) -> Frame | None:
    """The code found by OpenCV's detector, warped flat and square.

    The detector's fourth corner is extrapolated, several modules off under perspective: good enough for
    codes with large modules.
    """
    found, corners = cv2.QRCodeDetectorAruco().detect(frame)
    if not found or corners is None:
        return None
    low, high = _RECTIFIED_MARGIN, _RECTIFIED_MARGIN + _RECTIFIED_SIDE
    square = np.array([[low, low], [high, low], [high, high], [low, high]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(corners.reshape(-1, 2)[:4].astype(np.float32), square)
    flat = cv2.warpPerspective(frame, warp, (high + low, high + low), flags=cv2.INTER_CUBIC, borderValue=255)
    return np.asarray(flat, dtype=np.uint8)


class Deduplicator:
    """Lets a payload through once, then again only after it was out of sight for `window` seconds."""

    def __init__(self, window: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._window, self._clock = window, clock
        self._last_seen: dict[str, float] = {}

    def is_new(self, payload: str) -> bool:
        now = self._clock()
        self._last_seen = {p: t for p, t in self._last_seen.items() if now - t <= self._window}
        new = payload not in self._last_seen
        self._last_seen[payload] = now
        return new


def scan(source: FrameSource, deduplicator: Deduplicator | None = None) -> Iterator[str]:
    """Payloads as they come into view, each once, until the source runs out of frames."""
    deduplicator = deduplicator or Deduplicator()
    while (frame := source.read()) is not None:
        for payload in decode_frame(frame):
            if deduplicator.is_new(payload):
                yield payload
