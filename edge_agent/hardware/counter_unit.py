"""The hardware of one counter unit, built from its device profile: the devices' one owner, and their health.

This is the one entry point the rest of the edge agent needs: `CounterUnitHardware.from_profile(profile)`.
It is the camera's only owner: the camera runs only between `start_camera()` and `stop_camera()` (a Pi
camera left running draws power, warms the sensor and keeps watching whoever stands at the counter), and
frames are handed out one at a time, never kept. Whoever `watch`es hears when a device may have changed
state, so the status heartbeat can go out at once. The health report says what works and what staff must
fix; it must never contain card or slip contents.
"""

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import Literal

import msgspec

from edge_agent.profile import DeviceProfile

from .camera import CameraError, Frame, FrameSource, open_camera
from .card.pcsc import PcscCardReader
from .card.reader import CardReader, CardState
from .printer import PrinterDevice, PrinterError, Slip, SlipPrinter

PrinterState = Literal[
    "ready", "paper_near_end", "paper_out", "cover_open", "offline", "unreachable", "unknown"
]
CameraState = Literal["running", "stopped", "failed"]


class HardwareHealth(msgspec.Struct, frozen=True, kw_only=True):
    """What the device status heartbeat reports about the hardware."""

    card: CardState
    """no_reader, empty or present."""
    printer: PrinterState
    """ready, or what keeps the printer from printing; unknown when the connection cannot tell."""
    camera: CameraState
    """running while a screen uses it; failed when it last could not be opened or stopped delivering."""
    camera_frames: int
    """Frames read since the unit started: a count that stops while the camera runs means it is stuck."""


def _printer_state(printer: PrinterDevice) -> PrinterState:
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


class CounterUnitHardware:
    """Card reader, slip printer and camera of one counter unit."""

    def __init__(
        self, card_reader: CardReader, printer: PrinterDevice, open_camera: Callable[[], FrameSource]
    ) -> None:
        self.card_reader = card_reader
        self.printer = printer
        self._open_camera = open_camera
        self._camera: FrameSource | None = None
        self._camera_failed = False
        self._frames = 0
        self._last_print: str | None = None
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    @classmethod
    def from_profile(cls, profile: DeviceProfile) -> "CounterUnitHardware":
        """Build the drivers a profile names; nothing is opened until used."""
        return cls(
            PcscCardReader(profile.card_reader.reader),
            SlipPrinter(profile.printer),
            functools.partial(open_camera, profile.camera),
        )

    def watch(self, on_change: Callable[[], None]) -> Callable[[], None]:
        """Call `on_change` (from any thread) when a device may have changed state — the camera started,
        stopped or failed, a card went in or out, a print failed or worked again — until the returned
        function is called. `on_change` must return at once and must not call back into the hardware."""
        self._listeners.append(on_change)
        stop_card = self.card_reader.watch(lambda _: on_change())

        def stop() -> None:
            stop_card()
            self._listeners.remove(on_change)

        return stop

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def camera_state(self) -> CameraState:
        """Whether the camera runs now, or failed the last time it was used."""
        return "running" if self._camera is not None else "failed" if self._camera_failed else "stopped"

    def start_camera(self) -> None:
        """Open the camera unless it runs (blocking); raises CameraError if it cannot be opened."""
        with self._lock:
            if self._camera is not None:
                return
            try:
                self._camera = self._open_camera()
            finally:
                self._camera_failed = self._camera is None
                self._changed()

    def stop_camera(self) -> None:
        """Close the camera if it runs (blocking); a failed camera stays reported as failed."""
        with self._lock:
            camera, self._camera = self._camera, None
            if camera is not None:
                with contextlib.suppress(CameraError):
                    camera.close()
                self._changed()

    def read_frame(self) -> Frame | None:
        """The running camera's next frame, or None once a finite source (an image folder) has run dry; it
        then starts over, so the next call sees images added meanwhile.

        Raises CameraError when the camera is not running, or fails (it is then closed and reported failed).
        """
        with self._lock:
            camera = self._camera
            if camera is None:
                raise CameraError("the camera is not running")
            try:
                frame = camera.read()
                if frame is None:
                    self._camera = None
                    camera.close()
                    self._camera = self._open_camera()
                    return None
            except CameraError:
                self._camera, self._camera_failed = None, True
                with contextlib.suppress(CameraError):
                    camera.close()
                self._changed()
                raise
            self._frames += 1
            return frame

    def print_slip(self, slip: Slip) -> None:
        """Print a slip on the printer (see `PrinterDevice.print_slip`); raises PrinterError.

        Watchers hear of it when the outcome differs from the last print's (paper ran out, or printing
        works again), as the printer's state has changed then.
        """
        outcome = "printed"
        try:
            self.printer.print_slip(slip)
        except PrinterError as error:
            outcome = type(error).__name__
            raise
        finally:
            if outcome != self._last_print:
                self._last_print = outcome
                self._changed()

    def health(self) -> HardwareHealth:
        """Check the card reader and the printer now, and report the camera's state and frame count."""
        return HardwareHealth(
            card=self.card_reader.state(),
            printer=_printer_state(self.printer),
            camera=self.camera_state,
            camera_frames=self._frames,
        )
