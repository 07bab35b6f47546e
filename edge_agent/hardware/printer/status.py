"""Ask an ESC/POS printer for its state with DLE EOT (10 04 n) and turn a bad state into a clear error.

Only connections that can read back (USB, network, serial) answer; a file or device node gives no status.
This module asks and interprets; it must never print anything.
"""

from typing import Any

import msgspec
from escpos.escpos import Escpos

from .errors import CoverOpenError, PaperOutError, PrinterError, PrinterOfflineError, PrinterUnreachableError

DLE_EOT = b"\x10\x04"
PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR = 1, 2, 4
_OFFLINE = 0x08
_COVER_OPEN = 0x04
_STOPPED_BY_PAPER_END = 0x20
_PAPER_END = 0x60
_PAPER_NEAR_END = 0x0C


class PrinterStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The printer's real-time status."""

    online: bool
    cover_open: bool
    paper_out: bool
    paper_near_end: bool


def _ask(printer: Any, request: int) -> int:
    printer._raw(DLE_EOT + bytes([request]))
    try:
        answer = printer._read()
    except OSError as error:
        raise PrinterUnreachableError("the printer did not answer the status request") from error
    if not answer:
        raise PrinterUnreachableError("the printer closed the connection on a status request")
    return int(answer[-1])


def query_status(printer: Any) -> PrinterStatus | None:
    """Ask an open printer for its status; None when the connection cannot read back."""
    if type(printer)._read is Escpos._read:  # the base class's: this connection cannot read back
        return None
    printer_status = _ask(printer, PRINTER_STATUS)
    offline_cause = _ask(printer, OFFLINE_CAUSE)
    paper = _ask(printer, PAPER_SENSOR)
    return PrinterStatus(
        online=not printer_status & _OFFLINE,
        cover_open=bool(offline_cause & _COVER_OPEN),
        paper_out=paper & _PAPER_END == _PAPER_END or bool(offline_cause & _STOPPED_BY_PAPER_END),
        paper_near_end=paper & _PAPER_NEAR_END == _PAPER_NEAR_END,
    )


def problem(status: PrinterStatus) -> PrinterError | None:
    """The error that keeps this printer from printing a slip, or None if it can print."""
    if status.paper_out:
        return PaperOutError("the printer is out of paper: load a new roll, then print the slip again")
    if status.cover_open:
        return CoverOpenError("the printer cover is open: close it, then print the slip again")
    if not status.online:
        return PrinterOfflineError("the printer is offline: check it, then print the slip again")
    return None
