"""Camera frame sources for QR scanning: picamera2, OpenCV/V4L2 or an image folder, chosen by the profile.

Every source hands out greyscale frames (2-D uint8 arrays), which is what the QR decoder wants. Picamera2
and OpenCV are imported only when their source is opened. Frames are never written to disk here.
"""

from edge_agent.profile import Camera, FolderCamera, OpencvCamera

from .source import CameraError, Frame, FrameSource


def open_camera(settings: Camera) -> FrameSource:
    """Open the frame source a profile's `[camera]` table describes."""
    if isinstance(settings, FolderCamera):
        from .folder import FolderSource

        return FolderSource(settings.path, loop=settings.loop)
    if isinstance(settings, OpencvCamera):
        from .opencv import OpencvSource

        return OpencvSource(settings.device, width=settings.width, height=settings.height)
    from .picamera import Picamera2Source

    return Picamera2Source(width=settings.width, height=settings.height)


__all__ = ["CameraError", "Frame", "FrameSource", "open_camera"]
