"""A camera that replays image files from a folder in name order, for tests and the demo.

It only reads the folder; it must never write or delete images there.
"""

from pathlib import Path

import cv2
import numpy as np

from .source import CameraError, Frame

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"})


class FolderSource:
    """Greyscale frames from the images in a folder; with `loop`, starts again at the end."""

    def __init__(self, path: str | Path, *, loop: bool = False) -> None:
        self._folder = Path(path)
        if not self._folder.is_dir():
            raise CameraError(f"image folder {self._folder} does not exist")
        self._loop = loop
        self._pending: list[Path] = []
        self._started = False
        self.frames_read = 0

    def _refill(self) -> None:
        files = sorted(p for p in self._folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        self._pending = files[::-1]

    def read(self) -> Frame | None:
        if not self._pending and (self._loop or not self._started):
            self._refill()
            self._started = True
        if not self._pending:
            return None
        path = self._pending.pop()
        frame = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if frame is None:
            raise CameraError(f"{path.name} is not a readable image")
        self.frames_read += 1
        return np.asarray(frame, dtype=np.uint8)

    def close(self) -> None:
        self._pending = []
