"""What the kiosk and the unit's health need from a slip printer, independent of the library behind it.

The ESC/POS `SlipPrinter` implements it for every connection a profile can name (USB, network, serial,
file). Implementations must never log or keep a slip's contents, and must check the printer before sending
any byte of a slip, so a failed print can be repeated with the same `Slip`.
"""

from typing import Protocol

from .slip import Slip
from .status import PrinterStatus


class PrinterDevice(Protocol):
    """A slip printer as the device profile describes it."""

    def status(self) -> PrinterStatus | None:
        """Paper, cover and online state now; None when the connection cannot report one.

        Raises PrinterUnreachableError when the printer cannot be reached.
        """
        ...

    def print_slip(self, slip: Slip) -> None:
        """Print a slip whole, or raise a PrinterError without printing any of it."""
        ...

    def preview_png(self, slip: Slip) -> bytes:
        """The slip as a PNG image at the printer's resolution, dot for dot where it prints raster."""
        ...
