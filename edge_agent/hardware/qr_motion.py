"""Take a slip's motion blur out of a frame, for frames in which nothing else reads a code.

A slip moved while the shutter is open is smeared along one line. Its edges keep their contrast across that
line and lose it along it, so the frame's gradient energy gives the line's direction; a still frame's is
about the same every way. The blur's length is not measured: a few lengths are tried, each undone by a
Wiener filter (the inverse of the blur, damped where the blur leaves little signal above the noise). The
result goes back to the decoding chain, whose error correction and checks still decide.
"""

from collections.abc import Iterator

import cv2
import numpy as np
import numpy.typing as npt

from .camera import Frame

STREAK_RATIO = 1.4
"""Gradient energy across the streak over energy along it, in the frame at half size, above which a frame
counts as motion-blurred. On the bench's development seeds, frames without a blur stay under 1.3 and the
motion-blurred ones that zxing-cpp and the grid miss are over 1.5."""
BLUR_LENGTHS = (7 / 960, 5 / 960, 3 / 960, 9 / 960)
"""Blur lengths tried, as shares of the frame's height (pixels at 1280x960), most often right first."""
_NOISE_TO_SIGNAL = 0.02
_FILTER_SIZE = 65
"""Pixels across the deblurring filter (odd: centred on a pixel); the inverse of a line blur is long."""


def streak_direction(frame: Frame) -> float | None:
    """The direction (radians, x right and y down) the frame is smeared along, or None if it is not."""
    half = cv2.pyrDown(frame)  # a quarter of the pixels to look at, and the streak still shows
    across_x, across_y = (cv2.Sobel(half, cv2.CV_32F, dx, 1 - dx) for dx in (1, 0))
    xx, yy, xy = (
        cv2.mean(a * b)[0] for a, b in ((across_x, across_x), (across_y, across_y), (across_x, across_y))
    )
    spread = float(np.hypot((xx - yy) / 2, xy))
    most, least = (xx + yy) / 2 + spread, (xx + yy) / 2 - spread
    if least <= 0 or most / least < STREAK_RATIO:
        return None
    return 0.5 * float(np.arctan2(2 * xy, xx - yy)) + np.pi / 2  # the sharpest edges lie across the streak


def deblurred(frame: Frame, direction: float) -> Iterator[Frame]:
    """The frame with a straight blur along `direction` undone, for each length in BLUR_LENGTHS."""
    image = frame.astype(np.float32)
    for share in BLUR_LENGTHS:
        restored = cv2.filter2D(image, -1, _wiener(_streak(share * frame.shape[0], direction)))
        yield np.clip(restored, 0, 255).astype(np.uint8)


def _streak(length: float, direction: float) -> npt.NDArray[np.float64]:
    """A straight blur of `length` pixels: points along the line, each spread over its four pixels."""
    steps = np.linspace(-length / 2, length / 2, int(8 * length) + 1)
    xs = _FILTER_SIZE // 2 + steps * np.cos(direction)
    ys = _FILTER_SIZE // 2 + steps * np.sin(direction)
    kernel = np.zeros((_FILTER_SIZE, _FILTER_SIZE))
    left, top = np.floor(xs).astype(int), np.floor(ys).astype(int)
    right_share, lower_share = xs - left, ys - top
    for row, column, share in (
        (top, left, (1 - lower_share) * (1 - right_share)),
        (top, left + 1, (1 - lower_share) * right_share),
        (top + 1, left, lower_share * (1 - right_share)),
        (top + 1, left + 1, lower_share * right_share),
    ):
        np.add.at(kernel, (row, column), share)
    return np.asarray(kernel / kernel.sum(), dtype=np.float64)


def _wiener(blur: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    """The Wiener filter of a blur, as a kernel for filter2D (which correlates: hence the flip)."""
    response = np.fft.fft2(np.fft.ifftshift(blur))
    inverse = np.conj(response) / (np.abs(response) ** 2 + _NOISE_TO_SIGNAL)
    kernel = np.fft.fftshift(np.real(np.fft.ifft2(inverse)))
    return np.asarray(np.flip(kernel), dtype=np.float32)
