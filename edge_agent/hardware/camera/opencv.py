"""A USB (UVC) webcam through OpenCV's V4L2 back end.

It converts each frame to greyscale in memory; it must never save frames.
"""

import cv2
import numpy as np

from .source import CameraError, Frame


class OpencvSource:
    """Greyscale frames from /dev/video<device>."""

    def __init__(self, device: int, *, width: int, height: int) -> None:
        self._capture = cv2.VideoCapture(device, cv2.CAP_V4L2)
        if not self._capture.isOpened():
            raise CameraError(f"cannot open /dev/video{device}")
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.frames_read = 0

    def read(self) -> Frame | None:
        ok, frame = self._capture.read()
        if not ok:
            raise CameraError("the webcam stopped delivering frames")
        self.frames_read += 1
        return np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), dtype=np.uint8)

    def close(self) -> None:
        self._capture.release()
