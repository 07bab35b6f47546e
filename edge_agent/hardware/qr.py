"""Read our slips' QR codes in camera frames: zxing-cpp, then the module grid for the codes it misses.

Our payloads (case QRs, pre-entry QRs) are Base45 text in a Model 2 QR code's alphanumeric mode, so the
decoded bytes are ASCII; other codes are not ours and are skipped. Payloads are sealed data: never log them.

zxing-cpp (a maintained library) reads most frames in a few milliseconds. It gives up on small modules
blurred into each other (motion, a cheap webcam, a code held far away), which `qr_grid` samples module by
module and redraws clean; zxing-cpp decodes the drawing, so its error correction and checks still decide.
bench/qr.py measures what each stage adds (docs/hardware.md).
"""

import zxingcpp

from .camera import Frame
from .qr_grid import redrawn_code

_QR_CODES = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCodeModel2)
"""Our printers and segno make Model 2 QR codes. zxing-cpp's `QRCode` also takes Micro QR and rMQR, and on the
bench it found a Micro QR "230258" inside one of our codes."""


def decode_frame(frame: Frame) -> list[str]:
    """The ASCII payloads of the QR codes in a greyscale frame, each once; cheapest stage first."""
    found = _read(frame)
    if found:
        return found
    drawn = redrawn_code(frame)
    return [] if drawn is None else _read(drawn)


def _read(image: Frame) -> list[str]:
    texts: list[str] = []
    for code in zxingcpp.read_barcodes(image, formats=_QR_CODES, try_invert=False):
        if not code.valid:
            continue
        try:
            text = code.bytes.decode("ascii")
        except UnicodeDecodeError:
            continue
        if text not in texts:
            texts.append(text)
    return texts
