"""A Raspberry Pi camera module (e.g. Camera Module 3) through picamera2 and libcamera.

picamera2 comes from Raspberry Pi OS's apt (python3-picamera2), not PyPI, so it is imported only when this
source is opened. The low-resolution YUV420 stream's Y plane is the greyscale frame; nothing is saved.
"""

from typing import Any

from .source import CameraError, Frame


class Picamera2Source:
    """Greyscale frames from the Pi camera's Y plane."""

    def __init__(self, *, width: int, height: int) -> None:
        try:
            from picamera2 import Picamera2
        except ImportError as error:
            raise CameraError("picamera2 is not installed (apt install python3-picamera2)") from error
        self._size = (width, height)
        self._camera: Any = Picamera2()
        configuration = self._camera.create_preview_configuration(
            main={"format": "RGB888", "size": self._size}, lores={"format": "YUV420", "size": self._size}
        )
        self._camera.configure(configuration)
        self._camera.start()
        self.frames_read = 0

    def read(self) -> Frame | None:
        width, height = self._size
        luminance: Frame = self._camera.capture_array("lores")[:height, :width]
        self.frames_read += 1
        return luminance

    def close(self) -> None:
        self._camera.stop()
        self._camera.close()
