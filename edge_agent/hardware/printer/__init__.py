"""Slip printing: the Slip data, its layout, the ESC/POS writer, printer status and a PNG preview.

`SlipPrinter` is the interface the kiosk uses; printing the same `Slip` again reprints the same slip.
"""

from .errors import CoverOpenError, PaperOutError, PrinterError, PrinterOfflineError, PrinterUnreachableError
from .slip import CounterStop, Slip
from .slip_printer import SlipPrinter
from .status import PrinterStatus

__all__ = [
    "CounterStop",
    "CoverOpenError",
    "PaperOutError",
    "PrinterError",
    "PrinterOfflineError",
    "PrinterStatus",
    "PrinterUnreachableError",
    "Slip",
    "SlipPrinter",
]
