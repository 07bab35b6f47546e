"""How a supervised task describes an unexpected exception in a log line: its type and where it was raised.

Never the exception's message: it may quote personal data (SQL parameters, facts, a name in a ValueError).
The type and the innermost `file:line in function` are enough for IT to report a bug, and hold nothing else.
"""

import traceback


def describe(exc: BaseException) -> str:
    """`TypeName at file:line in function` for the innermost frame of the exception's traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    frame = frames[-1]
    return f"{type(exc).__name__} at {frame.filename}:{frame.lineno} in {frame.name}"
