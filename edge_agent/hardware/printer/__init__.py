"""Slip printing: the Slip data, its layout, the ESC/POS writer, printer status and a PNG preview.

`PrinterDevice` is the interface the kiosk uses and the ESC/POS `SlipPrinter` implements; printing the same
`Slip` again reprints the same slip.
"""

from .device import PrinterDevice
from .errors import CoverOpenError, PaperOutError, PrinterError, PrinterOfflineError, PrinterUnreachableError
from .slip import CounterStop, Slip, SlipHeadings
from .slip_printer import SlipPrinter
from .status import PrinterStatus

__all__ = [
    "CounterStop",
    "CoverOpenError",
    "PaperOutError",
    "PrinterDevice",
    "PrinterError",
    "PrinterOfflineError",
    "PrinterStatus",
    "PrinterUnreachableError",
    "Slip",
    "SlipHeadings",
    "SlipPrinter",
]
