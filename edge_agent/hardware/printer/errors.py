"""Errors a slip print can end with; each says what staff must do and none carries slip contents."""


class PrinterError(Exception):
    """Base of every printer error; the slip was not (completely) printed and can be printed again."""


class PrinterUnreachableError(PrinterError):
    """The printer cannot be opened (unplugged, wrong address, no permission)."""


class PrinterOfflineError(PrinterError):
    """The printer reports it is offline."""


class PaperOutError(PrinterError):
    """The paper roll is empty."""


class CoverOpenError(PrinterError):
    """The printer cover is open."""
