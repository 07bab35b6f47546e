"""The FrameSource interface every camera driver implements, and the camera error."""

from typing import Protocol

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
"""A greyscale frame: rows × columns of 8-bit luminance."""


class CameraError(Exception):
    """The camera cannot be opened or stopped delivering frames."""


class FrameSource(Protocol):
    """Something that hands out greyscale frames."""

    frames_read: int
    """Frames delivered so far (the health report shows it moving)."""

    def read(self) -> Frame | None:
        """The next frame; None when a finite source (a folder) has no more."""
        ...

    def close(self) -> None:
        """Release the camera."""
        ...
