"""Open the python-escpos printer the profile describes (USB, network, serial or file).

The one place python-escpos connection errors become PrinterUnreachableError. It must never keep a
connection open between slips: each print opens, prints and closes, so a replugged printer just works.
"""

from typing import Any

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import File, Network, Serial, Usb

from edge_agent.profile import FilePrinter, NetworkPrinter, Printer, SerialPrinter, UsbPrinter

from .errors import PrinterUnreachableError


def _connection(settings: Printer) -> Any:
    if isinstance(settings, UsbPrinter):
        return Usb(settings.vendor_id, settings.product_id)
    if isinstance(settings, NetworkPrinter):
        return Network(settings.host, port=settings.port, timeout=settings.timeout)
    if isinstance(settings, SerialPrinter):
        return Serial(settings.device, baudrate=settings.baudrate)
    assert isinstance(settings, FilePrinter)
    return File(settings.path)


def open_printer(settings: Printer) -> Any:
    """An open python-escpos printer; close it with `.close()`."""
    printer = _connection(settings)
    try:
        printer.open()
    except (DeviceNotFoundError, OSError) as error:
        raise PrinterUnreachableError(f"cannot open the {type(settings).__name__}: {error}") from error
    return printer
