"""The one writer of secret files: keys and enrolment files that only their owner may read (mode 0600).

Central's keys, the pre-entry signing key and a counter unit's key and identity are all written here, so
the mode, the fsync and the create-or-replace rule cannot drift apart between copies. It never reads a file,
never logs what it writes, and never leaves a half-written file in place of a good one.
"""

import os
import tempfile
from pathlib import Path


def write_secret_file(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Write data to a new 0600 file at path, fsynced with its directory before returning.

    Without `replace` the file must not exist yet (FileExistsError, the existing file untouched): a key is
    created once. With `replace` a new file takes the old one's place atomically, so a reader sees the old
    content or the new, and the old file's mode is not inherited.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if replace:
        fd, written = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # created 0600
    else:
        fd, written = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(written, path)
    except BaseException:
        Path(written).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
