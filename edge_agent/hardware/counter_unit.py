"""The hardware of one counter unit, built from its device profile, and its health for the status heartbeat.

This is the one entry point the rest of the edge agent needs: `CounterUnitHardware.from_profile(profile)`.
The health report says what works and what staff must fix; it must never contain card or slip contents.
"""

from dataclasses import dataclass
from typing import Literal

import msgspec

from edge_agent.profile import Camera, DeviceProfile

from .camera import CameraError, FrameSource, open_camera
from .card.pcsc import PcscCardReader
from .card.reader import CardReader, CardState
from .printer import PrinterError, SlipPrinter

PrinterState = Literal[
    "ready", "paper_near_end", "paper_out", "cover_open", "offline", "unreachable", "unknown"
]


class HardwareHealth(msgspec.Struct, frozen=True, kw_only=True):
    """What the device status heartbeat reports about the hardware."""

    card: CardState
    """no_reader, empty or present."""
    printer: PrinterState
    """ready, or what keeps the printer from printing; unknown when the connection cannot tell."""
    camera: Literal["running", "stopped", "failed"]
    camera_frames: int
    """Frames read since start: a number that stops moving means a stuck camera."""


def _printer_state(printer: SlipPrinter) -> PrinterState:
    try:
        status = printer.status()
    except PrinterError:
        return "unreachable"
    if status is None:
        return "unknown"
    if status.paper_out:
        return "paper_out"
    if status.cover_open:
        return "cover_open"
    if not status.online:
        return "offline"
    return "paper_near_end" if status.paper_near_end else "ready"


@dataclass
class CounterUnitHardware:
    """Card reader, slip printer and camera of one counter unit."""

    card_reader: CardReader
    printer: SlipPrinter
    camera_settings: Camera
    camera: FrameSource | None = None
    camera_failed: bool = False

    @classmethod
    def from_profile(cls, profile: DeviceProfile) -> "CounterUnitHardware":
        """Build the drivers a profile names; nothing is opened until used."""
        return cls(PcscCardReader(profile.card_reader.reader), SlipPrinter(profile.printer), profile.camera)

    def start_camera(self) -> FrameSource:
        """Open the camera (once); raises CameraError if it cannot be opened."""
        if self.camera is None:
            try:
                self.camera = open_camera(self.camera_settings)
            except CameraError:
                self.camera_failed = True
                raise
        return self.camera

    def health(self) -> HardwareHealth:
        """Check the card reader and the printer now, and report the camera's frame count."""
        camera_state: Literal["running", "stopped", "failed"] = (
            "failed" if self.camera_failed else "stopped" if self.camera is None else "running"
        )
        return HardwareHealth(
            card=self.card_reader.state(),
            printer=_printer_state(self.printer),
            camera=camera_state,
            camera_frames=0 if self.camera is None else self.camera.frames_read,
        )
