"""Read QR codes from camera frames with zbar (pyzbar), once per code however long it is held up.

Our payloads (case QRs, pre-entry QRs) are Base45 text in QR alphanumeric mode, so the decoded text is
ASCII; codes with other content are not ours and are skipped. Payloads are sealed data: never log them.
"""

import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from .camera import Frame, FrameSource

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


def _rectified(frame: Frame) -> Frame | None:
    """The code found by OpenCV's detector, warped flat and square (zbar copes badly with perspective)."""
    found, corners = cv2.QRCodeDetectorAruco().detect(frame)
    if not found or corners is None:
        return None
    low, high = _RECTIFIED_MARGIN, _RECTIFIED_MARGIN + _RECTIFIED_SIDE
    square = np.array([[low, low], [high, low], [high, high], [low, high]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(corners.reshape(-1, 2)[:4].astype(np.float32), square)
    flat = cv2.warpPerspective(frame, warp, (high + low, high + low), flags=cv2.INTER_CUBIC, borderValue=255)
    return np.asarray(flat, dtype=np.uint8)


def _binarized(frame: Frame) -> Frame:
    _, black_white = cv2.threshold(frame, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(black_white, dtype=np.uint8)


def _enlarged(frame: Frame) -> Frame:
    big = cv2.resize(frame, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    return np.asarray(big, dtype=np.uint8)


def decode_frame(frame: Frame) -> list[str]:
    """The ASCII payloads of the QR codes in a greyscale frame.

    Cheapest first: the frame as it is; then the code flattened (zbar copes badly with perspective), as it
    is and binarised (low contrast); then flattened from an enlarged frame (small modules of big codes).
    """
    found = read_zbar(frame)
    if found:
        return found
    flat = _rectified(frame)
    if flat is not None:
        found = read_zbar(flat) or read_zbar(_binarized(flat))
        if found:
            return found
    flat = _rectified(_enlarged(frame))
    return [] if flat is None else read_zbar(flat)


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
