"""Read our slips' QR codes in camera frames: zxing-cpp, then the module grid for the codes it misses.

Our payloads (case QRs, pre-entry QRs) are Base45 text in a Model 2 QR code's alphanumeric mode, so the
decoded bytes are ASCII; other codes are not ours and are skipped. Payloads are sealed data: never log them.

zxing-cpp (a maintained library) reads most frames in a few milliseconds. It gives up on small modules
blurred into each other (motion, a cheap webcam, a code held far away), on curled or creased paper and on
a code with a corner out of the frame, which `qr_grid` samples module by module on a grid that bends with
the paper and redraws clean; zxing-cpp decodes the drawing, so its error correction and checks still
decide. Where zxing-cpp finds a code but cannot read it, its outline tells the grid where to look. A frame
smeared along one line (the slip moved) in which neither reads a code has the blur undone (`qr_motion`)
and goes through both again; a frame that still reads nothing but shows a finder pattern goes through
both enlarged. bench/qr.py measures what each stage adds (docs/hardware.md).
"""

import cv2
import numpy as np
import zxingcpp

from .camera import Frame
from .qr_grid import Points, Sighting, redrawn_codes, sighted
from .qr_motion import deblurred, streak_direction

_QR_CODES = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCodeModel2)
"""Our printers and segno make Model 2 QR codes. zxing-cpp's `QRCode` also takes Micro QR and rMQR, and on the
bench it found a Micro QR "230258" inside one of our codes."""

_ENLARGED = 2
"""The last attempt looks at the frame enlarged this many times (cubic): zxing-cpp and the finder search
both find more in modules of 2-3 pixels (a webcam, a code far away) once they are 4-6 pixels. Only frames
that show a finder pattern get it: enlarged, an empty frame took 60 ms more on the build machine."""


def decode_frame(frame: Frame) -> list[str]:
    """The ASCII payloads of the QR codes in a greyscale frame, each once; cheapest stage first."""
    found, sighting = _decoded(frame)
    if found:
        return found
    direction = streak_direction(frame)
    if direction is not None:
        for sharpened in deblurred(frame, direction):
            found, _ = _decoded(sharpened, registered=False)  # the paper is flat: it moved
            if found:
                return found
    if sighting is None or not sighting.shows_finder():
        return []
    enlarged = cv2.resize(frame, None, fx=_ENLARGED, fy=_ENLARGED, interpolation=cv2.INTER_CUBIC)
    return _decoded(np.asarray(enlarged, dtype=np.uint8))[0]


def _decoded(frame: Frame, registered: bool = True) -> tuple[list[str], Sighting | None]:
    """zxing-cpp on the frame, then on the module grid's drawings (`registered`: also those registered
    against the first drawing); and what the grid saw, if it looked."""
    found, outlines = _read(frame)
    if found:
        return found, None
    sighting = sighted(frame)
    for drawn in redrawn_codes(sighting, outlines, registered):
        found, _ = _read(drawn)
        if found:
            return found, sighting
    return [], sighting


def _read(image: Frame) -> tuple[list[str], list[Points]]:
    """The ASCII payloads zxing-cpp reads, and the outlines of the codes it finds but cannot read."""
    texts: list[str] = []
    outlines: list[Points] = []
    for code in zxingcpp.read_barcodes(image, formats=_QR_CODES, try_invert=False, return_errors=True):
        if not code.valid:
            corners = (code.position.top_left, code.position.top_right, code.position.bottom_right)
            outlines.append(np.array([(p.x, p.y) for p in (*corners, code.position.bottom_left)], np.float64))
            continue
        try:
            text = code.bytes.decode("ascii")
        except UnicodeDecodeError:
            continue
        if text not in texts:
            texts.append(text)
    return texts, outlines
