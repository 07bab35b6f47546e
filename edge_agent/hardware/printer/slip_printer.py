"""The ESC/POS slip printer (python-escpos), the `PrinterDevice` of every profile: check, print, preview.

Status is checked before any byte of the slip is sent, so a printer out of paper or with its cover open is
reported as an error and the same Slip can simply be printed again. Slip contents are never logged.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from edge_agent.profile import Printer

from .connection import open_printer
from .escpos_writer import SlipWriter
from .layout import slip_blocks
from .raster import draw_blocks, png
from .slip import Slip
from .status import PrinterStatus, problem, query_status


class SlipPrinter:
    """The ESC/POS slip printer of a counter unit, as its profile describes it (a `PrinterDevice`)."""

    def __init__(self, settings: Printer) -> None:
        self.settings = settings

    @contextlib.contextmanager
    def _open(self) -> Iterator[Any]:
        printer = open_printer(self.settings)
        try:
            yield printer
        finally:
            printer.close()

    def status(self) -> PrinterStatus | None:
        """The printer's status, or None when its connection cannot report one (file)."""
        with self._open() as printer:
            return query_status(printer)

    def print_slip(self, slip: Slip) -> None:
        """Print a slip, or raise a PrinterError without printing when the printer cannot."""
        with self._open() as printer:
            status = query_status(printer)
            if status is not None and (error := problem(status)) is not None:
                raise error
            writer = SlipWriter(
                printer,
                width_dots=self.settings.width_dots,
                japanese=self.settings.japanese,
                qr=self.settings.qr,
            )
            writer.write(slip_blocks(slip))

    def preview_png(self, slip: Slip) -> bytes:
        """The slip as a PNG image at the printer's resolution."""
        return png(draw_blocks(slip_blocks(slip), self.settings.width_dots))
